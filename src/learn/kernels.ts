/**
 * The inner loops of the linear solvers, four (then two) vectors per sweep over a row: the row is loaded once
 * for four weight vectors. Both LinearSVC's one-vs-rest problems and the logistic regression's
 * classes are bound by loading the row, so this roughly halves their time (benchmarks/learn-loco.ts).
 * Vector q is v[q][off[q] .. off[q] + d); the row is x[xo .. xo + d).
 */

/** out[q] = v_q · row, for q < count. */
export function dotRows(v: readonly Float64Array[], off: ArrayLike<number>, count: number, x: Float64Array, xo: number, d: number, out: Float64Array): void {
  let q = 0;
  for (; q + 3 < count; q += 4) {
    const v0 = v[q], v1 = v[q + 1], v2 = v[q + 2], v3 = v[q + 3];
    const o0 = off[q], o1 = off[q + 1], o2 = off[q + 2], o3 = off[q + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < d; j++) {
      const xj = x[xo + j];
      s0 += v0[o0 + j] * xj;
      s1 += v1[o1 + j] * xj;
      s2 += v2[o2 + j] * xj;
      s3 += v3[o3 + j] * xj;
    }
    out[q] = s0;
    out[q + 1] = s1;
    out[q + 2] = s2;
    out[q + 3] = s3;
  }
  for (; q + 1 < count; q += 2) {
    const v0 = v[q], v1 = v[q + 1];
    const o0 = off[q], o1 = off[q + 1];
    let s0 = 0;
    let s1 = 0;
    for (let j = 0; j < d; j++) {
      const xj = x[xo + j];
      s0 += v0[o0 + j] * xj;
      s1 += v1[o1 + j] * xj;
    }
    out[q] = s0;
    out[q + 1] = s1;
  }
  for (; q < count; q++) {
    const vq = v[q];
    const oq = off[q];
    let s = 0;
    for (let j = 0; j < d; j++) s += vq[oq + j] * x[xo + j];
    out[q] = s;
  }
}

/** v_q += a[q] · row, for q < count. */
export function axpyRows(v: readonly Float64Array[], off: ArrayLike<number>, a: ArrayLike<number>, count: number, x: Float64Array, xo: number, d: number): void {
  let q = 0;
  for (; q + 3 < count; q += 4) {
    const v0 = v[q], v1 = v[q + 1], v2 = v[q + 2], v3 = v[q + 3];
    const o0 = off[q], o1 = off[q + 1], o2 = off[q + 2], o3 = off[q + 3];
    const a0 = a[q], a1 = a[q + 1], a2 = a[q + 2], a3 = a[q + 3];
    for (let j = 0; j < d; j++) {
      const xj = x[xo + j];
      v0[o0 + j] += a0 * xj;
      v1[o1 + j] += a1 * xj;
      v2[o2 + j] += a2 * xj;
      v3[o3 + j] += a3 * xj;
    }
  }
  for (; q + 1 < count; q += 2) {
    const v0 = v[q], v1 = v[q + 1];
    const o0 = off[q], o1 = off[q + 1];
    const a0 = a[q], a1 = a[q + 1];
    for (let j = 0; j < d; j++) {
      const xj = x[xo + j];
      v0[o0 + j] += a0 * xj;
      v1[o1 + j] += a1 * xj;
    }
  }
  for (; q < count; q++) {
    const vq = v[q];
    const oq = off[q];
    const aq = a[q];
    for (let j = 0; j < d; j++) vq[oq + j] += aq * x[xo + j];
  }
}

/**
 * v_q += a[q] · row_prev, then out[q] = v_q · row_next, in one sweep over v_q (for q < count): the
 * coordinate-descent solvers update w with one row and read it with the next, so fusing the two loads
 * and stores w once instead of twice. Bit-identical to axpyRows then dotRows: each element is updated
 * before it is read, and each sum runs over j in the same order.
 */
export function axpyDotRows(
  v: readonly Float64Array[],
  a: ArrayLike<number>,
  count: number,
  x: Float64Array,
  prev: number,
  next: number,
  d: number,
  out: Float64Array,
): void {
  let q = 0;
  for (; q + 3 < count; q += 4) {
    const v0 = v[q], v1 = v[q + 1], v2 = v[q + 2], v3 = v[q + 3];
    const a0 = a[q], a1 = a[q + 1], a2 = a[q + 2], a3 = a[q + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < d; j++) {
      const pj = x[prev + j];
      const nj = x[next + j];
      const w0 = (v0[j] += a0 * pj);
      const w1 = (v1[j] += a1 * pj);
      const w2 = (v2[j] += a2 * pj);
      const w3 = (v3[j] += a3 * pj);
      s0 += w0 * nj;
      s1 += w1 * nj;
      s2 += w2 * nj;
      s3 += w3 * nj;
    }
    out[q] = s0;
    out[q + 1] = s1;
    out[q + 2] = s2;
    out[q + 3] = s3;
  }
  for (; q + 1 < count; q += 2) {
    const v0 = v[q], v1 = v[q + 1];
    const a0 = a[q], a1 = a[q + 1];
    let s0 = 0;
    let s1 = 0;
    for (let j = 0; j < d; j++) {
      const pj = x[prev + j];
      const nj = x[next + j];
      s0 += (v0[j] += a0 * pj) * nj;
      s1 += (v1[j] += a1 * pj) * nj;
    }
    out[q] = s0;
    out[q + 1] = s1;
  }
  for (; q < count; q++) {
    const vq = v[q];
    const aq = a[q];
    let s = 0;
    for (let j = 0; j < d; j++) s += (vq[j] += aq * x[prev + j]) * x[next + j];
    out[q] = s;
  }
}
