import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createPrecroppedSource } from '../../../src/media/faces/boxes-csv.js';
import { DetectionCache } from '../../../src/media/faces/cache.js';
import { openClipFaces, type FaceFrame } from '../../../src/media/faces/clip-faces.js';
import type { FaceDetector } from '../../../src/media/faces/detector.js';
import { createRetinaFaceDetector } from '../../../src/media/faces/retinaface.js';
import { extractFramesLikeHsemotion, writeFaceClip, FIXTURE_PHOTOS, type FaceClipTruth } from '../../../src/media/video/fixture.js';
import { tempDir } from '../../datasets/tmpdir.js';
import { expectBenchError } from '../../expect-error.js';

let dir: string;
let retina: FaceDetector;
let truth: FaceClipTruth;
before(async () => {
  dir = await tempDir('clip-faces');
  retina = await createRetinaFaceDetector();
  // RAVDESS-like: Actor_01/01-01-03-01-01-01-01.mp4, 30 fps.
  await mkdir(join(dir, 'Actor_01'));
  truth = await writeFaceClip(join(dir, 'Actor_01', '01-01-03-01-01-01-01.mp4'), { fps: 30 });
});
after(() => retina.dispose());

async function all(frames: AsyncIterable<FaceFrame>): Promise<FaceFrame[]> {
  const out: FaceFrame[] = [];
  for await (const f of frames) out.push(f);
  return out;
}

test('a video through sampling, detection, the largest-face policy and the cache', async () => {
  const cache = new DetectionCache(join(dir, 'detections'));
  const opts = { detector: retina, cache, decode: { sampling: { kind: 'emo-affectnet' } as const }, selection: { policy: 'largest' as const, margin: { fraction: 0.1 } } };
  const opened = await openClipFaces({ kind: 'video', path: truth.path }, opts);
  assert.ok(opened.ok);
  const frames = await all(opened.frames);
  assert.deepEqual(frames.map((f) => f.index), [0, 6, 12, 18, 24, 30, 36]);
  assert.deepEqual(frames.map((f) => f.found), frames.map((f) => truth.frames[f.index].face !== null));
  for (const f of frames.filter((x) => x.found)) {
    const [box] = f.boxes;
    const raw = f.detections[0].box;
    assert.ok(box.width > raw.width && box.width <= raw.width * 1.2 + 1e-9, 'margin grows the box');
  }
  assert.equal(opened.tally.framesSampled, 7);
  assert.equal(opened.tally.clipSkip(), null);
  assert.ok(frames.every((f) => !f.fromCache));
  const again = await openClipFaces({ kind: 'video', path: truth.path }, opts);
  assert.ok(again.ok);
  const cached = await all(again.frames);
  assert.ok(cached.every((f) => f.fromCache));
  assert.deepEqual(cached.map((f) => f.boxes), frames.map((f) => f.boxes));
});

test('tracking reuses the last box over the short no-face cut (≤ 3 frames), then reports no face', async () => {
  const opened = await openClipFaces({ kind: 'video', path: truth.path }, { detector: retina, selection: { policy: 'largest', track: true } });
  assert.ok(opened.ok);
  const frames = await all(opened.frames);
  const cut = truth.frames.filter((f) => !f.face).map((f) => f.index); // 8 frames, 20..27
  assert.deepEqual(cut, [20, 21, 22, 23, 24, 25, 26, 27]);
  assert.deepEqual(cut.map((i) => frames[i].reused), [true, true, true, false, false, false, false, false]);
  assert.deepEqual(cut.map((i) => frames[i].found), [true, true, true, false, false, false, false, false]);
  assert.deepEqual(frames[20].boxes, frames[19].boxes);
  assert.equal(opened.tally.framesReused, 3);
});

test('a clip with no face anywhere is the clip skip no-face', async () => {
  const path = join(dir, 'coffee.mp4');
  await writeFaceClip(path, { segments: [{ photo: FIXTURE_PHOTOS.coffee, frames: 6, from: { zoom: 0.9 } }, { photo: FIXTURE_PHOTOS.chelsea, frames: 4, from: { zoom: 1 } }] });
  const opened = await openClipFaces({ kind: 'video', path }, { detector: retina });
  assert.ok(opened.ok);
  const frames = await all(opened.frames);
  assert.equal(frames.length, 10);
  assert.ok(frames.every((f) => !f.found && f.boxes.length === 0));
  assert.deepEqual(opened.tally.clipSkip(), { ok: false, reason: 'no-face', detail: 'no face on any of the 10 sampled frames', file: path });
});

test('VGAF groups: the all policy keeps every face of a group photo', async () => {
  const group = join(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'), '..', 'demo', 'sample5.jpg');
  const path = join(dir, '289_55.mp4');
  await writeFaceClip(path, { width: 640, height: 466, segments: [{ photo: { path: group, face: null }, frames: 4, from: { zoom: 1 }, to: { zoom: 0.95 } }] });
  const opened = await openClipFaces({ kind: 'video', path }, { detector: retina, selection: { policy: 'all' } });
  assert.ok(opened.ok);
  const frames = await all(opened.frames);
  assert.ok(frames.every((f) => f.boxes.length >= 4), frames.map((f) => f.boxes.length).join(','));
});

test('a frames folder with pre-cropped faces, and a segment source', async () => {
  const frames = join(dir, 'frames', '01-01-03-01-01-01-01');
  await mkdir(frames, { recursive: true });
  await extractFramesLikeHsemotion(truth.path, frames);
  const opened = await openClipFaces({ kind: 'frames-dir', dir: frames }, { detector: createPrecroppedSource(), decode: { sampling: { kind: 'every-nth', n: 10 } } });
  assert.ok(opened.ok);
  const got = await all(opened.frames);
  assert.deepEqual(got.map((f) => [f.index, f.found]), [[0, true], [10, true], [20, true], [30, true]]);
  const seg = await openClipFaces({ kind: 'video', path: truth.path, start: 0.5, end: 1 }, { detector: retina });
  assert.ok(seg.ok);
  assert.deepEqual((await all(seg.frames)).map((f) => f.index), [15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
  const missing = await openClipFaces({ kind: 'video', path: join(dir, 'none.mp4') }, { detector: retina });
  assert.ok(!missing.ok && missing.reason === 'missing-file');
  await assert.rejects(openClipFaces({ kind: 'image', path: 'x.png' }, { detector: retina }), expectBenchError('BAD_INPUT', /image sample/));
});
