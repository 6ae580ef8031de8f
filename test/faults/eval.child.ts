/**
 * Child process for the fault suite: one real evaluation of the tiny ONNX model into a prediction store,
 * either an AffectNet image fixture or a corpus of real clips (RetinaFace faces), every runner batch
 * written and fsynced at once. It prints `opened` when the model is loaded and the evaluation starts
 * (the parent's kill clock starts there), `progress <done>` after each batch or clip, and at the end
 * writes the scored part of the run record (`scored`, shard-fixture.ts) atomically to `out` and prints
 * `done`. With `holdFile`, it stops at its first progress report, prints `holding`, and waits until that
 * file exists (the two-writer test). A BenchError is printed as `error <its JSON>`, exit 2.
 * Usage: eval.child.ts '<json of ChildArgs>'
 */
import { existsSync } from 'node:fs';
import { evaluate } from '../../src/bench/evaluate.js';
import { openCorpus } from '../../src/datasets/corpus.js';
import { affectnetProtocol } from '../../src/datasets/label-map.js';
import { reportChildError } from './child-error.js';
import { createRetinaFaceDetector } from '../../src/media/faces/retinaface.js';
import { openModel } from '../../src/models/open.js';
import { getModel, loadZoo } from '../../src/models/zoo.js';
import { writeFileAtomic } from '../../src/util/atomic-write.js';
import { scored } from '../bench/shard-fixture.js';
import { TINY_MODEL } from '../bench/tiny-model.js';
import { clipCorpus, type TestClip } from '../bench/video-setup.js';

export interface ChildArgs {
  zooPath: string;
  onnxPath: string;
  storeDir: string;
  out: string;
  batch: number;
  image?: { root: string };
  video?: { dir: string; clips: TestClip[]; classes: string[] };
  holdFile?: string;
}

const args = JSON.parse(process.argv[2]!) as ChildArgs;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const card = getModel(TINY_MODEL, loadZoo({ userZoo: args.zooPath }));
const opened = await openModel(card, { weightsPath: args.onnxPath, threads: 1 });
const detector = args.video ? await createRetinaFaceDetector({ threads: 1 }) : null;
try {
  const corpus = args.image
    ? await openCorpus('affectnet', { root: args.image.root, split: 'val' })
    : clipCorpus(args.video!.dir, args.video!.clips, args.video!.classes as never);
  let held = false;
  process.stdout.write('opened\n');
  const record = await evaluate(opened, corpus, {
    ...(args.image ? { protocol: affectnetProtocol(8) } : { video: { detector: detector!, detectionCache: null } }),
    storeDir: args.storeDir,
    batchSize: args.batch,
    workers: 1,
    storeOptions: { batchSize: 1 },
    ci: { resamples: 50, seed: 5 },
    onProgress: (p) => {
      process.stdout.write(`progress ${p.done}\n`);
      if (args.holdFile && !held) {
        held = true;
        process.stdout.write('holding\n');
        while (!existsSync(args.holdFile)) Atomics.wait(sleeper, 0, 0, 20);
      }
    },
  });
  await writeFileAtomic(args.out, scored(record) + '\n');
  process.stdout.write('done\n');
} catch (e) {
  reportChildError(e);
} finally {
  await opened.engine.dispose();
  await detector?.dispose();
}
