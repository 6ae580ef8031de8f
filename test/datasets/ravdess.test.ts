import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tempDir } from './tmpdir.js';
import { assertMatchesFixture } from './video-expect.js';
import { probeWritten, streamCodecs } from './probe.js';
import { expectBenchError } from '../expect-error.js';
import { loadRavdess, parseRavdessName } from '../../src/datasets/ravdess.js';
import { writeRavdessFixture } from '../../src/datasets/fixtures/ravdess-fixture.js';

test('RAVDESS: audio-video clips by default, calm dropped and counted, audio ignored and counted, actor = group', async () => {
  const dir = await tempDir('ravdess');
  const fx = await writeRavdessFixture({ dir, faults: { unparseableName: 4, emptyClip: 1, nonVideo: 1 } });
  const c = await loadRavdess({ root: dir });
  assert.equal(c.name, 'ravdess');
  assert.equal(c.split, 'all');
  assert.deepEqual(c.classes, ['neutral', 'happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise']);
  assert.equal(c.sourceLabels['02'], null);
  assert.equal(c.sourceLabels['05'], 'anger');
  const want = fx.expected();
  assertMatchesFixture(c, want);
  // 3 actors × 7 speech emotions (calm dropped) + 2 actors × 5 song emotions.
  assert.equal(c.samples.length, 3 * 7 + 2 * 5);
  assert.deepEqual(want.skippedByReason, {
    'audio-only': 6,
    'empty-file': 1,
    'excluded-label': 5,
    'not-a-video': 1,
    'other-modality': 24,
    'unparseable-name': 4,
  });
  const broken = c.skipped.filter((s) => s.reason === 'unparseable-name').map((s) => s.detail);
  assert.deepEqual(broken.map((d) => /: (.*)$/.exec(d!)![1].split(' ')[0]).sort(), ['actor', 'neutral', 'seven', 'song']);
  // Actor_18 has no song, and that is not an error.
  assert.ok(!c.samples.some((s) => s.group === 'Actor_18' && s.meta?.channel === 'song'));
  assert.equal(c.samples.filter((s) => s.group === 'Actor_18').length, 7);
});

test('RAVDESS metadata from the name: modality, channel, intensity, statement, repetition, actor, gender', async () => {
  const dir = await tempDir('ravdess-meta');
  await writeRavdessFixture({ dir, actors: [6] });
  const c = await loadRavdess({ root: dir, channel: 'song' });
  const s = c.samples.find((x) => x.id === '01-02-03-01-02-02-06')!;
  assert.deepEqual(s.meta, {
    sourceLabel: 'happy',
    emotionCode: '03',
    modality: 'audio-video',
    channel: 'song',
    intensity: 'normal',
    statement: 2,
    repetition: 2,
    actor: 6,
    gender: 'female',
  });
  assert.equal(s.label, 'happiness');
  assert.equal(s.group, 'Actor_06');
  assert.ok(c.samples.every((x) => x.meta?.channel === 'song'));
  // Audio-video clips carry sound, video-only ones do not: the fixture is what RAVDESS ships.
  assert.deepEqual(streamCodecs((s.source as { path: string }).path).sort(), ['aac', 'h264']);
  const vo = await loadRavdess({ root: dir, modality: 'video-only' });
  assert.deepEqual(streamCodecs((vo.samples[0].source as { path: string }).path), ['h264']);
  assert.deepEqual(await probeWritten((vo.samples[0].source as { path: string }).path), { codec: 'h264', frames: 4 });
  const m = (await loadRavdess({ root: dir })).samples.find((x) => x.id === '01-01-08-01-01-01-06')!;
  assert.equal(m.meta?.gender, 'female');
  assert.equal((await loadRavdess({ root: dir })).samples.find((x) => x.id === '01-01-05-02-01-01-06')?.meta?.intensity, 'strong');
});

