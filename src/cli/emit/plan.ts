/**
 * What `bench eval … --emit slurm|k8s` turns into a scheduler's job: the eval command line the user typed
 * (less the emit options), run as `--shard auto` in every array task, and the merge command that follows.
 * The emitters (slurm.ts, k8s.ts) only lay this out in each scheduler's format.
 */
import { workerExecArgv } from '../../bench/runner.js';
import { BenchError } from '../../errors.js';
import { fileSafe } from '../../util/hash.js';

export interface EmitPlan {
  /** Array tasks (shards). */
  shards: number;
  /** The directory every command runs in (relative paths in the arguments are relative to it). */
  cwd: string;
  /** A name for the jobs: `fer-bench-<model>-<corpus>-<split>`. */
  name: string;
  /** `bench eval` arguments of one array task, `--shard auto/<n>` included (the index comes from the scheduler). */
  evalArgs: string[];
  /** `bench merge` arguments after the segments. */
  mergeArgs: string[];
  /** The segments' directories as a shell glob, split into literal parts joined by `*`. */
  segmentGlob: string[];
  /**
   * CPUs to ask for per task: --workers + --threads when both are given, twice the one given (the default
   * split is half and half), else 4. Inside its allocation a task splits what it sees (availableParallelism).
   */
  cpusPerTask: number;
}

/** Options of `bench eval` that the plan reads. */
export interface EmitEvalOptions {
  model: string;
  dataset: string;
  split: string;
  storeDir: string;
  out: string;
  classes?: string;
  missing?: string;
  resamples: number;
  level: number;
  seed: number;
  groupCi?: boolean;
  save: boolean;
  threads?: number;
  workers?: number;
}

/** Options that only concern emitting, or that each task sets itself: left out of the tasks' command line. */
const EMIT_ONLY = new Set(['--emit', '--shards', '--shard', '--image']);
const EMIT_FLAGS = new Set(['--json']);

/** `args` (what followed `bench eval`) without the emit options. */
export function taskArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = a.startsWith('--') && a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (EMIT_FLAGS.has(a)) continue;
    if (EMIT_ONLY.has(name)) {
      if (name === a) i++; // its value is the next word
      continue;
    }
    out.push(a);
  }
  return out;
}

/** The words after `eval` in this process's command line. */
export function evalArgsOfProcess(argv: readonly string[] = process.argv): string[] {
  const i = argv.indexOf('eval', 2);
  if (i < 0) throw new Error('not a `bench eval` command line');
  return argv.slice(i + 1);
}

/** How this process was started, to run the same `bench` in the tasks: node, its loader options, the entry script. */
export function benchCommandOfProcess(): string[] {
  return [process.execPath, ...workerExecArgv(process.execArgv), process.argv[1]];
}

export function emitPlan(args: readonly string[], opts: EmitEvalOptions, shards: number, cwd = process.cwd()): EmitPlan {
  if (!Number.isInteger(shards) || shards < 1) throw new BenchError('BAD_INPUT', `--shards ${shards}: need at least one shard`, { fix: 'give --shards N with N ≥ 1 (the array tasks)' });
  const mergeArgs = ['--resamples', String(opts.resamples), '--level', String(opts.level), '--seed', String(opts.seed)];
  // Without --missing the merge applies the same protocol default as bench eval (count-wrong under 8/7).
  if (opts.missing !== undefined) mergeArgs.push('--missing', opts.missing);
  if (opts.classes !== undefined) mergeArgs.push('--protocol', opts.classes);
  if (opts.groupCi) mergeArgs.push('--group-ci');
  if (opts.save) mergeArgs.push('--out', opts.out);
  else mergeArgs.push('--no-save');
  const model = fileSafe(opts.model);
  const corpus = fileSafe(opts.dataset);
  const split = fileSafe(opts.split);
  const store = opts.storeDir.replace(/\/+$/, '');
  const threads = opts.threads && opts.threads > 0 ? opts.threads : undefined;
  const cpusPerTask = opts.workers !== undefined && threads !== undefined ? opts.workers + threads : 2 * (opts.workers ?? threads ?? 2);
  return {
    shards,
    cwd,
    name: `fer-bench-${model}-${corpus}-${split}`,
    // The count is given, so a task resubmitted on its own (sbatch --array=2) is still shard 2 of n.
    evalArgs: [...taskArgs(args), '--shard', `auto/${shards}`],
    mergeArgs,
    // <store>/<model>-<corpus>-<split>-<hash>-shard<i>of<n> (store/key.ts storeDirName)
    segmentGlob: [`${store}/${model}-${corpus}-${split}-`, `-shard`, `of${shards}`],
    cpusPerTask,
  };
}

/** A word for a POSIX shell: as is when it is safe, else single-quoted. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The segment glob as shell text: the literal parts quoted, the `*`s not. */
export function shellGlob(parts: readonly string[]): string {
  return parts.map(shellWord).join('*');
}
