/**
 * Child process for the kill -9 evaluation test: evaluates the tiny model (tiny-model.ts) on an
 * AffectNet fixture under AffectNet-8, writing every runner batch (and skip) to the prediction store at
 * once, and prints `progress <done> <reused>` after each (those records are on disk by then) so the parent
 * knows when to kill it. `pauseMs` blocks the thread after each batch so the kill lands mid-run, and once
 * `holdAt` items are done the child blocks for a minute: however slow the parent is to react, the kill
 * comes before the run can finish.
 * Usage: eval-runner.child.ts <zoo.json> <model.onnx> <corpusRoot> <storeDir> <batch> <pauseMs> <holdAt>
 */
import { evaluate } from '../../src/bench/evaluate.js';
import { openCorpus } from '../../src/datasets/corpus.js';
import { affectnetProtocol } from '../../src/datasets/label-map.js';
import { openModel } from '../../src/models/open.js';
import { getModel, loadZoo } from '../../src/models/zoo.js';
import { TINY_MODEL } from './tiny-model.js';

const [zooPath, onnxPath, corpusRoot, storeDir, batchArg, pauseArg, holdArg] = process.argv.slice(2);
const batch = Number(batchArg);
const pauseMs = Number(pauseArg ?? 0);
const holdAt = Number(holdArg ?? Infinity);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

const card = getModel(TINY_MODEL, loadZoo({ userZoo: zooPath }));
const corpus = await openCorpus('affectnet', { root: corpusRoot, split: 'val' });
const opened = await openModel(card, { weightsPath: onnxPath });
process.stdout.write(`opened ${corpus.samples.length}\n`);
try {
  const record = await evaluate(opened, corpus, {
    protocol: affectnetProtocol(8),
    storeDir,
    batchSize: batch,
    workers: 1,
    // Every append is written (and fsynced) before the progress line: what is reported is on disk.
    storeOptions: { batchSize: 1 },
    ci: { resamples: 0 },
    onProgress: (p) => {
      process.stdout.write(`progress ${p.done} ${p.reused}\n`);
      if (p.done >= holdAt) Atomics.wait(sleeper, 0, 0, 60_000);
      else if (pauseMs) Atomics.wait(sleeper, 0, 0, pauseMs);
    },
  });
  process.stdout.write(`done ${record.coverage?.scored}\n`);
} finally {
  await opened.engine.dispose();
}
