/**
 * Seeded percentile bootstrap confidence intervals for any ResampleStatistic, resampling items or, when
 * items of one group (clip, video, actor) are not independent, whole groups (cluster bootstrap: draw G
 * groups with replacement, add all their items).
 *
 * Interval: the (1−level)/2 and (1+level)/2 quantiles of the resampled values, with numpy's default
 * linear interpolation. Resamples where a value is undefined (NaN, e.g. Pearson of a constant resample)
 * are left out of that value's quantiles and counted in `undefinedResamples`.
 */
import type { MetricWithCI } from '../records.js';
import { createRng } from './prng.js';
import { allItems, type ResampleStatistic } from './statistic.js';
import { BenchError } from '../../errors.js';
import { checkLength, checkLevel, checkNonEmpty, checkResamples, checkSeedInput } from './validate.js';

export interface BootstrapOptions {
  /** Number of resamples; 0 gives point estimates without intervals. Default 2000. */
  resamples?: number;
  /** Confidence level of the interval. Default 0.95. */
  level?: number;
  /** PRNG seed (uint32), recorded in every interval. Default 0. */
  seed?: number;
  /** Group of each item (same length as the items): when given, whole groups are resampled. */
  groups?: ArrayLike<string | number>;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 2000, level: 0.95, seed: 0 } as const;

export type ConfidenceInterval = NonNullable<MetricWithCI['ci']> & {
  /** Resamples on which the value was undefined (NaN) and so left out; absent when none. */
  undefinedResamples?: number;
};

export interface MetricEstimate extends MetricWithCI {
  ci?: ConfidenceInterval;
}

/** Items of each group, in first-appearance order (CSR layout for fast resampling). */
interface GroupIndex {
  count: number;
  start: Int32Array;
  items: Int32Array;
}

function indexGroups(groups: ArrayLike<string | number>): GroupIndex {
  const ids = new Map<string | number, number>();
  const of = new Int32Array(groups.length);
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g === undefined || g === null || g === '') {
      throw new BenchError('BAD_INPUT', `groups[${i}] is empty`, { fix: 'give every item a group, or resample items instead of groups' });
    }
    let id = ids.get(g);
    if (id === undefined) {
      id = ids.size;
      ids.set(g, id);
    }
    of[i] = id;
  }
  const count = ids.size;
  const start = new Int32Array(count + 1);
  for (let i = 0; i < of.length; i++) start[of[i] + 1]++;
  for (let g = 0; g < count; g++) start[g + 1] += start[g];
  const fill = start.slice(0, count);
  const items = new Int32Array(of.length);
  for (let i = 0; i < of.length; i++) items[fill[of[i]]++] = i;
  return { count, start, items };
}

/** Linear-interpolated quantile (numpy default) of an ascending-sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Point estimate of every value of `stat` over the `n` items, with a percentile bootstrap CI when
 * `resamples` > 0. Deterministic for a given seed.
 */
export function bootstrap(stat: ResampleStatistic, n: number, options: BootstrapOptions = {}): Record<string, MetricEstimate> {
  checkNonEmpty(n, 'the item set');
  const resamples = checkResamples(options.resamples ?? BOOTSTRAP_DEFAULTS.resamples);
  const level = checkLevel(options.level ?? BOOTSTRAP_DEFAULTS.level);
  const seed = checkSeedInput(options.seed ?? BOOTSTRAP_DEFAULTS.seed);
  const m = stat.names.length;

  const point = new Float64Array(m);
  stat.compute(allItems(n), n, point, 0);

  const result: Record<string, MetricEstimate> = {};
  stat.names.forEach((name, j) => (result[name] = { value: point[j] }));
  if (resamples === 0) return result;

  const rng = createRng(seed);
  // replicates[r * m + j] = value j on resample r
  const replicates = new Float64Array(resamples * m);
  const row = new Float64Array(m);
  let unit: 'item' | 'group' = 'item';
  if (options.groups) {
    checkLength(options.groups, n, 'groups', 'the item list');
    unit = 'group';
    const { count, start, items } = indexGroups(options.groups);
    const drawn = new Int32Array(count);
    let indices = new Int32Array(n);
    for (let r = 0; r < resamples; r++) {
      rng.fillBelow(count, drawn, count);
      let length = 0;
      for (let d = 0; d < count; d++) {
        const g = drawn[d];
        const size = start[g + 1] - start[g];
        if (length + size > indices.length) {
          const grown = new Int32Array(Math.max(indices.length * 2, length + size));
          grown.set(indices.subarray(0, length));
          indices = grown;
        }
        indices.set(items.subarray(start[g], start[g + 1]), length);
        length += size;
      }
      stat.compute(indices, length, row, 0);
      replicates.set(row, r * m);
    }
  } else {
    const indices = new Int32Array(n);
    for (let r = 0; r < resamples; r++) {
      rng.fillBelow(n, indices, n);
      stat.compute(indices, n, row, 0);
      replicates.set(row, r * m);
    }
  }

  const column = new Float64Array(resamples);
  const alpha = (1 - level) / 2;
  stat.names.forEach((name, j) => {
    let defined = 0;
    for (let r = 0; r < resamples; r++) {
      const v = replicates[r * m + j];
      if (!Number.isNaN(v)) column[defined++] = v;
    }
    const sorted = column.subarray(0, defined).sort();
    const ci: ConfidenceInterval = {
      low: quantileSorted(sorted, alpha),
      high: quantileSorted(sorted, 1 - alpha),
      level,
      resamples,
      seed,
      unit,
    };
    if (defined < resamples) ci.undefinedResamples = resamples - defined;
    result[name].ci = ci;
  });
  return result;
}
