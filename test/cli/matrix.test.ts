/**
 * `bench matrix` as a user runs it: two real ONNX models (the tiny classifier under its 8-class card and
 * a 7-class card reading the first 7 logits) × two video-csv corpora of real clips, RetinaFace.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_PHOTOS, writeFaceClip } from '../../src/media/video/fixture.js';
import { runBenchCli, STACK_LINE, TINY_CLASSES, TINY_MODEL, tinyCardInput, writeTinyModel } from '../bench/tiny-model.js';

let root: string;
let env: Record<string, string>;
let corpora: string[];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-cli-matrix-'));
  const tiny = await writeTinyModel(join(root, 'model'));
  const card = tinyCardInput(tiny.sha256);
  const seven = { ...card, name: 'tiny_7', heads: { expression: { ...card.heads.expression, length: 7 } }, classes: TINY_CLASSES.slice(0, 7), published: [] };
  const zoo = join(root, 'model', 'zoo-matrix.json');
  await writeFile(zoo, JSON.stringify({ schemaVersion: 1, models: [card, seven] }));
  env = { FER_BENCH_ZOO: zoo, FER_BENCH_CACHE: tiny.dir };
  const clips = join(root, 'clips');
  await mkdir(clips);
  for (const [i, zoom] of [2, 3].entries()) await writeFaceClip(join(clips, `c${i}.mp4`), { width: 160, height: 120, segments: [{ photo: FIXTURE_PHOTOS.astronaut, frames: 2, from: { zoom }, to: { zoom } }] });
  await writeFile(join(clips, 'a.csv'), 'path,label,group\nc0.mp4,neutral,g1\nc1.mp4,surprise,g2\nc1.mp4,happiness,g3\n');
  await writeFile(join(clips, 'b.csv'), 'path,label,group\nc0.mp4,calm,g1\nc1.mp4,anger,g2\nc0.mp4,neutral,g3\n');
  corpora = ['--corpus', `lab-a=video-csv:${join(clips, 'a.csv')}`, '--corpus', `lab-b=video-csv:${join(clips, 'b.csv')}`];
});

after(async () => rm(root, { recursive: true, force: true }));

test('bench matrix: 2 models × 2 corpora, each pair with its declared label space; --json and the text table', async () => {
  const args = ['matrix', '-m', `${TINY_MODEL},tiny_7`, ...corpora, '--resamples', '20', '--threads', '1', '--store-dir', join(root, 'p'), '--out', join(root, 'runs')];
  const ran = await runBenchCli([...args, '--json'], { env });
  assert.equal(ran.code, 0, ran.stderr);
  const { records } = JSON.parse(ran.stdout);
  assert.equal(records.length, 4);
  const cell = (m: string, c: string) => records.find((r: { labelSpace: { model: string; corpus: string } }) => r.labelSpace.model === m && r.labelSpace.corpus === c);
  // The 7-class card has no surprise logit: surprise items of lab-a are excluded and counted.
  assert.deepEqual(cell('tiny_7', 'lab-a').labelSpace.exclusions.excludedClasses, { surprise: 1 });
  assert.deepEqual(cell(TINY_MODEL, 'lab-a').labelSpace.exclusions.excludedClasses, {});
  assert.ok(cell(TINY_MODEL, 'lab-a').labelSpace.droppedLogits.includes('contempt'), 'the 8-class model’s contempt logit is not read on a corpus without contempt');
  // lab-b: calm is no model's class; its clips are excluded and counted for both models.
  for (const m of [TINY_MODEL, 'tiny_7']) assert.deepEqual(cell(m, 'lab-b').labelSpace.exclusions.excludedClasses, { calm: 1 });
  assert.deepEqual(cell('tiny_7', 'lab-b').labelSpace.classes, ['neutral', 'anger']);

  const text = await runBenchCli([...args, '--no-save', '--metric', 'accuracy'], { env });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /\| Model \| lab-a \| lab-b \|/);
  assert.match(text.stdout, /tiny_7 on lab-a: .*items excluded: 1 surprise/);
});

test('bench matrix refuses a pair without two shared classes before running anything, with one JSON error', async () => {
  await writeFile(join(root, 'clips', 'c.csv'), 'path,label\nc0.mp4,calm\nc1.mp4,neutral\n');
  const ran = await runBenchCli(['matrix', '-m', TINY_MODEL, '--corpus', `lab-c=video-csv:${join(root, 'clips', 'c.csv')}`, '--no-save', '--json'], { env });
  assert.equal(ran.code, 2, ran.stderr);
  assert.ok(JSON.parse(ran.stdout).error.fix);
  assert.doesNotMatch(ran.stderr + ran.stdout, STACK_LINE);
});
