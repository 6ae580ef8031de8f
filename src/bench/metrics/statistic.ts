/**
 * A statistic the bootstrap can recompute cheaply over a multiset of items given as an index list
 * (with repeats). Each statistic loops over the indices itself, in one tight loop, into its own scratch
 * counters (a confusion matrix, running sums). The point estimate is the same code over 0..n−1, so
 * estimates and resamples cannot disagree.
 */
export interface ResampleStatistic {
  /** Names of the values `compute` writes, in order. */
  readonly names: readonly string[];
  /**
   * Writes the values over the items indices[0 .. length) into out[offset .. offset + names.length).
   * An index may repeat (a bootstrap draw); each occurrence counts once.
   */
  compute(indices: Int32Array, length: number, out: Float64Array, offset: number): void;
}

/** 0, 1, …, n−1: every item once. */
export function allItems(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

/** The values of `stat` over all `n` items, each once, keyed by name. */
export function pointEstimate(stat: ResampleStatistic, n: number): Record<string, number> {
  const out = new Float64Array(stat.names.length);
  stat.compute(allItems(n), n, out, 0);
  const values: Record<string, number> = {};
  stat.names.forEach((name, j) => (values[name] = out[j]));
  return values;
}

/** Several statistics over the same items, resampled together (their names must not clash). */
export function concatStatistics(parts: readonly ResampleStatistic[]): ResampleStatistic {
  const names = parts.flatMap((p) => p.names);
  if (new Set(names).size !== names.length) throw new Error(`statistic names clash: ${names.join(', ')}`);
  return {
    names,
    compute: (indices, length, out, offset) => {
      let o = offset;
      for (const p of parts) {
        p.compute(indices, length, out, o);
        o += p.names.length;
      }
    },
  };
}

/**
 * `base` with extra values computed from its values, placed first: `derive(values, out, offset)` writes
 * `names.length` values given the base `values` (in `base.names` order).
 */
export function withDerived(
  base: ResampleStatistic,
  names: readonly string[],
  derive: (values: Float64Array, out: Float64Array, offset: number) => void,
): ResampleStatistic {
  const values = new Float64Array(base.names.length);
  return {
    names: [...names, ...base.names],
    compute: (indices, length, out, offset) => {
      base.compute(indices, length, values, 0);
      derive(values, out, offset);
      out.set(values, offset + names.length);
    },
  };
}

/**
 * a − b for every name the two share (same order as in `a`), on the same resampled items: the paired
 * difference of two models scored on the same items.
 */
export function differenceStatistic(a: ResampleStatistic, b: ResampleStatistic): ResampleStatistic {
  const names = a.names.filter((name) => b.names.includes(name));
  const ia = names.map((name) => a.names.indexOf(name));
  const ib = names.map((name) => b.names.indexOf(name));
  const va = new Float64Array(a.names.length);
  const vb = new Float64Array(b.names.length);
  return {
    names,
    compute: (indices, length, out, offset) => {
      a.compute(indices, length, va, 0);
      b.compute(indices, length, vb, 0);
      for (let j = 0; j < names.length; j++) out[offset + j] = va[ia[j]] - vb[ib[j]];
    },
  };
}

/** Mean of a per-item value (e.g. 0/1 top-k hits) under one name. */
export function meanStatistic(name: string, values: Uint8Array | Float64Array): ResampleStatistic {
  const v = values;
  return {
    names: [name],
    compute: (indices, length, out, offset) => {
      let sum = 0;
      for (let j = 0; j < length; j++) sum += v[indices[j]];
      out[offset] = length > 0 ? sum / length : NaN;
    },
  };
}

/** The same statistic with every value name prefixed (to combine several without clashes). */
export function prefixStatistic(stat: ResampleStatistic, prefix: string): ResampleStatistic {
  return { names: stat.names.map((name) => prefix + name), compute: stat.compute };
}
