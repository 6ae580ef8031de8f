/**
 * A small, fast, seeded PRNG for resampling: xoshiro128** (Blackman & Vigna) seeded through
 * splitmix32, so any 32-bit seed (including 0) gives a well-mixed, non-zero state. Same seed, same
 * stream, on every platform: only 32-bit integer arithmetic (Math.imul, >>>) is used.
 */
import { checkSeedInput } from './validate.js';

export interface Rng {
  /** The seed the generator was created with (recorded in results). */
  readonly seed: number;
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform integer in [0, n), exactly unbiased; n an integer in [1, 2^32]. */
  nextBelow(n: number): number;
  /** Uniform float in [0, 1) with 32 random bits. */
  nextFloat(): number;
  /** Fills out[0 .. length) with nextBelow(n) draws (the bootstrap's hot loop, kept in one function). */
  fillBelow(n: number, out: Int32Array, length: number): void;
}

const TWO_32 = 4294967296;
const INV_TWO_32 = 1 / TWO_32;
/** Below this bound x·n stays under 2^53, so the float product in Lemire's method is exact. */
const LEMIRE_MAX = 2 ** 21;

export function createRng(seed: number): Rng {
  checkSeedInput(seed);
  // splitmix32 expands the seed into four state words.
  let sm = seed | 0;
  const splitmix = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix();
  let s1 = splitmix();
  let s2 = splitmix();
  let s3 = splitmix();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1; // the all-zero state is a fixed point

  const nextUint32 = (): number => {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  };

  const nextBelow = (n: number): number => {
    if (n <= LEMIRE_MAX) {
      // Lemire's multiply-shift with rejection: one draw almost always, no modulo bias.
      let x = nextUint32() * n;
      let low = x % TWO_32;
      if (low < n) {
        const threshold = (TWO_32 - n) % n;
        while (low < threshold) {
          x = nextUint32() * n;
          low = x % TWO_32;
        }
      }
      return Math.floor(x / TWO_32);
    }
    if (!Number.isInteger(n) || n > TWO_32) throw new RangeError(`nextBelow bound must be an integer in [1, 2^32], got ${n}`);
    // Large bounds: masked rejection (fewer than two draws on average).
    const bits = Math.ceil(Math.log2(n));
    const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
    for (;;) {
      const r = (nextUint32() & mask) >>> 0;
      if (r < n) return r;
    }
  };

  const fillBelow = (n: number, out: Int32Array, length: number): void => {
    if (n > LEMIRE_MAX) {
      for (let j = 0; j < length; j++) out[j] = nextBelow(n);
      return;
    }
    const threshold = (TWO_32 - n) % n;
    // The state lives in locals inside the loop (same steps as nextUint32 + nextBelow, same stream).
    let a = s0;
    let b = s1;
    let c = s2;
    let d = s3;
    for (let j = 0; j < length; j++) {
      let x: number;
      let hi: number;
      let low: number;
      do {
        const m = Math.imul(b, 5);
        const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
        const t = b << 9;
        c ^= a;
        d ^= b;
        b ^= c;
        a ^= d;
        c ^= t;
        d = (d << 11) | (d >>> 21);
        x = r * n;
        // x < 2^53: the split into high and low 32-bit halves is exact (and faster than %).
        hi = Math.floor(x * INV_TWO_32);
        low = x - hi * TWO_32;
      } while (low < threshold);
      out[j] = hi;
    }
    s0 = a;
    s1 = b;
    s2 = c;
    s3 = d;
  };

  return {
    seed,
    nextUint32,
    nextBelow,
    nextFloat: () => nextUint32() / TWO_32,
    fillBelow,
  };
}
