// Paired comparison of two models' prediction stores: McNemar counts and metric differences equal
// what the two evaluations say, item for item.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareStores } from '../../src/bench/compare-stores.js';
import { evaluate, type EvalRunRecord } from '../../src/bench/evaluate.js';
import { readStore } from '../../src/bench/store.js';
import { openCorpus } from '../../src/datasets/corpus.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { affectnetProtocol } from '../../src/datasets/label-map.js';
import { openModel } from '../../src/models/open.js';
import { getModel } from '../../src/models/zoo.js';
import { expectBenchError } from '../expect-error.js';
import { runBenchCli, writeTinyModel } from './tiny-model.js';

let root: string;
let tinyRun: EvalRunRecord;
let faceRun: EvalRunRecord;
let zooPath: string;
const seven = affectnetProtocol(7);

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-compare-'));
  const tiny = await writeTinyModel(join(root, 'model'));
  zooPath = tiny.zooPath;
  const fixture = await writeAffectNetFixture({ dir: join(root, 'an'), layout: 'csv', perClass: 5, faults: { truncatedJpeg: 1 } });
  const corpus = await openCorpus('affectnet', { root: fixture.root, split: 'val' });
  const storeDir = join(root, 'preds');
  for (const [card, weightsPath] of [[tiny.card, tiny.onnxPath], [getModel('faceapi_expression'), undefined]] as const) {
    const opened = await openModel(card, { weightsPath });
    try {
      const r = await evaluate(opened, corpus, { protocol: seven, storeDir, ci: { resamples: 0 }, workers: 1 });
      if (card.name === 'faceapi_expression') faceRun = r;
      else tinyRun = r;
    } finally {
      await opened.engine.dispose();
    }
  }
});

after(async () => rm(root, { recursive: true, force: true }));

test('McNemar counts and the accuracy difference equal a hand count over the paired items', async () => {
  const c = await compareStores(tinyRun.predictionStore, faceRun.predictionStore, { protocol: seven, ci: { resamples: 500, seed: 1 } });
  assert.equal(c.protocol, '7-class');
  assert.equal(c.paired, tinyRun.coverage!.scored);
  assert.equal(c.onlyA + c.onlyB, 0);
  assert.equal(c.accuracy[0], tinyRun.metrics!.accuracy.value);
  assert.equal(c.accuracy[1], faceRun.metrics!.accuracy.value);
  assert.ok(Math.abs(c.difference.accuracy.value - (c.accuracy[0] - c.accuracy[1])) < 1e-12);
  assert.ok(c.difference.accuracy.ci!.low <= c.difference.accuracy.value && c.difference.accuracy.value <= c.difference.accuracy.ci!.high);

  // By hand: right/wrong per item from each store, under the 7-class rule (Contempt logit dropped).
  const correct = async (r: EvalRunRecord) => {
    const { meta, records } = await readStore(r.predictionStore);
    const corpus = meta.key.classes!.corpus;
    const model = meta.key.classes!.model;
    const out = new Map<string, boolean>();
    for (const rec of records) {
      if (!rec.scores || rec.label === null || corpus[rec.label] === 'contempt') continue;
      let best = -1;
      for (let k = 0; k < model.length; k++) if (model[k] !== 'contempt' && (best < 0 || rec.scores[k] > rec.scores[best])) best = k;
      out.set(rec.id, model[best] === corpus[rec.label]);
    }
    return out;
  };
  const a = await correct(tinyRun);
  const b = await correct(faceRun);
  let onlyA = 0;
  let onlyB = 0;
  for (const [id, ok] of a) {
    if (ok && !b.get(id)) onlyA++;
    if (!ok && b.get(id)) onlyB++;
  }
  assert.deepEqual([c.mcnemar.b, c.mcnemar.c], [onlyA, onlyB]);
});

test('a store against itself: no discordant pair, p = 1, every difference 0', async () => {
  const c = await compareStores(tinyRun.predictionStore, tinyRun.predictionStore, { protocol: seven, ci: { resamples: 200 } });
  assert.deepEqual([c.mcnemar.b, c.mcnemar.c, c.mcnemar.pValue], [0, 0, 1]);
  for (const d of Object.values(c.difference)) assert.equal(d.value, 0);
});

test('classes the models do not share need a common protocol; the CLI says so and prints the test', async () => {
  // Dropping Contempt for the 7-class model would turn AffectNet-8 into AffectNet-7: refused.
  await assert.rejects(
    compareStores(tinyRun.predictionStore, faceRun.predictionStore, { protocol: affectnetProtocol(8), missing: 'drop' }),
    expectBenchError('BAD_INPUT', /from the 8-class protocol/, /that is the 7-class protocol: use --classes 7/),
  );
  // Under AffectNet-8 both models are scored on the same 8 classes, the 7-class model's Contempt items counted wrong.
  const eight = await compareStores(tinyRun.predictionStore, faceRun.predictionStore, { protocol: affectnetProtocol(8), ci: { resamples: 0 } });
  assert.equal(eight.classes.length, 8);
  // A custom list that drops a class for one model only still leaves the two on different classes.
  const all = { name: 'classes:all', classes: affectnetProtocol(8).classes };
  await assert.rejects(compareStores(tinyRun.predictionStore, faceRun.predictionStore, { protocol: all, missing: 'drop' }), expectBenchError('BAD_INPUT', /different classes/, /--protocol 7/));
  const run = await runBenchCli(['compare', tinyRun.predictionStore, faceRun.predictionStore, '--protocol', '7', '--resamples', '100'], { env: { FER_BENCH_ZOO: zooPath } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /McNemar {6}exact-binomial|McNemar {6}chi-square-cc/);
  assert.match(run.stdout, /paired items \d+/);
});
