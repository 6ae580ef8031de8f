/**
 * Deterministic shards of one evaluation, for the array tasks of a scheduler (Slurm job arrays,
 * Kubernetes Indexed Jobs). The harness has no scheduler of its own: task i of n evaluates the i-th
 * block of the corpus and writes its own store segment; `bench merge` (merge.ts) puts them together.
 *
 * Sharding is a transformation of the corpus: its samples in canonical id order (code units, as the
 * scorer orders them), cut into n contiguous blocks whose sizes differ by at most one. A sample is the
 * unit (a clip, for video corpora), so a clip never splits across shards. The assignment depends only on
 * the sample ids and n, never on the machine, the scheduler or the order a loader listed the files in.
 *
 * What a shard records (decided here, checked by the merge): its own block of samples and, in shard 0
 * only, the loader's skips and flags (they belong to no block), plus the full corpus's totals. So the
 * merged corpus summary is the sum of the parts, and the sum is checked against the totals every
 * shard carries.
 */
import type { Corpus, CorpusShard } from '../datasets/corpus.js';
import { BenchError } from '../errors.js';
import { compareCodeUnits } from '../util/hash.js';
import { toolInfo } from './provenance.js';

export interface ShardSpec {
  /** 0-based task index, 0 ≤ index < count. */
  index: number;
  count: number;
}

/** Set by the emitted Kubernetes manifest: an Indexed Job gives each pod its index, not the count. */
export const SHARD_COUNT_ENV = 'FER_BENCH_SHARD_COUNT';

const SHARD_FIX = 'give --shard i/n with 0 ≤ i < n (e.g. --shard 0/4), or --shard auto inside a Slurm array task or a Kubernetes Indexed Job';

function wholeNumber(text: string, what: string, spec: string): number {
  if (!/^\d+$/.test(text.trim())) throw new BenchError('BAD_INPUT', `--shard ${spec}: ${what} "${text}" is not a whole number`, { fix: SHARD_FIX });
  return Number(text.trim());
}

function checked(index: number, count: number, origin: string): ShardSpec {
  if (count < 1) throw new BenchError('BAD_INPUT', `${origin}: the shard count must be at least 1, got ${count}`, { fix: SHARD_FIX });
  if (index >= count) throw new BenchError('BAD_INPUT', `${origin}: shard index ${index} is not below the count ${count}`, { fix: `indices run from 0 to ${count - 1}; ${SHARD_FIX}` });
  return { index, count };
}

/**
 * `--shard i/n`, `--shard auto` (index and count from the scheduler's environment) or `--shard auto/n`
 * (index from the environment, count given).
 */
export function parseShardSpec(spec: string, env: NodeJS.ProcessEnv = process.env): ShardSpec {
  const [head, tail, ...rest] = spec.split('/');
  if (rest.length > 0 || head === undefined) throw new BenchError('BAD_INPUT', `--shard ${spec}: expected i/n, auto or auto/n`, { fix: SHARD_FIX });
  if (head.trim() === 'auto') return shardFromEnv(env, tail === undefined ? undefined : wholeNumber(tail, 'count', spec));
  if (tail === undefined) throw new BenchError('BAD_INPUT', `--shard ${spec}: expected i/n (task index / task count)`, { fix: SHARD_FIX });
  return checked(wholeNumber(head, 'index', spec), wholeNumber(tail, 'count', spec), `--shard ${spec}`);
}

/**
 * The shard of this process from the scheduler's environment. The index is the scheduler's own task
 * index, never renumbered, so a task resubmitted alone (`sbatch --array=2 job.sbatch`) is still shard 2:
 * - Slurm job arrays: SLURM_ARRAY_TASK_ID. Without `count`, the count is SLURM_ARRAY_TASK_COUNT and
 *   the array must be exactly 0..count-1 (`--array=0-7`, a throttle `%2` is fine); anything else (a
 *   resubmitted single task, `--array=1-8`) is refused rather than guessed: give the count (`auto/n`).
 * - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX, of `count` or FER_BENCH_SHARD_COUNT tasks.
 */