test('RAVDESS options: --calm neutral / keep, --modality both, --channel speech; each choice counted and recorded', async () => {
  const dir = await tempDir('ravdess-opts');
  const fx = await writeRavdessFixture({ dir, layout: 'per-zip' });
  for (const opts of [{ calm: 'neutral' }, { calm: 'keep' }, { modality: 'both' }, { modality: 'video-only', channel: 'speech' }] as const) {
    const c = await loadRavdess({ root: dir, ...opts });
    assertMatchesFixture(c, fx.expected(opts));
  }
  const neutral = await loadRavdess({ root: dir, calm: 'neutral' });
  assert.equal(neutral.sourceLabels['02'], 'neutral');
  assert.equal(neutral.classes.length, 7);
  assert.equal(neutral.samples.find((s) => s.meta?.emotionCode === '02')?.label, 'neutral');
  const keep = await loadRavdess({ root: dir, calm: 'keep' });
  assert.deepEqual(keep.classes, ['neutral', 'calm', 'happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise']);
  // Each choice evaluates different items, so each has its own manifest hash.
  const hashes = new Set([neutral, keep, await loadRavdess({ root: dir })].map((c) => c.manifestSha256));
  assert.equal(hashes.size, 3);
  await assert.rejects(loadRavdess({ root: dir, calm: 'merge' as never }), expectBenchError('BAD_INPUT', /calm 'merge'/, /--calm drop\|neutral\|keep/));
});

test('RAVDESS name rules: each broken rule is named', () => {
  const rule = (n: string, actor?: number): string => {
    const p = parseRavdessName(n, actor);
    assert.ok('rule' in p, `${n} should not parse`);
    return p.rule;
  };
  assert.match(rule('01-01-05-01-01'), /seven two-digit fields/);
  assert.match(rule('1-01-05-01-01-01-01'), /seven two-digit fields/);
  assert.match(rule('04-01-05-01-01-01-01'), /modality \(field 1\)/);
  assert.match(rule('01-03-05-01-01-01-01'), /vocal channel/);
  assert.match(rule('01-01-09-01-01-01-01'), /emotion \(field 3\) is 01..08/);
  assert.match(rule('01-01-05-03-01-01-01'), /intensity/);
  assert.match(rule('01-01-01-02-01-01-01'), /neutral \(emotion 01\) has no strong/);
  assert.match(rule('01-01-05-01-03-01-01'), /statement/);
  assert.match(rule('01-01-05-01-01-03-01'), /repetition/);
  assert.match(rule('01-01-05-01-01-01-25'), /actor \(field 7\) is 01..24/);
  assert.match(rule('01-01-05-01-01-01-02', 1), /folder Actor_01/);
  assert.match(rule('01-02-08-01-01-01-01'), /song \(channel 02\) has no surprised/);
  assert.match(rule('01-02-03-01-01-01-18'), /Actor_18 recorded no song/);
  assert.deepEqual(parseRavdessName('02-01-06-02-02-01-13', 13), { modality: 'video-only', channel: 'speech', emotionCode: '06', intensity: 'strong', statement: 2, repetition: 1, actor: 13 });
});

test('RAVDESS wrong root: an actor folder or an unrelated folder lists the layouts looked for', async () => {
  const dir = await tempDir('ravdess-bad');
  await writeRavdessFixture({ dir, actors: [3] });
  await assert.rejects(loadRavdess({ root: path.join(dir, 'Actor_03') }), expectBenchError('BAD_LAYOUT', /one actor's folder/, /its parent/, /layouts looked for/));
  await assert.rejects(loadRavdess({ root: path.dirname(dir) + '/nothing-here' }), expectBenchError('BAD_LAYOUT', /does not exist/));
  const empty = await tempDir('ravdess-empty');
  await assert.rejects(loadRavdess({ root: empty }), expectBenchError('BAD_LAYOUT', /holds no Actor_NN folder; it contains: nothing/, /MM-VV-EE-II-SS-RR-AA/));
});
