import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createPrecroppedSource } from '../../../src/media/faces/boxes-csv.js';
import { detectFrames } from '../../../src/media/faces/detect-frames.js';
import { cropImage } from '../../../src/media/crop.js';
import type { RgbImage } from '../../../src/media/image.js';
import { extractFramesLikeHsemotion, writeFaceClip, type FaceClipTruth } from '../../../src/media/video/fixture.js';
import { listFramesDir, readFramesDir, type DirFrameImage } from '../../../src/media/video/frames-dir.js';
import { tempDir } from '../../datasets/tmpdir.js';

let root: string;
let truth: FaceClipTruth;
before(async () => {
  root = await tempDir('frames-dir');
  // AFEW as HSEmotion lays it out: Val_AFEW/<Emotion>/<clip>.avi, frames in AlignedFaces_LBPTOP_Points_Val/frames/<clip>/%03d.png.
  await mkdir(join(root, 'val', 'Happy'), { recursive: true });
  truth = await writeFaceClip(join(root, 'val', 'Happy', '000149120.avi'), { container: 'avi' });
});

const png = (img: RgbImage) => sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } }).png().toBuffer();

async function all(it: AsyncIterable<DirFrameImage>): Promise<DirFrameImage[]> {
  const out: DirFrameImage[] = [];
  for await (const f of it) out.push(f);
  return out;
}

test("HSEmotion's frames/<clip>/%03d.png: one file per frame, index = frame number", async () => {
  const dir = join(root, 'val', 'AlignedFaces_LBPTOP_Points_Val', 'frames', '000149120');
  await mkdir(dir, { recursive: true });
  assert.equal(await extractFramesLikeHsemotion(truth.path, dir), 40);
  const listed = await listFramesDir(dir);
  assert.ok(listed.ok);
  assert.equal(listed.frames.length, 40);
  assert.deepEqual(listed.frames.slice(0, 2), [{ index: 0, file: '001.png', noface: false }, { index: 1, file: '002.png', noface: false }]);
  const sampled = await all(readFramesDir(dir, listed.frames, { sampling: { kind: 'emo-affectnet' }, fps: 25 }));
  assert.deepEqual(sampled.map((f) => f.file), ['001.png', '006.png', '011.png', '016.png', '021.png', '026.png', '031.png', '036.png']);
  assert.ok(sampled.every((f) => f.decoded.ok && f.decoded.image.width === 320));
});

test('face crops with the noface marker: crops are faces, marked frames have none, a broken file is a counted skip', async () => {
  const dir = join(root, 'frames_mtcnn_cropped', '000149120');
  await mkdir(dir, { recursive: true });
  // As HSEmotion's save_faces: the crop where a face was found, the whole frame as <name>noface.png where not.
  const frames = join(root, 'val', 'AlignedFaces_LBPTOP_Points_Val', 'frames', '000149120');
  const listedFrames = await listFramesDir(frames);
  assert.ok(listedFrames.ok);
  for await (const f of readFramesDir(frames, listedFrames.frames)) {
    assert.ok(f.decoded.ok);
    const face = truth.frames[f.index].face;
    const base = f.file.replace('.png', '');
    if (!face) await writeFile(join(dir, `${base}noface.png`), await png(f.decoded.image));
    else {
      const crop = cropImage(f.decoded.image, face);
      assert.ok(crop.ok);
      await writeFile(join(dir, `${base}.png`), await png(crop.image));
    }
  }
  await writeFile(join(dir, '041.png'), Buffer.from('not a png'));
  await writeFile(join(dir, 'notes.txt'), 'ignored: not an image');
  const listed = await listFramesDir(dir);
  assert.ok(listed.ok);
  assert.equal(listed.frames.length, 41);
  assert.deepEqual(listed.frames.filter((f) => f.noface).map((f) => f.index), truth.frames.filter((f) => !f.face).map((f) => f.index));
  const decoded = await all(readFramesDir(dir, listed.frames));
  assert.equal(decoded.filter((f) => !f.decoded.ok).length, 1);
  assert.equal(decoded.at(-1)!.decoded.ok ? '' : (decoded.at(-1)!.decoded as { reason: string }).reason, 'decode-failed');
  // Through the pre-cropped source: face found exactly where the file name says.
  const frameImages = (async function* () {
    for (const f of decoded) if (f.decoded.ok) yield { index: f.index, image: f.decoded.image, noface: f.noface };
  })();
  const found: boolean[] = [];
  for await (const d of detectFrames(frameImages, { detector: createPrecroppedSource() })) found.push(d.faces.length > 0);
  assert.deepEqual(found, truth.frames.map((f) => f.face !== null));
});

test('a missing or empty folder is a clip skip', async () => {
  const missing = await listFramesDir(join(root, 'nope'));
  assert.ok(!missing.ok && missing.reason === 'missing-file');
  const empty = join(root, 'empty');
  await mkdir(empty);
  const none = await listFramesDir(empty);
  assert.ok(!none.ok && none.reason === 'video-no-frames');
});
