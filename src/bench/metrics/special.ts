/**
 * The two tail probabilities McNemar's test needs, to near machine precision and without a stats
 * library: the exact binomial(n, 1/2) lower tail and the chi-square (1 degree of freedom) upper tail.
 */

const RESCALE_BITS = 512;
const RESCALE = 2 ** RESCALE_BITS;
/** ln Γ(1/2) = ln √π. */
const LN_GAMMA_HALF = 0.5 * Math.log(Math.PI);
const EPS = 1e-16;
const TINY = 1e-300;

/** P(X ≤ m) for X ~ Binomial(n, 1/2); n, m non-negative integers. */
export function binomialHalfCdf(m: number, n: number): number {
  if (m < 0) return 0;
  if (m >= n) return 1;
  // t_k = C(n,k)/2^n by the recurrence t_k = t_{k-1}·(n−k+1)/k, kept as v·2^e (and the running sum in
  // the same unit) so neither overflows nor underflows for any n: only roundings, no logarithms.
  let v = 1;
  let sum = 1;
  let e = -n;
  for (let k = 1; k <= m; k++) {
    v = (v * (n - k + 1)) / k;
    sum += v;
    if (v > RESCALE) {
      v /= RESCALE;
      sum /= RESCALE;
      e += RESCALE_BITS;
    }
  }
  // sum·2^e, in steps so a very negative e does not underflow before the multiplication.
  while (e < -1000) {
    sum *= 2 ** -1000;
    e += 1000;
  }
  return Math.min(1, sum * 2 ** e);
}

/** Upper tail P(χ²₁ > x), i.e. the regularised incomplete gamma Q(1/2, x/2). */
export function chiSquare1Sf(x: number): number {
  if (!(x > 0)) return 1;
  const a = 0.5;
  const z = x / 2;
  const prefactor = Math.exp(-z + a * Math.log(z) - LN_GAMMA_HALF);
  if (z < a + 1) {
    // Series for P(a, z); Q = 1 − P is well conditioned here (Q > 0.2).
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let i = 0; i < 1000; i++) {
      ap += 1;
      del *= z / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    return 1 - sum * prefactor;
  }
  // Continued fraction for Q(a, z) (modified Lentz).
  let b = z + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return prefactor * h;
}
