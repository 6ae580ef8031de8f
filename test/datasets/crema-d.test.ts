import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { tempDir } from './tmpdir.js';
import { assertMatchesFixture } from './video-expect.js';
import { probeWritten } from './probe.js';
import { expectBenchError } from '../expect-error.js';
import { loadCremaD, parseCremaDName } from '../../src/datasets/crema-d.js';
import { writeCremaDFixture } from '../../src/datasets/fixtures/crema-d-fixture.js';

test('CREMA-D: VideoFlash/<actor>_<sentence>_<EMO>_<level>.flv, 6 classes, actor = group, faults counted with the rule', async () => {
  const dir = await tempDir('crema');
  const fx = await writeCremaDFixture({ dir, faults: { unparseableName: 5, emptyClip: 1, audioFile: 1, nonVideo: 1 } });
  const c = await loadCremaD({ root: dir });
  assert.equal(c.name, 'crema-d');
  assert.deepEqual(c.classes, ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness']);
  assert.equal(c.sourceLabels.HAP, 'happiness');
  assertMatchesFixture(c, fx);
  assert.equal(c.samples.length, 12);
  assert.deepEqual(fx.skippedByReason, { 'audio-only': 1, 'empty-file': 1, 'not-a-video': 1, 'unparseable-name': 5 });
  const rules = c.skipped.filter((s) => s.reason === 'unparseable-name').map((s) => /: (\w+)/.exec(s.detail!)![1]).sort();
  assert.deepEqual(rules, ['actor', 'emotion', 'four', 'level', 'sentence']);
  const s = c.samples.find((x) => x.id.startsWith('1002_') && x.label === 'fear')!;
  assert.equal(s.group, '1002');
  assert.equal(s.meta?.sourceLabel, 'FEA');
  assert.deepEqual(s.meta, { sourceLabel: 'FEA', actor: 1002, sentence: s.meta?.sentence, emotion: 'FEA', level: s.meta?.level, gender: 'female', age: 22 });
  assert.equal(c.samples.find((x) => x.group === '1001')?.meta?.gender, 'male');
  assert.deepEqual(await probeWritten((s.source as { path: string }).path), { codec: 'flv1', frames: 4 });
  assert.deepEqual(parseCremaDName('1091_WSI_SAD_HI'), { actor: 1091, sentence: 'WSI', emotion: 'SAD', level: 'high' });
});

test('CREMA-D without VideoDemographics.csv: items carry no gender, nothing else changes', async () => {
  const dir = await tempDir('crema-nodemo');
  const fx = await writeCremaDFixture({ dir, demographics: false });
  const c = await loadCremaD({ root: dir });
  assertMatchesFixture(c, fx);
  assert.ok(c.samples.every((s) => s.meta?.gender === undefined && s.meta?.age === undefined));
  // A folder among the clips is not a clip, and says so.
  await mkdir(path.join(dir, 'VideoFlash', 'old'));
  const again = await loadCremaD({ root: dir });
  assert.deepEqual(again.skipped.map((s) => [s.id, s.reason, s.detail]), [['VideoFlash/old', 'not-a-video', 'a folder among the clips']]);
});

test('CREMA-D wrong root: the VideoFlash folder itself, or a folder without it', async () => {
  const dir = await tempDir('crema-bad');
  await writeCremaDFixture({ dir, actors: [1001] });
  await assert.rejects(loadCremaD({ root: path.join(dir, 'VideoFlash') }), expectBenchError('BAD_LAYOUT', /VideoFlash folder itself/, /its parent/, /layouts looked for/));
  await assert.rejects(loadCremaD({ root: dir, videoDir: 'VideoMP4' }), expectBenchError('BAD_LAYOUT', /no VideoMP4\/ folder; it contains: VideoFlash\//));
});
