/**
 * Runs `bench <args>` in-process on a commander program shaped like the real root (which has its own
 * --json for the latency job, kept apart by positional options), with stdout/stderr captured.
 */
import { Command } from 'commander';

export interface Ran {
  stdout: string;
  stderr: string;
  exitCode: number | undefined;
}

export async function runBench(registers: Array<(program: Command) => void>, args: string[]): Promise<Ran> {
  // Like the real root: the latency job's own --out and --json, kept apart from sub-commands' by positional options.
  const program = new Command('bench').enablePositionalOptions().exitOverride().option('--out <dir>', 'root option', 'results/runs').option('--json');
  for (const register of registers) register(program);
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const before = process.exitCode;
  process.exitCode = undefined;
  // The test runner reports to its parent through stdout in binary chunks: let those through.
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' ? ((stdout += chunk), true) : (out as (...a: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' ? ((stderr += chunk), true) : (err as (...a: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stderr.write;
  try {
    await program.parseAsync(['node', 'bench', ...args]);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  const exitCode = process.exitCode as number | undefined;
  process.exitCode = before;
  return { stdout, stderr, exitCode };
}
