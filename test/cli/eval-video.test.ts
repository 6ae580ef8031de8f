/**
 * `bench eval` on a corpus of clips as a user runs it: the real command in a child process, a video
 * manifest of clips written by ffmpeg from a real photograph, RetinaFace, the tiny model from a user zoo.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_PHOTOS, writeFaceClip } from '../../src/media/video/fixture.js';
import { runBenchCli, STACK_LINE, TINY_MODEL, writeTinyModel } from '../bench/tiny-model.js';

let root: string;
let env: Record<string, string>;
let manifest: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-cli-eval-video-'));
  const tiny = await writeTinyModel(join(root, 'model'));
  env = { FER_BENCH_ZOO: tiny.zooPath, FER_BENCH_CACHE: tiny.dir };
  const clips = join(root, 'clips');
  await mkdir(clips);
  const { astronaut, coffee } = FIXTURE_PHOTOS;
  await writeFaceClip(join(clips, 'face.mp4'), { segments: [{ photo: astronaut, frames: 5, from: { zoom: 2.5 }, to: { zoom: 2 } }] });
  await writeFaceClip(join(clips, 'cup.mp4'), { segments: [{ photo: coffee, frames: 3 }] });
  manifest = join(clips, 'clips.csv');
  await writeFile(manifest, 'path,label,group\nface.mp4,happiness,actor1\ncup.mp4,neutral,actor2\nmissing.mp4,anger,actor3\n');
});

after(async () => rm(root, { recursive: true, force: true }));

test('bench eval --dataset video-csv: clips scored with RetinaFace, the face subset and the complete accuracy reported', async () => {
  const args = ['eval', '-m', TINY_MODEL, '--dataset', 'video-csv', '--manifest', manifest, '--classes', 'anger,happiness,neutral', '--sampling', 'nth:2', '--resamples', '50', '--store-dir', join(root, 'p'), '--out', join(root, 'runs')];
  const ran = await runBenchCli([...args, '--json'], { env });
  assert.equal(ran.code, 0, ran.stderr);
  const record = JSON.parse(ran.stdout);
  assert.deepEqual(record.coverage.clips, { evaluated: 2, scored: 1 });
  assert.deepEqual(record.coverage.frames, { sampled: 3 + 2, withFace: 3 }, 'every 2nd frame: 3 of 5 face frames, 2 of 3 cup frames');
  assert.equal(record.coverage.skippedByReason['no-face'], 1);
  assert.equal(record.coverage.skippedByReason['missing-file'], 1, 'the missing clip is counted at load');
  assert.equal(record.metrics.complete_accuracy.value, record.metrics.accuracy.value / 2);
  assert.equal(record.provenance.preprocessing.video.detector.name.startsWith('retinaface'), true);
  assert.deepEqual(record.provenance.preprocessing.video.sampling, { kind: 'every-nth', n: 2 });

  const text = await runBenchCli([...args, '--no-save'], { env });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /complete_accuracy|complete accuracy/i);
  const bad = await runBenchCli([...args, '--sampling', 'sometimes'], { env });
  assert.notEqual(bad.code, 0);
  assert.doesNotMatch(bad.stderr + bad.stdout, STACK_LINE);
  assert.match(bad.stderr + bad.stdout, /nth:N/);
});
