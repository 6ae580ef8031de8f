/**
 * EMO-AffectNet's temporal protocol (corpora.md §4.3), as pure functions over per-frame features:
 * which frames are sampled (5 fps), how they are cut into windows for the LSTM head (10 frames, hop 5,
 * short tails padded with the last frame), and how window probabilities become one video decision.
 *
 * The rules follow the published code exactly (`functions/sequences.py`, `get_face_areas.py`, run.py):
 * - sampling: frame numbers 1, 1+s, 1+2s, … ≤ total, with s = round(5·fps/25) (Python's round, half
 *   to even), i.e. every 5th frame at 25 fps and every 6th at 30 fps;
 * - windows start at 0, hop, 2·hop, … while start ≤ n (range(0, n+1, hop)); a window is the
 *   features [start, start+win), a shorter one (the tail, or a whole clip shorter than `win`) is
 *   padded by repeating its last frame, and an empty one is dropped. So a clip of n ≥ 1 frames always
 *   gives ⌈n/hop⌉ windows, and the last ones may lie inside earlier ones (n = 10 gives [0..9] and
 *   [5..9] padded to 10) — kept, because the video score sums over exactly these windows;
 * - video score = Σ window probability vectors, normalised to sum 1; decision = its argmax
 *   (`get_predy_truey`); run.py's alternative = the mode of the window argmaxes (scipy's mode: the
 *   smallest class among ties).
 */
import { BenchError } from '../errors.js';

export interface WindowOptions {
  /** Frames per window. Default 10 (2 s at 5 fps). */
  win?: number;
  /** Hop between window starts. Default 5. */
  hop?: number;
}

export const EMO_WINDOW = 10;
export const EMO_HOP = 5;
/** The frame rate EMO-AffectNet samples videos at. */
export const EMO_FPS = 5;

/** Python 3's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The sampling stride at `fps`: round(5·fps/25), at least 1. */
export function emoFrameStride(fps: number): number {
  if (!(fps > 0) || !Number.isFinite(fps)) throw new BenchError('BAD_INPUT', `frame rate ${fps} is not a positive number`, { fix: 'read the frame rate with ffprobe (r_frame_rate)' });
  return Math.max(1, roundHalfEven((EMO_FPS * fps) / 25));
}

/** 0-based indices of the frames EMO samples from a video of `totalFrames` frames at `fps` (frame numbers 1, 1+s, … less one). */
export function emoSampledFrames(totalFrames: number, fps: number): number[] {
  const stride = emoFrameStride(fps);
  const out: number[] = [];
  for (let i = 0; i < totalFrames; i += stride) out.push(i);
  return out;
}

/** One window: the frame positions (into the per-frame list) it holds, padding included. */
export interface Window {
  /** Position of the first frame. */
  start: number;
  /** `win` positions; a padded window repeats its last real position. */
  frames: number[];
  /** How many of `frames` are real (the rest repeat the last one). */
  real: number;
}

function windowSizes(opts: WindowOptions): { win: number; hop: number } {
  const win = opts.win ?? EMO_WINDOW;
  const hop = opts.hop ?? EMO_HOP;
  if (!Number.isInteger(win) || win < 1 || !Number.isInteger(hop) || hop < 1) {
    throw new BenchError('BAD_INPUT', `window ${win} / hop ${hop} must be positive integers`, { fix: 'use win ≥ 1 and hop ≥ 1 (EMO-AffectNet: 10 and 5)' });
  }
  return { win, hop };
}

/** The windows over `n` frames (see the module comment); none for n = 0. */
export function emoWindows(n: number, opts: WindowOptions = {}): Window[] {
  const { win, hop } = windowSizes(opts);
  const out: Window[] = [];
  for (let start = 0; start < n; start += hop) {
    const real = Math.min(win, n - start);
    const frames = Array.from({ length: win }, (_, j) => start + Math.min(j, real - 1));
    out.push({ start, frames, real });
  }
  return out;
}

/**
 * The windows as one [W, win, dim] float32 batch for the LSTM head, from per-frame features given as
 * one row each (all of length `dim`).
 */
export function windowBatch(features: readonly Float32Array[], opts: WindowOptions = {}): { data: Float32Array; dims: [number, number, number]; windows: Window[] } {
  const windows = emoWindows(features.length, opts);
  const { win } = windowSizes(opts);
  const dim = features[0]?.length ?? 0;
  features.forEach((f, i) => {
    if (f.length !== dim) throw new BenchError('BAD_INPUT', `frame ${i} has a ${f.length}-d feature, frame 0 a ${dim}-d one`, { fix: 'use features of one backbone for a whole video' });
  });
  const data = new Float32Array(windows.length * win * dim);
  windows.forEach((w, wi) => w.frames.forEach((p, j) => data.set(features[p], (wi * win + j) * dim)));
  return { data, dims: [windows.length, win, dim], windows };
}

/** Index of the largest value; ties go to the lowest index (numpy's argmax). */
function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

export interface VideoDecision {
  /** Σ window probabilities / its sum (sums to 1). */
  score: Float64Array;
  /** argmax of `score`. */
  label: number;
  /** The mode of the window argmaxes (run.py), smallest class among ties. */
  modeLabel: number;
  windows: number;
}

/** One video's decision from its windows' probability vectors (each of length k). */
export function videoDecision(windowProbs: readonly ArrayLike<number>[]): VideoDecision {
  if (windowProbs.length === 0) {
    throw new BenchError('BAD_INPUT', 'a video with no windows has no decision', { fix: 'count the video under its skip reason (no frames with a face) before scoring' });
  }
  const k = windowProbs[0].length;
  const sum = new Float64Array(k);
  const votes = new Int32Array(k);
  windowProbs.forEach((p, wi) => {
    if (p.length !== k) throw new BenchError('BAD_INPUT', `window ${wi} has ${p.length} probabilities, window 0 has ${k}`, { fix: 'score every window of a video with one head' });
    for (let c = 0; c < k; c++) {
      if (!Number.isFinite(p[c])) throw new BenchError('BAD_INPUT', `window ${wi} has a non-finite probability for class ${c}`, { fix: 'count the video as non-finite-output' });
      sum[c] += p[c];
    }
    votes[argmax(p)]++;
  });
  const total = sum.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new BenchError('BAD_INPUT', 'the window probabilities of a video sum to 0', { fix: 'feed probabilities (softmax outputs), not logits' });
  const score = sum.map((v) => v / total);
  return { score, label: argmax(score), modeLabel: argmax(votes), windows: windowProbs.length };
}
