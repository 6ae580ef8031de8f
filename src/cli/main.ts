#!/usr/bin/env node
/**
 * `bench`: the command-line entry. Each sub-command lives in `commands/<name>.ts` and registers itself;
 * heavy modules (onnxruntime, tfjs, sharp) are imported inside actions so `bench --help` stays fast.
 */
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

const program = new Command('bench')
  .description('Benchmark and evaluate facial emotion recognition models (HSEmotion, EMO-AffectNet, face-api) across corpora.')
  .showSuggestionAfterError(true)
  // The root command (latency) has its own options; sub-commands must get theirs even when the names clash (--out, --json).
  .enablePositionalOptions();

registerCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
