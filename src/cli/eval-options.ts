/**
 * The options every command that runs a model over a corpus and scores it shares (`bench eval`,
 * `bench protocol …`): the engine, the bootstrap intervals, and where the run record goes.
 */
import type { Command } from 'commander';
import { parseCount, parsePositiveInt, parseProbability } from './parse.js';

/** `-d/--device`, `--weights`, `-b/--batch`. */
export function addEngineOptions(command: Command): Command {
  return command
    .option('-d, --device <device>', 'cpu | cuda | webgpu | dml | coreml', 'cpu')
    .option('--weights <file>', 'use this weights file instead of models/ or the cache')
    .option('-b, --batch <n>', 'items per engine call', parseCount, 8);
}

/** `--resamples`, `--level`, `--seed`, `--group-ci` (`groups` says what a group is, for the help). */
export function addCiOptions(command: Command, groups: string): Command {
  return command
    .option('--resamples <n>', 'bootstrap resamples for confidence intervals (0 = none)', parsePositiveInt, 2000)
    .option('--level <p>', 'confidence level', parseProbability, 0.95)
    .option('--seed <n>', 'bootstrap seed', parsePositiveInt, 0)
    .option('--group-ci', `resample whole groups (${groups}) instead of items`);
}

/** `--out`, `--no-save`, `--json`. */
export function addRecordOptions(command: Command): Command {
  return command
    .option('--out <dir>', 'directory for run records', 'results/runs')
    .option('--no-save', 'do not write a run record')
    .option('--json', 'print the run record as JSON on stdout');
}
