// Re-scoring a prediction store (`bench score --store`) rebuilds the same run record as `bench eval`,
// without the model or the corpus.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../../src/bench/evaluate.js';
import { rescoreStore } from '../../src/bench/rescore.js';
import { openCorpus } from '../../src/datasets/corpus.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { affectnetProtocol } from '../../src/datasets/label-map.js';
import { isBenchError } from '../../src/errors.js';
import { openModel, type OpenedModel } from '../../src/models/open.js';
import { runBenchCli, writeTinyModel } from './tiny-model.js';

let root: string;
let opened: OpenedModel;
let zooPath: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-rescore-'));
  const tiny = await writeTinyModel(join(root, 'model'));
  zooPath = tiny.zooPath;
  process.env.FER_BENCH_ZOO = zooPath; // rescoreStore looks the card up for its published numbers
  opened = await openModel(tiny.card, { weightsPath: tiny.onnxPath });
});

after(async () => {
  await opened?.engine.dispose();
  await rm(root, { recursive: true, force: true });
});

const comparable = (r: { metrics?: unknown; confusion?: unknown; coverage?: unknown; classes?: unknown; protocol?: string; labelMap?: unknown }) =>
  JSON.stringify({ metrics: r.metrics, confusion: r.confusion, coverage: r.coverage, classes: r.classes, protocol: r.protocol, labelMap: r.labelMap });

test('a store re-scored under each protocol gives the same metrics, confusion and coverage as the evaluation', async () => {
  const fixture = await writeAffectNetFixture({ dir: join(root, 'an'), layout: 'csv', perClass: 6, faults: { missingFile: 1, truncatedJpeg: 1 } });
  const corpus = await openCorpus('affectnet', { root: fixture.root, split: 'val' });
  const storeDir = join(root, 'preds');
  for (const classes of [8, 7] as const) {
    const ci = { resamples: 300, seed: 3 };
    const evaluated = await evaluate(opened, corpus, { protocol: affectnetProtocol(classes), storeDir, ci, workers: 1 });
    const rescored = await rescoreStore(evaluated.predictionStore, { protocol: affectnetProtocol(classes), ci });
    assert.equal(comparable(rescored), comparable(evaluated));
    assert.deepEqual(rescored.published, evaluated.published);
    assert.equal(rescored.provenance.model.sha256, evaluated.provenance.model.sha256);
    assert.deepEqual(rescored.provenance.engine, evaluated.provenance.engine);
    // The skip log lists each skipped item once, with its reason: loader skips with their CSV row.
    const log = (await readFile(evaluated.skipLog!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(log.length, evaluated.coverage!.skipped);
    const reasons: Record<string, number> = {};
    for (const item of log) reasons[item.reason] = (reasons[item.reason] ?? 0) + 1;
    assert.deepEqual(reasons, evaluated.coverage!.skippedByReason);
    assert.ok(log.filter((i) => i.stage === 'load').every((i) => typeof i.row === 'number' && i.file.endsWith('validation.csv')));
    assert.equal(rescored.skipLog, evaluated.skipLog);
  }
});

test('bench score --store prints the rebuilt record; an incomplete or foreign directory is a clear error', async () => {
  const fixture = await writeAffectNetFixture({ dir: join(root, 'an2'), layout: 'folders', perClass: 3 });
  const corpus = await openCorpus('affectnet', { root: fixture.root, split: 'val' });
  const evaluated = await evaluate(opened, corpus, { protocol: affectnetProtocol(7), storeDir: join(root, 'preds2'), ci: { resamples: 100 }, workers: 1 });

  const run = await runBenchCli(['score', '--store', evaluated.predictionStore, '--protocol', '7', '--resamples', '100', '--json'], { env: { FER_BENCH_ZOO: zooPath } });
  assert.equal(run.code, 0, run.stderr);
  const printed = JSON.parse(run.stdout);
  assert.equal(printed.kind, 'eval');
  assert.equal(printed.protocol, '7-class');
  assert.deepEqual(printed.confusion, evaluated.confusion);
  assert.equal(printed.metrics.accuracy.value, evaluated.metrics!.accuracy.value);

  await assert.rejects(rescoreStore(root), (e) => isBenchError(e) && /not a prediction store/.test(e.message));
  const both = await runBenchCli(['score']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /exactly one of --csv FILE or --store DIR/);
});
