/**
 * `bench protocol hsemotion` as a user runs it: the real command in a child process on an AFEW-layout
 * corpus of real clips (train and val), RetinaFace, the tiny model from a user zoo whose card has an
 * embedding head and the published AFEW values; then `bench score --store` on the head's store.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBenchCli, STACK_LINE, TINY_MODEL, tinyCardInput, writeTinyModel } from '../bench/tiny-model.js';
import { writeFaceAfew } from '../bench/protocols/hsemotion-fixture.js';
import { formatEvalReport } from '../../src/cli/format-eval.js';

const MODEL = 'tiny_fer_emb';
let root: string;
let afew: string;
let env: Record<string, string>;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-cli-hsemotion-'));
  const tiny = await writeTinyModel(join(root, 'model'));
  const base = tinyCardInput(tiny.sha256);
  const card = {
    ...base,
    name: MODEL,
    heads: { ...base.heads, embedding: { output: 'output' } },
    published: [
      ...(base.published ?? []),
      { corpus: 'afew', protocol: 'faces-detected', metric: 'accuracy', value: 59.89, source: 'test: HSEmotion README' },
      { corpus: 'afew', protocol: 'complete', metric: 'accuracy', value: 59.27, source: 'test: AFEW notebook' },
    ],
  };
  const zoo = join(root, 'zoo.json');
  await writeFile(zoo, JSON.stringify({ schemaVersion: 1, models: [base, card] }, null, 2));
  env = { FER_BENCH_ZOO: zoo, FER_BENCH_CACHE: tiny.dir };
  afew = await writeFaceAfew(join(root, 'AFEW'));
});

after(async () => rm(root, { recursive: true, force: true }));

test('bench protocol hsemotion --json on AFEW: the head trained here, face-subset and complete accuracy beside the published values; the store re-scores', async () => {
  const args = ['protocol', 'hsemotion', '-m', MODEL, '--dataset', 'afew', '--root', afew, '--resamples', '50', '--store-dir', join(root, 'p'), '--out', join(root, 'runs'), '-t', '1'];
  const ran = await runBenchCli([...args, '--json'], { env, cwd: root });
  assert.equal(ran.code, 0, ran.stderr);
  const record = JSON.parse(ran.stdout);
  assert.equal(record.protocol, 'hsemotion-svm');
  assert.equal(record.provenance.dataset.corpus, 'afew');
  assert.equal(record.provenance.dataset.split, 'val');
  assert.deepEqual(record.coverage.clips, { evaluated: 7, scored: 6 });
  assert.ok(record.metrics.accuracy.ci && record.metrics.complete_accuracy.ci);
  assert.equal(record.head.name, 'LinearSVC(C=1.1)');
  assert.deepEqual(record.head.trainCorpora, ['afew']);
  assert.equal(record.head.trainSplit, 'train');
  assert.deepEqual(record.published.map((p: { metric: string; value: number }) => [p.metric, p.value]), [['accuracy', 59.89], ['complete_accuracy', 59.27]]);
  assert.ok(existsSync(record.file), 'the run record is written under --out');
  assert.deepEqual(JSON.parse(await readFile(record.file, 'utf8')).head, record.head);
  assert.match(ran.stderr, /clips/, 'a progress summary over clips on stderr');

  // The text report is the same formatter on the same record (a second child process would only cost time).
  const text = { stdout: formatEvalReport(record, record.file) };
  assert.match(text.stdout, /protocol hsemotion-svm/);
  assert.match(text.stdout, new RegExp(`head {6}trained here on afew train \\(LinearSVC C=1\\.1, seed 0, sha ${record.head.trainingSetSha256.slice(0, 12)}; 7 clips with a face, descriptor afew\\): not the authors' head`));
  assert.match(text.stdout, /afew is in the head's training set \(its train split\): a within-corpus result/);
  assert.match(text.stdout, /^ {2}accuracy .* 59\.9 {3}[-+]\d/m, 'published and Δ beside the face-subset accuracy');
  assert.match(text.stdout, /^ {2}complete_accuracy .* 59\.3 {3}[-+]\d/m, 'and beside the complete accuracy');

  const rescored = await runBenchCli(['score', '--store', record.predictionStore, '--resamples', '50', '--json'], { env, cwd: root });
  assert.equal(rescored.code, 0, rescored.stderr);
  const again = JSON.parse(rescored.stdout);
  assert.deepEqual(again.metrics, record.metrics);
  assert.deepEqual(again.head, record.head);
  assert.deepEqual(again.published, record.published);
});

test('a model without an embedding head: exit 2, one JSON error with a fix, no stack trace (the same-split refusal is tested in test/bench/protocols)', async () => {
  const ran = await runBenchCli(['protocol', 'hsemotion', '-m', TINY_MODEL, '--dataset', 'afew', '--root', afew, '--json'], { env, cwd: root });
  assert.equal(ran.code, 2);
  const { error } = JSON.parse(ran.stdout);
  assert.equal(error.code, 'MODEL_IO_MISMATCH');
  assert.match(error.message, /no embedding head/);
  assert.match(error.fix, /heads\.embedding/);
  assert.doesNotMatch(ran.stderr + ran.stdout, STACK_LINE);
});
