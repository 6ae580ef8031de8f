import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { tempDir } from './tmpdir.js';
import { assertMatchesFixture } from './video-expect.js';
import { expectBenchError } from '../expect-error.js';
import { AFEW_CLASSES, loadAfew } from '../../src/datasets/afew.js';
import { writeAfewFixture } from '../../src/datasets/fixtures/afew-fixture.js';
import { probeWritten } from './probe.js';

test('AFEW videos: every clip under its EmotiW folder, HSEmotion class order, clip = group, faults counted', async () => {
  const dir = await tempDir('afew');
  const fx = await writeAfewFixture({ dir, perClass: 2, faults: { emptyClip: 2, nonVideo: 1 } });
  const c = await loadAfew({ root: dir });
  assert.equal(c.name, 'afew');
  assert.equal(c.split, 'val');
  assert.equal(c.layout, 'videos');
  assert.deepEqual(c.classes, ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise']);
  assert.deepEqual(c.classes, AFEW_CLASSES);
  assert.equal(c.sourceLabels.Happy, 'happiness');
  assert.equal(c.sourceLabels.Sad, 'sadness');
  assertMatchesFixture(c, fx.videos);
  assert.equal(c.samples.length, 14);
  assert.deepEqual(fx.videos.skippedByReason, { 'empty-file': 2, 'not-a-video': 1 });
  const s = c.samples[0];
  assert.equal(s.source.kind, 'video');
  assert.match(s.id, /^\d{9}$/);
  assert.equal(s.group, s.id);
  assert.equal(s.meta?.sourceLabel, 'Angry');
  // The clips are real videos: ffprobe reads 4 mpeg4 frames from one.
  assert.deepEqual(await probeWritten((s.source as { path: string }).path), { codec: 'mpeg4', frames: 4 });
});

test('AFEW with HSEmotion frames: frames-dir sources, noface frames kept, missing/empty frame folders counted', async () => {
  const dir = await tempDir('afew-frames');
  const fx = await writeAfewFixture({ dir, perClass: 2, frames: true, faults: { missingFrames: 2, emptyFrames: 1, emptyClip: 1 } });
  const c = await loadAfew({ root: dir, frames: 'hsemotion' });
  assert.equal(c.layout, 'frames');
  assertMatchesFixture(c, fx.frames!);
  assert.deepEqual(fx.frames!.skippedByReason, { 'empty-frames': 1, 'missing-frames': 3 });
  assert.ok(c.samples.every((s) => s.source.kind === 'frames-dir' && s.source.dir.includes(path.join('AlignedFaces_LBPTOP_Points_Val', 'frames'))));

  // The same folder named explicitly (relative to the split folder, or absolute, with or without frames/).
  const named = await loadAfew({ root: dir, frames: 'AlignedFaces_LBPTOP_Points_Val' });
  const abs = await loadAfew({ root: dir, frames: path.join(dir, 'val', 'AlignedFaces_LBPTOP_Points_Val', 'frames') });
  assert.equal(named.manifestSha256, c.manifestSha256);
  assert.equal(abs.manifestSha256, c.manifestSha256);
  // Frames and videos are different items to evaluate.
  assert.notEqual((await loadAfew({ root: dir })).manifestSha256, c.manifestSha256);

  await assert.rejects(loadAfew({ root: dir, frames: 'no-such-folder' }), expectBenchError('BAD_LAYOUT', /no-such-folder/, /--frames/));
  // Any folder of <clip>/ frame folders beside the emotion folders (HSEmotion's face crops, say) is read by name.
  await rename(path.join(dir, 'val', 'AlignedFaces_LBPTOP_Points_Val', 'frames'), path.join(dir, 'val', 'frames_mtcnn_cropped'));
  const crops = await loadAfew({ root: dir, frames: 'frames_mtcnn_cropped' });
  assert.deepEqual(crops.samples.map((s) => s.id), c.samples.map((s) => s.id));
  assert.ok(crops.samples.every((s) => s.source.kind === 'frames-dir' && path.basename(path.dirname(s.source.dir)) === 'frames_mtcnn_cropped'));
});

test('AFEW manifest hash: stable across loads and a move of the root, changed by a relabelled clip', async () => {
  const dir = await tempDir('afew-hash');
  await writeAfewFixture({ dir: path.join(dir, 'a'), perClass: 1 });
  const h = (await loadAfew({ root: path.join(dir, 'a') })).manifestSha256;
  assert.equal((await loadAfew({ root: path.join(dir, 'a') })).manifestSha256, h);
  await rename(path.join(dir, 'a'), path.join(dir, 'b'));
  const moved = await loadAfew({ root: path.join(dir, 'b') });
  assert.equal(moved.manifestSha256, h);
  const clip = moved.samples.find((s) => s.label === 'fear')!;
  await rename((clip.source as { path: string }).path, path.join(dir, 'b', 'val', 'Sad', `${clip.id}.avi`));
  assert.notEqual((await loadAfew({ root: path.join(dir, 'b') })).manifestSha256, h);
  // A copy that names the split folder Val_AFEW (unconfirmed as the zip's name) is read like FER-repo's val/.
  await rename(path.join(dir, 'b', 'val'), path.join(dir, 'b', 'Val_AFEW'));
  assert.equal((await loadAfew({ root: path.join(dir, 'b') })).samples.length, 7);
});

test('AFEW wrong root: lists the layouts looked for; a split folder, a misspelt class folder and a bad split are named', async () => {
  const dir = await tempDir('afew-bad');
  await assert.rejects(loadAfew({ root: path.join(dir, 'nowhere') }), expectBenchError('BAD_LAYOUT', /does not exist/, /layouts looked for/, /Angry, Disgust/));
  await writeFile(path.join(dir, 'readme.txt'), 'x');
  await assert.rejects(loadAfew({ root: dir }), expectBenchError('BAD_LAYOUT', /no train\/Train\/Train_AFEW|no val\/Val\/Val_AFEW/, /readme\.txt/, /layouts looked for/));
  await writeAfewFixture({ dir: path.join(dir, 'afew'), perClass: 1 });
  await assert.rejects(loadAfew({ root: path.join(dir, 'afew', 'val') }), expectBenchError('BAD_LAYOUT', /one split of AFEW/, /its parent/));
  await mkdir(path.join(dir, 'afew', 'val', 'Suprise'));
  await assert.rejects(loadAfew({ root: path.join(dir, 'afew') }), expectBenchError('BAD_LAYOUT', /'Suprise'.*Did you mean: Surprise/));
  await assert.rejects(loadAfew({ root: path.join(dir, 'afew'), split: 'test' as never }), expectBenchError('BAD_INPUT', /no split 'test'/));
});
