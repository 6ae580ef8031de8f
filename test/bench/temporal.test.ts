import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emoFrameStride, emoSampledFrames, emoWindows, videoDecision, windowBatch } from '../../src/bench/temporal.js';
import { expectBenchError } from '../expect-error.js';

test('5 fps sampling: every 5th frame at 25 fps, every 6th at 30, Python rounding of halves', () => {
  assert.equal(emoFrameStride(25), 5);
  assert.equal(emoFrameStride(30), 6);
  assert.equal(emoFrameStride(29.97), 6);
  assert.equal(emoFrameStride(12.5), 2); // round(2.5) = 2 in Python
  assert.equal(emoFrameStride(17.5), 4); // round(3.5) = 4
  assert.equal(emoFrameStride(2), 1); // round(0.4) = 0, clamped to 1
  // 30 fps, 119 frames (RAVDESS 01-01-07-02-02-02-06.mp4): frame numbers 1, 7, 13, …, 115.
  const frames = emoSampledFrames(119, 30);
  assert.equal(frames.length, 20);
  assert.deepEqual(frames.slice(0, 4), [0, 6, 12, 18]);
  assert.equal(frames.at(-1), 114);
  assert.throws(() => emoFrameStride(0), expectBenchError('BAD_INPUT', /frame rate 0/));
});

test('windows of 10, hop 5, tails padded with the last frame, as sequences.py cuts them', () => {
  const starts = (n: number) => emoWindows(n).map((w) => w.start);
  assert.deepEqual(emoWindows(0), []);
  // Shorter than one window: one window, padded.
  assert.deepEqual(emoWindows(3), [{ start: 0, frames: [0, 1, 2, 2, 2, 2, 2, 2, 2, 2], real: 3 }]);
  assert.deepEqual(starts(5), [0]); // range(0, 6, 5) = 0, 5; [5:15] is empty and dropped
  // Exactly one window long: a second window [5..9] padded with frame 9 (range(0, 11, 5) = 0, 5, 10).
  assert.deepEqual(emoWindows(10), [
    { start: 0, frames: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], real: 10 },
    { start: 5, frames: [5, 6, 7, 8, 9, 9, 9, 9, 9, 9], real: 5 },
  ]);
  const w12 = emoWindows(12);
  assert.deepEqual(w12.map((w) => [w.start, w.real]), [[0, 10], [5, 7], [10, 2]]);
  assert.deepEqual(w12[2].frames, [10, 11, 11, 11, 11, 11, 11, 11, 11, 11]);
  assert.deepEqual(starts(20), [0, 5, 10, 15]);
  assert.deepEqual(emoWindows(7, { win: 4, hop: 3 }).map((w) => w.frames), [[0, 1, 2, 3], [3, 4, 5, 6], [6, 6, 6, 6]]);
  assert.throws(() => emoWindows(5, { hop: 0 }), expectBenchError('BAD_INPUT', /hop 0/));
});

test('windowBatch lays the windows out as [W, win, dim] with padded rows repeating the last frame', () => {
  const features = [0, 1, 2].map((i) => Float32Array.from([i, 10 + i]));
  const { data, dims } = windowBatch(features, { win: 4, hop: 2 });
  assert.deepEqual(dims, [2, 4, 2]);
  assert.deepEqual(Array.from(data), [0, 10, 1, 11, 2, 12, 2, 12, /* window 2 */ 2, 12, 2, 12, 2, 12, 2, 12]);
  assert.throws(() => windowBatch([new Float32Array(2), new Float32Array(3)]), expectBenchError('BAD_INPUT', /frame 1 has a 3-d feature/));
});

test('video decision: normalised sum of window probabilities, and the mode of window argmaxes', () => {
  // Worked by hand: sums (1.0, 1.2, 0.8) / 3 → class 1; argmaxes 0, 0, 1 → mode 0.
  const d = videoDecision([
    [0.5, 0.3, 0.2],
    [0.4, 0.35, 0.25],
    [0.1, 0.55, 0.35],
  ]);
  assert.deepEqual(Array.from(d.score, (v) => +v.toFixed(12)), [1 / 3, 0.4, 0.8 / 3].map((v) => +v.toFixed(12)));
  assert.equal(d.label, 1);
  assert.equal(d.modeLabel, 0);
  assert.equal(d.windows, 3);
  // Tied votes go to the smaller class (scipy.stats.mode); tied sums to the first (numpy argmax).
  const tie = videoDecision([
    [0, 0, 1],
    [0, 1, 0],
  ]);
  assert.equal(tie.modeLabel, 1);
  assert.equal(tie.label, 1);
  assert.throws(() => videoDecision([]), expectBenchError('BAD_INPUT', /no windows/));
  assert.throws(() => videoDecision([[0.5, 0.5], [1]]), expectBenchError('BAD_INPUT', /window 1 has 1/));
  assert.throws(() => videoDecision([[NaN, 1]]), expectBenchError('BAD_INPUT', /non-finite/));
});
