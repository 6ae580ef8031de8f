/**
 * `bench loco` as a user runs it: the real command in a child process, two video-csv corpora of clips
 * written by ffmpeg from a real photograph, RetinaFace, the tiny model (whole output as its embedding
 * head) from a user zoo.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_PHOTOS, writeFaceClip } from '../../src/media/video/fixture.js';
import { runBenchCli, STACK_LINE, tinyCardInput, writeTinyModel } from '../bench/tiny-model.js';

let root: string;
let env: Record<string, string>;
let corpora: string[];
const MODEL = 'tiny_fer_embedding';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-cli-loco-'));
  const tiny = await writeTinyModel(join(root, 'model'));
  const card = tinyCardInput(tiny.sha256);
  const zoo = join(root, 'model', 'zoo-embedding.json');
  await writeFile(zoo, JSON.stringify({ schemaVersion: 1, models: [{ ...card, name: MODEL, heads: { ...card.heads, embedding: { output: 'output', length: 10 } } }] }));
  env = { FER_BENCH_ZOO: zoo, FER_BENCH_CACHE: tiny.dir };
  const clips = join(root, 'clips');
  await mkdir(clips);
  const { astronaut } = FIXTURE_PHOTOS;
  for (const [i, zoom] of [2, 3, 2.5, 4].entries()) await writeFaceClip(join(clips, `c${i}.mp4`), { width: 160, height: 120, segments: [{ photo: astronaut, frames: 2, from: { zoom }, to: { zoom } }] });
  await writeFile(join(clips, 'savee.csv'), 'path,label,group\nc0.mp4,neutral,DC\nc1.mp4,happiness,JE\nc2.mp4,surprise,JE\n');
  await writeFile(join(clips, 'ramas.csv'), 'path,label,group\nc2.mp4,neutral,A1\nc3.mp4,happiness,A2\nc1.mp4,neutral,A2\n');
  corpora = ['--corpus', `savee=video-csv:${join(clips, 'savee.csv')}`, '--corpus', `ramas=video-csv:${join(clips, 'ramas.csv')}`];
});

after(async () => rm(root, { recursive: true, force: true }));

test('bench loco --json: one loco record per held-out corpus, saved; the text table in EMO-AffectNet layout', async () => {
  const args = ['loco', '-m', MODEL, ...corpora, '--resamples', '30', '--store-dir', join(root, 'p'), '--out', join(root, 'runs'), '--threads', '1'];
  const ran = await runBenchCli([...args, '--json'], { env });
  assert.equal(ran.code, 0, ran.stderr);
  const out = JSON.parse(ran.stdout);
  assert.deepEqual(out.labelSpace.classes, ['neutral', 'happiness']);
  assert.deepEqual(out.records.map((r: { provenance: { dataset: { corpus: string } } }) => r.provenance.dataset.corpus), ['savee', 'ramas']);
  assert.deepEqual(out.records[0].head.trainCorpora, ['ramas']);
  assert.equal(out.records[0].protocol, 'loco');
  assert.deepEqual(out.records[0].coverage.excluded, { 'not-in-intersection': 1 }, 'the surprise clip is outside the shared classes');
  assert.equal((await readdir(join(root, 'runs'))).length, 2);

  const text = await runBenchCli([...args, '--no-save', '--head', 'linear-svc'], { env });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /\| Test corpus \| Trained on \| UAR % \[CI\]/);
  assert.match(text.stdout, /\| savee \| ramas \|/);
  assert.match(text.stdout, /LinearSVC/);
  assert.match(text.stdout, /CNN-LSTM/);

  const plot = await runBenchCli(['plot', 'loco', '--runs', join(root, 'runs'), '--out', join(root, 'fig'), '--json'], { env });
  assert.equal(plot.code, 0, plot.stderr);
  assert.ok(JSON.parse(plot.stdout).files.length > 0);
});

test('bench loco refuses one corpus with one JSON error and exit code 2', async () => {
  const ran = await runBenchCli(['loco', '-m', MODEL, corpora[0], corpora[1], '--store-dir', join(root, 'p'), '--no-save', '--json'], { env });
  assert.equal(ran.code, 2, ran.stderr);
  const err = JSON.parse(ran.stdout).error;
  assert.match(err.message, /at least 2 corpora/);
  assert.ok(err.fix);
  assert.doesNotMatch(ran.stderr + ran.stdout, STACK_LINE);
  const bad = await runBenchCli(['loco', '-m', MODEL, '--corpus', 'nocolon', '--json'], { env });
  assert.equal(bad.code, 2);
});
