/**
 * Child process for the shard fault tests: one array task (runSegment) of the tiny model on an AffectNet
 * fixture, every batch written to the segment at once, printing `progress <done> <reused>` after each
 * (those records are on disk by then). Once `holdAt` items are done it prints `holding` and blocks for
 * two minutes, so a kill (SIGKILL here, scancel under Slurm) always lands mid-run, however slow the killer.
 * Usage: shard-task.child.ts <zoo.json> <model.onnx> <corpusRoot> <storeDir> <index> <count> <holdAt>
 */
import { runSegment } from '../../src/bench/segment.js';
import { openCorpus } from '../../src/datasets/corpus.js';
import { openModel } from '../../src/models/open.js';
import { getModel, loadZoo } from '../../src/models/zoo.js';
import { TINY_MODEL } from './tiny-model.js';

const [zooPath, onnxPath, corpusRoot, storeDir, indexArg, countArg, holdArg] = process.argv.slice(2);
const holdAt = Number(holdArg ?? Infinity);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

const card = getModel(TINY_MODEL, loadZoo({ userZoo: zooPath }));
const corpus = await openCorpus('affectnet', { root: corpusRoot, split: 'val' });
const opened = await openModel(card, { weightsPath: onnxPath, threads: 1 });
try {
  const result = await runSegment(opened, corpus, { index: Number(indexArg), count: Number(countArg) }, {
    storeDir,
    batchSize: 2,
    workers: 1,
    storeOptions: { batchSize: 1 },
    onProgress: (p) => {
      process.stdout.write(`progress ${p.done} ${p.reused}\n`);
      if (p.done >= holdAt) {
        process.stdout.write('holding\n');
        Atomics.wait(sleeper, 0, 0, 120_000);
      }
    },
  });
  process.stdout.write(`done ${result.items} ${result.reused}\n`);
} finally {
  await opened.engine.dispose();
}
