/**
 * Which frames of a clip are scored. A policy is a pure rule on the 0-based frame index (and the clip's
 * fps), so the decoder can apply it while streaming and `samplingPlan` can list it up front; both use
 * the same `frameSampler`.
 *
 * - `every`: every frame (HSEmotion's AFEW and VGAF pipelines extract all frames with ffmpeg).
 * - `every-nth`: frames `offset, offset + n, offset + 2n, …`.
 * - `fps`: about `fps` frames per second: frame i is kept when it is the first frame at or after
 *   a sampling instant k / fps (k = 0, 1, …), i.e. `i = ceil(k · clipFps / fps)`. A target at or above
 *   the clip's rate keeps every frame.
 * - `emo-affectnet`: EMO-AffectNet's `range(1, total_frame + 1, round(5 * fps / 25))` over 1-based frame
 *   numbers (every 5th frame at 25 fps, every 6th at 30). 1-based frame 1 + j·step is 0-based frame
 *   j·step, so the kept 0-based indices are the multiples of step. `round` is Python 3's (half to even:
 *   12.5 fps → step 2). Below 2.5 fps Python's step would be 0 and `range` would raise; we keep every frame.
 */
import { BenchError } from '../../errors.js';

export type SamplingPolicy =
  | { kind: 'every' }
  | { kind: 'every-nth'; n: number; offset?: number }
  | { kind: 'fps'; fps: number }
  | { kind: 'emo-affectnet' };

/** Python 3's round(): to nearest, ties to even. */
export function pythonRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** EMO-AffectNet's frame step at a clip rate. */
export function emoAffectNetStep(fps: number): number {
  return Math.max(1, pythonRound((5 * fps) / 25));
}

export function describeSampling(p: SamplingPolicy): string {
  switch (p.kind) {
    case 'every':
      return 'every frame';
    case 'every-nth':
      return `every ${p.n}th frame from frame ${p.offset ?? 0}`;
    case 'fps':
      return `${p.fps} frames per second`;
    case 'emo-affectnet':
      return "EMO-AffectNet's step round(5*fps/25) from the first frame";
  }
}

function bad(message: string, fix: string): BenchError {
  return new BenchError('BAD_INPUT', message, { fix });
}

/** The policy as a predicate on 0-based frame indices of a clip at `clipFps`. */
export function frameSampler(policy: SamplingPolicy, clipFps: number): (index: number) => boolean {
  if (!(clipFps > 0) || !Number.isFinite(clipFps)) throw bad(`clip fps must be a positive number, got ${clipFps}`, 'probe the video first (probeVideo)');
  switch (policy.kind) {
    case 'every':
      return () => true;
    case 'every-nth': {
      const { n } = policy;
      const offset = policy.offset ?? 0;
      if (!Number.isInteger(n) || n < 1) throw bad(`every-nth needs an integer n ≥ 1, got ${n}`, 'pass { kind: "every-nth", n: 5 }');
      if (!Number.isInteger(offset) || offset < 0 || offset >= n) throw bad(`every-nth offset must be an integer in [0, ${n}), got ${offset}`, 'pass an offset below n');
      return (i) => i >= offset && (i - offset) % n === 0;
    }
    case 'fps': {
      const target = policy.fps;
      if (!(target > 0) || !Number.isFinite(target)) throw bad(`a target fps must be a positive number, got ${target}`, 'pass { kind: "fps", fps: 5 }');
      if (target >= clipFps) return () => true;
      const period = clipFps / target;
      // Frame i is kept when some k has ceil(k·period) = i, i.e. floor(i / period) ≠ floor((i−1) / period)
      // at the instants; the small tolerance keeps 29.97/5.994-style ratios from drifting on float error.
      const eps = 1e-9;
      const k = (i: number): number => Math.floor((i + eps) / period);
      return (i) => i === 0 || k(i) !== k(i - 1);
    }
    case 'emo-affectnet': {
      const step = emoAffectNetStep(clipFps);
      return (i) => i % step === 0;
    }
    default:
      throw bad(`unknown sampling policy ${JSON.stringify(policy)}`, 'use every, every-nth, fps or emo-affectnet');
  }
}

/** The 0-based indices a policy keeps from a clip of `frameCount` frames at `fps`. */
export function samplingPlan(policy: SamplingPolicy, clip: { fps: number; frameCount: number }): number[] {
  const keep = frameSampler(policy, clip.fps);
  const out: number[] = [];
  for (let i = 0; i < clip.frameCount; i++) if (keep(i)) out.push(i);
  return out;
}

/**
 * For the index-periodic policies (`every-nth`, `emo-affectnet`), the same rule as an ffmpeg `select`
 * filter on the decoded frame number `n`, so unsampled frames are never converted to RGB nor piped (at
 * 720p and EMO's step 6 that is 5/6 of the pipe's traffic). `indexOf(k)` is the frame number of the
 * k-th selected frame. Null for policies that keep every frame or depend on fps ratios (Node filters those).
 */
export function ffmpegSelect(policy: SamplingPolicy, clipFps: number): { expr: string; indexOf: (k: number) => number } | null {
  frameSampler(policy, clipFps); // validates
  if (policy.kind === 'every-nth' && policy.n > 1) {
    const { n } = policy;
    const offset = policy.offset ?? 0;
    return { expr: offset ? `gte(n\\,${offset})*not(mod(n-${offset}\\,${n}))` : `not(mod(n\\,${n}))`, indexOf: (k) => offset + k * n };
  }
  if (policy.kind === 'emo-affectnet') {
    const step = emoAffectNetStep(clipFps);
    return step > 1 ? { expr: `not(mod(n\\,${step}))`, indexOf: (k) => k * step } : null;
  }
  return null;
}
