import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tempDir } from './tmpdir.js';
import { assertMatchesFixture } from './video-expect.js';
import { expectBenchError } from '../expect-error.js';
import { loadAffWild2, majorityLabel } from '../../src/datasets/affwild2.js';
import { AFFWILD2_FIXTURE_ANNOTATIONS, writeAffWild2Fixture } from '../../src/datasets/fixtures/affwild2-fixture.js';

test('Aff-Wild2: one frames-dir sample per video, per-frame labels with -1 kept, majority label, faults counted', async () => {
  const dir = await tempDir('affwild2');
  const fx = await writeAffWild2Fixture({ dir, videos: 3, faults: { allInvalid: 1, missingCrops: 1, badLine: 1, badHeader: 1 } });
  const c = await loadAffWild2({ root: dir });
  assert.equal(c.name, 'affwild2');
  assert.deepEqual(c.classes, ['neutral', 'anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'other']);
  assert.equal(c.sourceLabels['-1'], null);
  assert.equal(c.sourceLabels['7'], 'other');
  assertMatchesFixture(c, fx);
  assert.deepEqual(fx.skippedByReason, { 'bad-annotation': 2, 'missing-frames': 1, 'no-valid-frames': 1 });
  for (const s of c.samples) {
    assert.equal(s.source.kind, 'frames-dir');
    assert.deepEqual(s.meta?.frameLabels, fx.frameLabels[s.id]);
    assert.equal(s.meta?.validFrames, 5);
    assert.equal(s.meta?.crops, 5); // frame 2 has no crop
  }
  assert.match(c.skipped.find((s) => s.id === 'badline-0')!.detail!, /frame 3: 'happy'/);
});

test('Aff-Wild2 majority label: lowest class on ties, -1 ignored, none valid gives -1', () => {
  assert.equal(majorityLabel([-1, 3, 3, 1, 1]), 1);
  assert.equal(majorityLabel([-1, -1, 6]), 6);
  assert.equal(majorityLabel([-1, -1]), -1);
  assert.equal(majorityLabel([]), -1);
});

test('Aff-Wild2 manifest hash covers the per-frame labels; annotations folder found or named', async () => {
  const dir = await tempDir('affwild2-hash');
  await writeAffWild2Fixture({ dir, videos: 2 });
  const c = await loadAffWild2({ root: dir });
  const named = await loadAffWild2({ root: dir, annotations: AFFWILD2_FIXTURE_ANNOTATIONS });
  assert.equal(named.manifestSha256, c.manifestSha256);
  // One frame relabelled (the majority unchanged) is a different set of targets.
  const file = path.join(dir, AFFWILD2_FIXTURE_ANNOTATIONS, 'Validation_Set', `${c.samples[0].id}.txt`);
  const lines = (await readFile(file, 'utf8')).split('\n');
  lines[2] = '7';
  await writeFile(file, lines.join('\n'));
  const changed = await loadAffWild2({ root: dir });
  assert.equal(changed.samples[0].label, c.samples[0].label);
  assert.notEqual(changed.manifestSha256, c.manifestSha256);
});

test('Aff-Wild2 wrong root: no crops folder, no annotations, two annotation folders', async () => {
  const dir = await tempDir('affwild2-bad');
  await assert.rejects(loadAffWild2({ root: dir }), expectBenchError('BAD_LAYOUT', /no cropped_aligned\/ folder/, /layouts looked for/, /Train_Set,Validation_Set/));
  await writeAffWild2Fixture({ dir, videos: 1 });
  await assert.rejects(loadAffWild2({ root: dir, split: 'train' }), expectBenchError('BAD_LAYOUT', /Train_Set does not exist/, /--annotations/));
  await rename(path.join(dir, 'Third ABAW Annotations'), path.join(dir, 'elsewhere'));
  const moved = await loadAffWild2({ root: dir, annotations: path.join(dir, 'elsewhere', 'EXPR_Classification_Challenge') });
  assert.equal(moved.samples.length, 1);
  await rename(path.join(dir, 'elsewhere'), path.join(dir, 'misc'));
  // Found automatically two levels down, whatever its parent is called.
  assert.equal((await loadAffWild2({ root: dir })).samples.length, 1);
  await writeAffWild2Fixture({ dir, videos: 1 });
  await assert.rejects(loadAffWild2({ root: dir }), expectBenchError('BAD_LAYOUT', /2 EXPR annotation folders/, /--annotations/));
});
