/**
 * `bench protocol hsemotion`: HSEmotion's feature-statistics protocol (src/bench/protocols/feature-statistics.ts)
 * on AFEW or VGAF (or any video corpus with train and val splits, given --descriptor): embeddings of both
 * splits, a LinearSVC / RBF SVC trained here on the train split, the scored split's face-subset and
 * complete accuracy beside the published values, saved as a run record like `bench eval`'s.
 */
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { action, printJson } from '../output.js';
import { BenchError } from '../../errors.js';
import { parsePositiveInt, parsePositiveNumber } from '../parse.js';
import { addCiOptions, addEngineOptions, addRecordOptions } from '../eval-options.js';
import { addVideoCorpusOptions, type CorpusCliOptions } from '../corpus-options.js';
import { addVideoRunOptions, type VideoCliOptions } from '../video-options.js';

interface HsemotionCliOptions extends CorpusCliOptions, VideoCliOptions {
  model: string;
  trainSplit: string;
  descriptor?: 'afew' | 'vgaf';
  svmC?: number;
  headSeed: number;
  faceless: 'zero-vector' | 'count-wrong';
  device: string;
  weights?: string;
  batch: number;
  threads?: number;
  resamples: number;
  level: number;
  seed: number;
  groupCi?: boolean;
  storeDir: string;
  out: string;
  save: boolean;
  json?: boolean;
}


export function registerHsemotion(parent: Command): void {
  const command = parent
    .command('hsemotion')
    .description("HSEmotion's AFEW/VGAF protocol: clip statistics of frame embeddings, an SVM trained here on the train split, face-subset and complete accuracy on val")
    .requiredOption('-m, --model <name>', 'a zoo model with an embedding head (see `bench models`)')
    .requiredOption('--dataset <name>', 'afew | vgaf, or another video corpus with train/val splits (then --descriptor)')
    .option('--root <dir>', 'corpus root (AFEW: the folder holding train/ and val/; VGAF: Train/, Val/ and the labels files)')
    .option('--manifest <file>', 'video-csv: the manifest')
    .option('--name <name>', 'video-csv: the corpus name')
    .option('--split <split>', 'the split scored', 'val')
    .option('--train-split <split>', 'the split the head is trained on', 'train')
    .addOption(new Option('--descriptor <kind>', 'clip descriptor: afew (mean, std, min, max over face frames) or vgaf (two-level mean, std over every face); default the corpus\'s').choices(['afew', 'vgaf']))
    .option('--svm-c <c>', "the head's C (default the protocol's: LinearSVC 1.1 for afew, RBF SVC 1.9 for vgaf; another value is not the published setup)", parsePositiveNumber)
    .option('--head-seed <n>', "LinearSVC's coordinate-order seed (recorded)", parsePositiveInt, 0)
    .addOption(new Option('--faceless <policy>', "scored clips without a face: zero-vector (HSEmotion's: predicted from the zero descriptor, in the complete accuracy only) or count-wrong").choices(['zero-vector', 'count-wrong']).default('zero-vector'));
  addEngineOptions(command).option('-t, --threads <n>', 'engine intra-op threads (default: half the cores)', parsePositiveInt);
  addCiOptions(command, 'clip groups').option('--store-dir <dir>', "prediction stores (embeddings of both splits, and the head's predictions)", 'results/predictions');
  addRecordOptions(command)
    .addHelpText(
      'after',
      `
accuracy is over the scored clips where a face was found (the README's "faces-detected" numbers);
complete_accuracy over every scored clip. The head is trained here, never the authors': the record's
"head" names its training corpus, split, seed and training-set sha256.

Examples:
  bench protocol hsemotion -m enet_b0_8_best_afew --dataset afew --root ~/data/EmotiW/AFEW
  bench protocol hsemotion -m enet_b2_8_best --dataset vgaf --root ~/data/EmotiW/VGAF --json
  bench protocol hsemotion -m enet_b0_8_best_afew --dataset afew --root ~/data/EmotiW/AFEW --faces boxes:mtcnn-boxes.csv
  bench protocol hsemotion -m enet_b0_8_va_mtl --dataset video-csv --manifest clips.csv --descriptor afew`,
    )
    .action(action(async (opts: HsemotionCliOptions) => runHsemotion(opts)));
  addVideoCorpusOptions(command);
  addVideoRunOptions(command);
}

