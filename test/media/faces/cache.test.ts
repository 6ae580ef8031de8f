import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DetectionCache } from '../../../src/media/faces/cache.js';
import type { FaceDetector } from '../../../src/media/faces/detector.js';
import { detectFrames } from '../../../src/media/faces/detect-frames.js';
import { createRetinaFaceDetector } from '../../../src/media/faces/retinaface.js';
import { decodeKey, openVideo, type DecodeOptions } from '../../../src/media/video/decode.js';
import { writeFaceClip } from '../../../src/media/video/fixture.js';
import { sha256File } from '../../../src/util/hash.js';
import { tempDir } from '../../datasets/tmpdir.js';

/** The real detector, counting its calls. */
function counting(d: FaceDetector): FaceDetector & { calls: number } {
  const c = {
    name: d.name,
    identity: d.identity,
    calls: 0,
    detect: (...a: Parameters<FaceDetector['detect']>) => {
      c.calls++;
      return d.detect(...a);
    },
    dispose: () => d.dispose(),
  };
  return c;
}

let dir: string;
let video: string;
let retina: FaceDetector;
before(async () => {
  dir = await tempDir('det-cache');
  video = (await writeFaceClip(join(dir, 'clip.avi'), { container: 'avi' })).path;
  retina = await createRetinaFaceDetector();
});
after(() => retina.dispose());

async function pass(detector: FaceDetector, cache: DetectionCache, opts: DecodeOptions = {}, stopAfter = Infinity) {
  const opened = await openVideo(video, opts);
  assert.ok(opened.ok);
  const out: Array<{ index: number; faces: unknown; fromCache: boolean }> = [];
  for await (const d of detectFrames(opened.clip.frames, { detector, cache, key: { videoSha256: await sha256File(video), decode: decodeKey(opts) } })) {
    out.push({ index: d.frame.index, faces: d.faces, fromCache: d.fromCache });
    if (out.length >= stopAfter) break;
  }
  return out;
}

test('the second pass over a clip reads the cache and never calls the detector', async () => {
  const cache = new DetectionCache(join(dir, 'a'));
  const det = counting(retina);
  const first = await pass(det, cache);
  assert.equal(det.calls, 40);
  assert.ok(first.every((f) => !f.fromCache));
  const second = await pass(det, cache);
  assert.equal(det.calls, 40, 'no detector call on the second pass');
  assert.ok(second.every((f) => f.fromCache));
  assert.deepEqual(second.map(({ index, faces }) => ({ index, faces })), first.map(({ index, faces }) => ({ index, faces })));
  // Every frame records face-found or not: the no-face frames are stored as empty lists.
  const file = (await readFile(cache.pathFor({ detector: det.identity, videoSha256: await sha256File(video), decode: decodeKey() }), 'utf8')).trim().split('\n');
  assert.equal(file.length, 41);
  assert.equal(file.slice(1).filter((l) => JSON.parse(l).faces.length === 0).length, 8);
});

test('other detector parameters or other sampling are other keys; the same settings in another order are the same key', async () => {
  const cache = new DetectionCache(join(dir, 'b'));
  const det = counting(retina);
  await pass(det, cache, { sampling: { kind: 'every-nth', n: 5 } });
  assert.equal(det.calls, 8);
  await pass(det, cache, { sampling: { kind: 'every-nth', n: 4 } });
  assert.equal(det.calls, 18);
  await pass(det, cache, { sampling: { n: 5, kind: 'every-nth' } as const });
  assert.equal(det.calls, 18, 'key order does not matter');
  const stricter = counting(await createRetinaFaceDetector({ confidence: 0.9 }));
  await pass(stricter, cache, { sampling: { kind: 'every-nth', n: 5 } });
  assert.equal(stricter.calls, 8, 'another confidence runs the detector');
  assert.equal((await readdir(cache.root)).length, 2, 'one folder per detector identity');
  await stricter.dispose();
});

test('stopping early stores nothing; a damaged entry is ignored and rewritten', async () => {
  const cache = new DetectionCache(join(dir, 'c'));
  const det = counting(retina);
  await pass(det, cache, {}, 5);
  await assert.rejects(readdir(cache.root), 'no folder: nothing was written');
  await pass(det, cache);
  const key = { detector: det.identity, videoSha256: await sha256File(video), decode: decodeKey() };
  const path = cache.pathFor(key);
  const lines = (await readFile(path, 'utf8')).split('\n');
  await writeFile(path, lines.slice(0, 20).join('\n'));
  assert.equal(await cache.read(key), null, 'a short file does not match its header');
  const before = det.calls;
  await pass(det, cache);
  assert.equal(det.calls - before, 40);
  assert.equal((await cache.read(key))?.length, 40);
});
