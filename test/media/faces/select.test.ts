import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DetectedFace } from '../../../src/media/faces/detector.js';
import { createFaceSelector, expandBox, IouTracker, selectFaces } from '../../../src/media/faces/select.js';
import { expectBenchError } from '../../expect-error.js';

const face = (x: number, y: number, w: number, h: number, score = 0.9): DetectedFace => ({ box: { x, y, width: w, height: h }, score });

test('largest, best and all', () => {
  const small = face(0, 0, 10, 10, 0.99);
  const big = face(50, 50, 40, 40, 0.8);
  const mid = face(100, 0, 20, 20, 0.95);
  assert.deepEqual(selectFaces([small, big, mid], 'largest'), [big]);
  assert.deepEqual(selectFaces([small, big, mid], 'best'), [small]);
  assert.deepEqual(selectFaces([small, big, mid], 'all'), [small, big, mid]);
  assert.deepEqual(selectFaces([], 'largest'), []);
  // Equal areas: the higher score wins.
  assert.deepEqual(selectFaces([face(0, 0, 10, 10, 0.7), face(20, 0, 10, 10, 0.8)], 'largest'), [face(20, 0, 10, 10, 0.8)]);
  assert.throws(() => selectFaces([small], 'biggest' as never), expectBenchError('BAD_INPUT', /unknown face policy/));
});

test('margin: a fraction per side or pixels in total (facenet: 44 px = 22 each side), clipped to the frame', () => {
  assert.deepEqual(expandBox({ x: 100, y: 100, width: 50, height: 100 }, { fraction: 0.1 }, 640, 480), { x: 95, y: 90, width: 60, height: 120 });
  assert.deepEqual(expandBox({ x: 100, y: 100, width: 50, height: 100 }, { pixels: 44 }, 640, 480), { x: 78, y: 78, width: 94, height: 144 });
  assert.deepEqual(expandBox({ x: 5, y: 5, width: 50, height: 50 }, { pixels: 44 }, 60, 60), { x: 0, y: 0, width: 60, height: 60 });
});

test('the IoU tracker follows the overlapping face and reuses the last box for at most 3 missed frames', () => {
  const t = new IouTracker();
  const a = face(100, 100, 50, 50);
  const aMoved = face(105, 102, 50, 50, 0.8);
  const other = face(300, 100, 60, 60, 0.99);
  assert.deepEqual(t.next([a]), { face: a, reused: false });
  // The best-scoring candidate comes first, but the tracker keeps the face it follows.
  assert.deepEqual(t.next([other, aMoved]), { face: aMoved, reused: false });
  for (let i = 0; i < 3; i++) assert.deepEqual(t.next([]), { face: aMoved, reused: true }, `miss ${i + 1}`);
  assert.deepEqual(t.next([]), { face: null, reused: false }, 'the 4th miss has no face');
  assert.deepEqual(t.next([]), { face: null, reused: false });
  // The face is matched again when it comes back, and the miss count restarts.
  assert.deepEqual(t.next([other, a]), { face: a, reused: false });
  assert.deepEqual(t.next([]), { face: a, reused: true });
  // Nothing overlaps (a cut): the first candidate.
  assert.deepEqual(t.next([other]), { face: other, reused: false });
  const none = new IouTracker({ maxMissed: 0 });
  none.next([a]);
  assert.deepEqual(none.next([]), { face: null, reused: false });
  assert.throws(() => new IouTracker({ maxMissed: -1 }), expectBenchError('BAD_INPUT', /maxMissed/));
});

test('a selector records face-found per frame, with margin and tracking', () => {
  const frames: DetectedFace[][] = [[face(10, 10, 20, 20)], [], [], [], [], [face(12, 10, 20, 20), face(200, 10, 40, 40)]];
  const tracked = createFaceSelector({ policy: 'largest', track: true, margin: { fraction: 0.5 } });
  const out = frames.map((f) => tracked(f, 320, 240));
  assert.deepEqual(out.map((o) => o.found), [true, true, true, true, false, true]);
  assert.deepEqual(out.map((o) => o.reused), [false, true, true, true, false, false]);
  assert.deepEqual(out[0].boxes, [{ x: 0, y: 0, width: 40, height: 40 }]);
  assert.equal(out[5].faces[0].box.x, 12, 'tracking keeps the small face it follows, not the largest');
  const plain = createFaceSelector({ policy: 'largest' });
  assert.deepEqual(plain(frames[5], 320, 240).faces[0].box.x, 200);
  assert.deepEqual(plain([], 320, 240), { found: false, boxes: [], faces: [], reused: false });
  const group = createFaceSelector({ policy: 'all' });
  assert.equal(group(frames[5], 320, 240).boxes.length, 2);
  assert.throws(() => createFaceSelector({ policy: 'all', track: true }), expectBenchError('BAD_INPUT', /cannot be combined/));
});