async function runHsemotion(opts: HsemotionCliOptions): Promise<void> {
  if (opts.aggregate !== undefined) {
    throw new BenchError('BAD_OPTION', '--aggregate applies to zero-shot clip scoring; this protocol scores each clip once with the trained head', { fix: 'leave --aggregate out' });
  }
  const { getModel } = await import('../../models/zoo.js');
  const { openModel } = await import('../../models/open.js');
  const { requireWeights } = await import('../../models/weights.js');
  const { openCorpusFromCli } = await import('../corpus-options.js');
  const { runFeatureStatistics } = await import('../../bench/protocols/feature-statistics.js');
  const { isVideoCorpus } = await import('../../bench/video-runner.js');
  const { videoRunnerOptionsFromCli } = await import('../video-options.js');
  const { saveRunRecord } = await import('../../bench/run-store.js');
  const { formatEvalReport } = await import('../format-eval.js');
  const { createProgress } = await import('../progress.js');

  const card = getModel(opts.model);
  // Cheap checks first: the embedding head and the weights, then both splits, and only then the model.
  if (!card.heads.embedding) {
    throw new BenchError('MODEL_IO_MISMATCH', `${card.name} has no embedding head: the HSEmotion protocol trains on frame embeddings`, {
      fix: 'use a model whose card names heads.embedding, e.g. bench protocol hsemotion -m enet_b0_8_best_afew (bench models lists them)',
    });
  }
  if (card.weights.format !== 'torch-pt') await requireWeights(card, { path: opts.weights });
  const train = await openCorpusFromCli({ ...opts, split: opts.trainSplit });
  const test = await openCorpusFromCli(opts);
  for (const c of [train, test]) {
    if (!isVideoCorpus(c)) throw new BenchError('BAD_INPUT', `${c.name}/${c.split} is not a corpus of clips (${c.samples.length} items)`, { file: c.root, fix: 'use a video corpus: --dataset afew, vgaf, or video-csv' });
  }
  const threads = opts.threads ?? Math.max(1, Math.floor(availableParallelism() / 2));
  const opened = await openModel(card, { device: opts.device as never, threads, weightsPath: opts.weights });
  let video;
  try {
    video = await videoRunnerOptionsFromCli(opts.dataset, opts, threads);
  } catch (e) {
    await opened.engine.dispose();
    throw e;
  }
  const total = train.samples.length + test.samples.length;
  const progress = createProgress({ total, label: `${card.name}: embeddings of ${train.name}/${train.split} + ${test.name}/${test.split}`, unit: 'clips', quiet: opts.json });
  let record;
  try {
    record = await runFeatureStatistics(opened, train, test, {
      video,
      descriptor: opts.descriptor,
      C: opts.svmC,
      seed: opts.headSeed,
      noFace: opts.faceless,
      batchSize: opts.batch,
      storeDir: opts.storeDir,
      ci: { resamples: opts.resamples, level: opts.level, seed: opts.seed, groups: opts.groupCi },
      onProgress: (p) => progress.update((p.split === 'train' ? 0 : train.samples.length) + p.done, { skipped: p.skipped }),
    });
    progress.update(total);
  } finally {
    progress.stop();
    await opened.engine.dispose();
    await video.detector.dispose();
  }
  const file = opts.save ? await saveRunRecord(opts.out, record) : null;
  if (opts.json) printJson({ ...record, file });
  else process.stdout.write(formatEvalReport(record, file) + '\n');
}
