import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afewDescriptor, describeClips, l2Normalize, vgafDescriptor } from '../../src/learn/clip-stats.js';
import { expectBenchError } from '../expect-error.js';
import { reference } from './reference.js';

const { d, afew, vgaf } = reference.stats;

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-12): void {
  assert.equal(actual.length, expected.length);
  for (let j = 0; j < expected.length; j++) assert.ok(Math.abs(actual[j] - expected[j]) <= tol, `[${j}] ${actual[j]} vs ${expected[j]}`);
}

test(`AFEW descriptor (mean, std ddof=0, min, max) and L2 normalisation match numpy ${reference.numpy} / sklearn normalize`, () => {
  for (const clip of afew) {
    const frames = clip.frames.map((f) => Float32Array.from(f)); // float32 in, as embeddings arrive
    close(afewDescriptor(frames, d), clip.descriptor);
    close(l2Normalize(afewDescriptor(frames, d)), clip.normalized);
  }
});

test('VGAF two-level descriptor (per frame over faces, per video over frames) matches numpy', () => {
  for (const clip of vgaf) {
    close(vgafDescriptor(clip.frames, d), clip.descriptor);
    close(l2Normalize(vgafDescriptor(clip.frames, d)), clip.normalized);
  }
});

test('a single frame has std 0; frames without a face are left out; a clip without faces is the zero vector', () => {
  const one = afewDescriptor([[1, -2]], 2);
  assert.deepEqual(Array.from(one), [1, -2, 0, 0, 1, -2, 1, -2]);
  const flagged = afewDescriptor([[1, -2], [100, 100], [3, 0]], 2, [1, 0, true]);
  assert.deepEqual(Array.from(flagged), [2, -1, 1, 1, 1, -2, 3, 0]);
  assert.deepEqual(Array.from(afewDescriptor([[5, 5]], 2, [0])), new Array(8).fill(0));
  assert.deepEqual(Array.from(vgafDescriptor([[], [[1, 1], [3, 1]], []], 2)), [2, 1, 1, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(l2Normalize(new Float64Array(4))), [0, 0, 0, 0]);
});

test('describeClips builds normalised rows, marks the face subset and counts the no-face clips', () => {
  const out = describeClips(
    [
      { id: 'a', frames: [[3, 4], [3, 4]] },
      { id: 'b', frames: [[1, 1]], isFace: [0] },
      { id: 'c', frames: [] },
    ],
    'afew',
    2,
  );
  assert.deepEqual(out.ids, ['a', 'b', 'c']);
  assert.deepEqual(Array.from(out.hasFace), [1, 0, 0]);
  assert.deepEqual(out.counts, { clips: 3, withFaces: 1, noFace: 2 });
  assert.equal(out.X.cols, 8);
  const a = out.X.data.subarray(0, 8);
  assert.ok(Math.abs(a.reduce((s, v) => s + v * v, 0) - 1) < 1e-15);
  assert.deepEqual(Array.from(out.X.data.subarray(8)), new Array(16).fill(0));
  const g = describeClips([{ id: 'v', frames: [[], [[1, 2]]] }, { id: 'w', frames: [[], []] }], 'vgaf', 2, { normalize: false });
  assert.deepEqual(Array.from(g.hasFace), [1, 0]);
  assert.deepEqual(Array.from(g.X.data.subarray(0, 8)), [1, 2, 0, 0, 0, 0, 0, 0]);
});

test('bad embeddings name the clip, the frame and the fix', () => {
  assert.throws(() => afewDescriptor([[1, 2], [1]], 2, undefined, 'clip7'), expectBenchError('BAD_INPUT', /clip clip7: frame 2 has 1 values, expected 2/, /embedding size/));
  assert.throws(() => afewDescriptor([[1, NaN]], 2, undefined, 'x'), expectBenchError('BAD_INPUT', /frame 1, value 1 is NaN/, /non-finite/));
  assert.throws(() => afewDescriptor([[1, 2]], 2, [1, 1]), expectBenchError('BAD_INPUT', /2 flags for 1 frames/));
  assert.throws(
    () => vgafDescriptor([[[1, 2]], [[1, 2], [Infinity, 0]]], 2, 'v1'),
    (e: unknown) => expectBenchError('BAD_INPUT', /clip v1: frame 2, face 2, value 0 is Infinity/)(e) && (e as { row?: number }).row === 2,
  );
  assert.throws(() => describeClips([], 'afew', 0), expectBenchError('BAD_INPUT', /embedding size/));
});
