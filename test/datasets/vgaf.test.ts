import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { tempDir } from './tmpdir.js';
import { assertMatchesFixture } from './video-expect.js';
import { probeWritten } from './probe.js';
import { expectBenchError } from '../expect-error.js';
import { loadVgaf } from '../../src/datasets/vgaf.js';
import { writeVgafFixture } from '../../src/datasets/fixtures/vgaf-fixture.js';

test('VGAF: the 3-class group valence space, label ids 1..3, video = group, every fault counted with its row', async () => {
  const dir = await tempDir('vgaf');
  const fx = await writeVgafFixture({
    dir,
    perClass: 2,
    faults: { missingVideo: 2, unlabelledVideo: 1, malformedRow: 1, unknownLabel: 1, emptyClip: 1, nonVideo: 1 },
  });
  const c = await loadVgaf({ root: dir });
  assert.equal(c.name, 'vgaf');
  assert.deepEqual(c.classes, ['group:positive', 'group:neutral', 'group:negative']);
  assert.deepEqual(c.sourceLabels, { '1': 'group:positive', '2': 'group:neutral', '3': 'group:negative' });
  assertMatchesFixture(c, fx);
  assert.equal(c.samples.length, 6);
  assert.deepEqual(fx.skippedByReason, { 'empty-file': 1, 'malformed-row': 1, 'missing-file': 2, 'not-a-video': 1, 'unknown-label': 1, 'unlabelled-video': 1 });
  const missing = c.skipped.find((s) => s.reason === 'missing-file')!;
  assert.equal(missing.file, path.join(dir, 'Val_labels.txt'));
  assert.match(missing.detail ?? '', /no video named/);
  const neg = c.samples.find((s) => s.label === 'group:negative')!;
  assert.deepEqual(neg.meta, { vgafLabel: 3, sourceLabel: 'Negative' });
  assert.equal(neg.group, neg.id);
  assert.deepEqual(await probeWritten((neg.source as { path: string }).path), { codec: 'h264', frames: 4 });
});

test('VGAF header line is detected: a copy without it keeps its first video; the train split reads Train/', async () => {
  const dir = await tempDir('vgaf-nohead');
  const fx = await writeVgafFixture({ dir, perClass: 1, header: false, split: 'train' });
  const c = await loadVgaf({ root: dir, split: 'train' });
  assertMatchesFixture(c, fx);
  assert.equal(c.samples.length, 3);
  // The header variant gives the same items, so the same manifest hash.
  const dir2 = await tempDir('vgaf-head');
  await writeVgafFixture({ dir: dir2, perClass: 1, header: true, split: 'train' });
  assert.equal((await loadVgaf({ root: dir2, split: 'train' })).manifestSha256, c.manifestSha256);
});

test('VGAF with a missing labels file: every video counted as missing-labels-file, the load completes', async () => {
  const dir = await tempDir('vgaf-nolabels');
  const fx = await writeVgafFixture({ dir, perClass: 1, omitLabels: true, faults: { nonVideo: 1 } });
  const c = await loadVgaf({ root: dir });
  assertMatchesFixture(c, fx);
  assert.equal(c.samples.length, 0);
  assert.equal(fx.skippedByReason['missing-labels-file'], 3);
  assert.match(c.skipped.find((s) => s.reason === 'missing-labels-file')!.detail!, /Val_labels\.txt does not exist/);
});

test('VGAF manifest hash changes with a label; wrong roots list the layouts', async () => {
  const dir = await tempDir('vgaf-hash');
  await writeVgafFixture({ dir, perClass: 1 });
  const h = (await loadVgaf({ root: dir })).manifestSha256;
  assert.equal((await loadVgaf({ root: dir })).manifestSha256, h);
  const file = path.join(dir, 'Val_labels.txt');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace(/ 1\n/, ' 2\n'));
  assert.notEqual((await loadVgaf({ root: dir })).manifestSha256, h);

  await assert.rejects(loadVgaf({ root: path.join(dir, 'Val') }), expectBenchError('BAD_LAYOUT', /neither Val\/ nor Val_labels\.txt/, /layouts looked for/, /1 Positive, 2 Neutral, 3 Negative/));
  await assert.rejects(loadVgaf({ root: dir, split: 'train' }), expectBenchError('BAD_LAYOUT', /neither Train\/ nor Train_labels\.txt/));
  await assert.rejects(loadVgaf({ root: path.join(dir, 'none') }), expectBenchError('BAD_LAYOUT', /does not exist/));
  await assert.rejects(loadVgaf({ root: dir, split: 'test' as never }), expectBenchError('BAD_INPUT', /no split 'test'/));
});

test('VGAF with HSEmotion frames: frames-dir sources per video, a video without frames counted', async () => {
  const dir = await tempDir('vgaf-frames');
  const fx = await writeVgafFixture({ dir, perClass: 2, frames: true, faults: { missingFrames: 1, emptyClip: 1, missingVideo: 1, unlabelledVideo: 1 } });
  const c = await loadVgaf({ root: dir, frames: 'hsemotion' });
  assert.equal(c.layout, 'frames');
  assertMatchesFixture(c, fx.frames!);
  assert.deepEqual(fx.frames!.skippedByReason, { 'missing-file': 1, 'missing-frames': 2, 'unlabelled-video': 1 });
  assert.ok(c.samples.every((s) => s.source.kind === 'frames-dir'));
  assert.equal((await loadVgaf({ root: dir, frames: path.join('preprocessed', 'Val') })).manifestSha256, c.manifestSha256);
  await assert.rejects(loadVgaf({ root: dir, split: 'train', frames: 'hsemotion' }), expectBenchError('BAD_LAYOUT', /Train_labels|neither Train/));
  await assert.rejects(loadVgaf({ root: dir, frames: 'nope' }), expectBenchError('BAD_LAYOUT', /VGAF frames folder .*nope does not exist/));
});