export function shardFromEnv(env: NodeJS.ProcessEnv = process.env, count?: number): ShardSpec {
  const num = (name: string): number | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    if (!/^\d+$/.test(v)) throw new BenchError('BAD_INPUT', `${name}=${v} is not a whole number`, { fix: `unset ${name} or give --shard i/n` });
    return Number(v);
  };
  const task = num('SLURM_ARRAY_TASK_ID');
  if (task !== undefined) {
    if (count !== undefined) return checked(task, count, 'SLURM_ARRAY_TASK_ID');
    const n = num('SLURM_ARRAY_TASK_COUNT');
    const min = num('SLURM_ARRAY_TASK_MIN');
    const max = num('SLURM_ARRAY_TASK_MAX');
    const step = num('SLURM_ARRAY_TASK_STEP') ?? 1;
    if (n === undefined || min !== 0 || max !== n - 1 || step !== 1) {
      throw new BenchError('BAD_INPUT', `--shard auto: the Slurm array is not 0..count-1 (ids ${min ?? '?'}-${max ?? '?'}, step ${step}, ${n ?? '?'} tasks), so the shard count cannot be read from it`, {
        fix: 'give the count: --shard auto/n (as the script from --emit slurm does), or submit the whole array, indices 0 to n-1 (the sbatch array option 0-<n-1>)',
      });
    }
    return checked(task, n, 'SLURM_ARRAY_TASK_ID');
  }
  const index = num('JOB_COMPLETION_INDEX');
  if (index !== undefined) {
    const n = count ?? num(SHARD_COUNT_ENV);
    if (n === undefined) {
      throw new BenchError('BAD_INPUT', `JOB_COMPLETION_INDEX is set but the shard count is not`, {
        fix: `set ${SHARD_COUNT_ENV} to the Job's completions (the manifest from --emit k8s does), or give --shard auto/n`,
      });
    }
    return checked(index, n, 'JOB_COMPLETION_INDEX');
  }
  throw new BenchError('BAD_INPUT', '--shard auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set (not inside an array task)', { fix: SHARD_FIX });
}

/** The block [start, end) of `total` items that shard `index` of `count` takes: contiguous, sizes differ by ≤ 1. */
export function shardBlock(total: number, spec: ShardSpec): { start: number; end: number } {
  const start = Math.floor((spec.index * total) / spec.count);
  const end = Math.floor(((spec.index + 1) * total) / spec.count);
  return { start, end };
}

/** The version of the code that wrote a segment: segments of different versions are never merged. */
export function harnessVersion(): string {
  const t = toolInfo();
  return `${t.name}@${t.version}${t.gitCommit ? `+${t.gitCommit}` : ''}`;
}

/**
 * The corpus of one shard: its block of samples (in the corpus's own order), the full corpus's manifest
 * hash (so the segment's store key names the whole evaluation) and, in shard 0 only, the loader's skips
 * and flags. `corpus.shard` carries the totals the merge checks the parts against.
 */
export function shardCorpus(corpus: Corpus, spec: ShardSpec): Corpus {
  if (corpus.shard) throw new Error(`corpus ${corpus.name} is already shard ${corpus.shard.index}/${corpus.shard.count}`);
  const { index, count } = checked(spec.index, spec.count, 'shardCorpus');
  const ids = corpus.samples.map((s) => s.id).sort(compareCodeUnits);
  const { start, end } = shardBlock(ids.length, spec);
  const mine = new Set(ids.slice(start, end));
  const shard: CorpusShard = {
    index,
    count,
    start,
    end,
    corpusItems: corpus.samples.length,
    corpusSkipped: corpus.skipped.length,
    corpusFlagged: corpus.flagged.length,
    harness: harnessVersion(),
  };
  return {
    ...corpus,
    samples: corpus.samples.filter((s) => mine.has(s.id)),
    skipped: index === 0 ? corpus.skipped : [],
    flagged: index === 0 ? corpus.flagged : [],
    shard,
  };
}

/** What a shard adds to the store key: the segment is its own store, and its harness version is part of its identity. */
export function shardKeyPart(shard: CorpusShard): { index: number; count: number; harness: string } {
  return { index: shard.index, count: shard.count, harness: shard.harness };
}
