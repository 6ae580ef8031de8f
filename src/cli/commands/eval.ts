/**
 * `bench eval`: a model over a corpus, scored under a protocol, saved as a run record. Predictions go to
 * the prediction store first, so a second run (or a resumed one) does not run the model again.
 */
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { action, printJson } from '../output.js';
import { BenchError } from '../../errors.js';
import { parseCount, parsePositiveInt } from '../parse.js';
import { addCiOptions, addEngineOptions, addRecordOptions } from '../eval-options.js';
import { addVideoCorpusOptions, type CorpusCliOptions } from '../corpus-options.js';
import { addVideoRunOptions, type VideoCliOptions } from '../video-options.js';
import { EMIT_DEFAULTS, type ShardCliOptions } from '../shard-options.js';

export interface EvalCliOptions extends CorpusCliOptions, VideoCliOptions {
  model: string;
  dataset: string;
  root?: string;
  manifest?: string;
  name?: string;
  split: string;
  layout: string;
  classes?: string;
  labelMap?: string;
  missing?: 'drop' | 'count-wrong';
  resize?: string;
  device: string;
  weights?: string;
  batch: number;
  threads?: number;
  workers?: number;
  resamples: number;
  level: number;
  seed: number;
  groupCi?: boolean;
  minFace?: number;
  storeDir: string;
  out: string;
  save: boolean;
  json?: boolean;
  // Sharding (shard-options.ts).
  shard?: string;
  emit?: 'slurm' | 'k8s';
  shards: number;
  image: string;
}

export function register(program: Command): void {
  const command = program
    .command('eval')
    .description('evaluate a model on a corpus: accuracy, macro-F1, UAR, V/A CCC with bootstrap CIs, confusion matrix, coverage')
    .requiredOption('-m, --model <name>', 'model from the zoo (see `bench models`)')
    .requiredOption('--dataset <name>', 'affectnet | folder (one sub-folder per class) | csv (a manifest: path,label[,x,y,width,height][,group][,id]) | afew | vgaf | ravdess | crema-d | affwild2 | video-csv (path,label[,group][,start,end])')
    .option('--root <dir>', 'corpus root (affectnet, folder); for csv, the folder image paths are relative to')
    .option('--manifest <file>', 'the CSV manifest (--dataset csv)')
    .option('--name <name>', "folder/csv corpora: the corpus name in records and tables (default: the root folder's name)")
    .option('--split <split>', 'split to evaluate', 'val')
    .option('--layout <layout>', 'affectnet layout: auto | csv | folders | march2021', 'auto')
    .option('--classes <protocol>', 'protocol: 8 or 7 (AffectNet), or a comma list of classes to evaluate')
    .option('--label-map <spec>', 'corpus labels → canonical classes, e.g. "0=anger,1=disgust,calm=drop" or a JSON file')
    .addOption(
      new Option('--missing <policy>', 'a class the model lacks: count-wrong (default under 8/7, where drop is refused) or drop (default for a class list)').choices(['drop', 'count-wrong']),
    )
    .addOption(
      new Option('--resize <kernel>', "resize kernel (default: the card's, the pipeline behind its published numbers)").choices(['cv2', 'pil', 'cv2-area', 'pil-nearest', 'tf-bilinear']),
    );
  addEngineOptions(command)
    .option('-t, --threads <n>', 'engine intra-op threads (default: the cores the preprocessing workers leave; 0 = library default)', parsePositiveInt)
    .option('--workers <n>', 'preprocessing worker threads (default: half the cores)', parseCount);
  addCiOptions(command, 'clips, actors')
    .option('--min-face <px>', 'skip faces whose crop is smaller than this on its shorter side, counted as face-too-small (default: no minimum)', parseCount)
    .option('--store-dir <dir>', 'prediction store', 'results/predictions');
  addRecordOptions(command)
    .option('--shard <i/n|auto>', 'run array task i of n (0-based): shard i of the corpus, into its own store segment; auto = from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX; then `bench merge`')
    .addOption(new Option('--emit <scheduler>', 'print the job for this evaluation instead of running it: a Slurm array submission or a Kubernetes Indexed Job, with the merge step').choices(['slurm', 'k8s']))
    .option('--shards <n>', 'with --emit: the number of array tasks', parsePositiveInt, EMIT_DEFAULTS.shards)
    .option('--image <ref>', 'with --emit k8s: the container image (fer-bench installed, `bench` on PATH)', EMIT_DEFAULTS.image)
    .addHelpText(
      'after',
      `
Examples:
  bench eval -m enet_b0_8_va_mtl --dataset affectnet --root ~/data/AffectNet --classes 8
  bench eval -m enet_b0_8_va_mtl --dataset affectnet --root ~/data/AffectNet --classes 7   # reuses the stored predictions
  bench eval -m mobilenet_7 --dataset folder --root ~/data/RAF-DB/test --label-map "1=surprise,2=fear,3=disgust,4=happiness,5=sadness,6=anger,7=neutral"
  bench eval -m faceapi_expression --dataset csv --manifest lab.csv --root ~/data/lab --json
  bench eval -m enet_b0_8_best_afew --dataset afew --root ~/data/EmotiW/AFEW --classes anger,disgust,fear,happiness,neutral,sadness,surprise
  bench eval -m enet_b0_8_va_mtl --dataset ravdess --root ~/data/RAVDESS --sampling emo-affectnet --group-ci   # actors resampled
  bench eval -m enet_b2_8 --dataset afew --root ~/data/EmotiW/AFEW --faces boxes:mtcnn-boxes.csv               # replay the papers' boxes
  bench eval -m enet_b0_8_va_mtl --dataset affectnet --root ~/data/AffectNet --shard 2/4          # one array task
  bench eval -m enet_b0_8_va_mtl --dataset affectnet --root ~/data/AffectNet --emit slurm --shards 8 > submit.sh`,
    )
    .action(action(async (opts: EvalCliOptions) => runEvalCommand(opts)));
  addVideoCorpusOptions(command);
  addVideoRunOptions(command);
}

async function runEvalCommand(opts: EvalCliOptions): Promise<void> {
  const sharding = await import('../shard-options.js');
  if (opts.emit) return sharding.printEmitted(opts as EvalCliOptions & ShardCliOptions);
  const shard = opts.shard === undefined ? undefined : (await import('../../bench/shard.js')).parseShardSpec(opts.shard);
  const { getModel } = await import('../../models/zoo.js');
  const { openModel } = await import('../../models/open.js');
  const { evaluate } = await import('../../bench/evaluate.js');
  const { saveRunRecord } = await import('../../bench/run-store.js');
  const { openCorpusFromCli, protocolFromCli } = await import('../corpus-options.js');
  const { formatEvalReport } = await import('../format-eval.js');
  const { createProgress } = await import('../progress.js');

  const zooCard = getModel(opts.model);
  // Another kernel is a different pipeline: recorded, keyed in the store, and flagged beside the Δ.
  // The published entries keep naming the card's own pipeline, which is behind their numbers.
  const card = opts.resize
    ? {
        ...zooCard,
        input: { ...zooCard.input, resize: opts.resize as typeof zooCard.input.resize },
        published: zooCard.published.map((p) => ({ ...p, resize: p.resize ?? zooCard.input.resize })),
      }
    : zooCard;
  const protocol = protocolFromCli(opts.dataset, opts.classes);
  // Cheap checks first, each before anything slow: the weights are there (a missing file should not wait
  // for a scan of the whole corpus), then the corpus, then the label map (a protocol the model and the
  // corpus cannot share fails before a session is built), and only then the model.
  const { requireWeights } = await import('../../models/weights.js');
  if (card.weights.format !== 'torch-pt') await requireWeights(card, { path: opts.weights, allowReplica: true });
  const corpus = await openCorpusFromCli(opts);
  const { buildLabelMap } = await import('../../datasets/label-map.js');
  buildLabelMap({ corpusClasses: corpus.classes, modelClasses: card.classes, protocol, missing: opts.missing });
  const { defaultSplit } = await import('../../bench/runner.js');
  // Decoding and inference share the cores: by default each gets half, or what --workers leaves.
  const split = defaultSplit(availableParallelism(), opts.workers);
  const workers = split.workers;
  const threads = opts.threads ?? split.engineThreads;
  const opened = await openModel(card, { device: opts.device as never, threads, weightsPath: opts.weights });
  const { isVideoCorpus } = await import('../../bench/video-runner.js');
  let video;
  if (isVideoCorpus(corpus)) {
    const { videoRunnerOptionsFromCli } = await import('../video-options.js');
    try {
      video = await videoRunnerOptionsFromCli(opts.dataset, opts, threads);
    } catch (e) {
      await opened.engine.dispose();
      throw e;
    }
  }
  if (shard) {
    if (video) {
      await opened.engine.dispose();
      await video.detector.dispose();
      throw new BenchError('BAD_INPUT', `--shard is not wired for video corpora yet (${corpus.name} is a corpus of clips)`, {
        fix: 'run the video evaluation without --shard (one process); sharding covers the image corpora',
      });
    }
    try {
      return await sharding.runShardTask(opened, corpus, shard, opts, { batchSize: opts.batch, workers, storeDir: opts.storeDir });
    } finally {
      await opened.engine.dispose();
    }
  }
  const progress = createProgress({ total: corpus.samples.length, label: `${card.name} on ${corpus.name}/${corpus.split}`, unit: video ? 'clips' : 'images', quiet: opts.json });
  // Ctrl-C: say what the prediction store kept and that the same command resumes, then exit as Node would.
  const { catchInterrupt } = await import('../interrupt.js');
  const { lastWrittenStoreSync } = await import('../../bench/store/list.js');
  const interrupt = catchInterrupt(() => {
    progress.stop('interrupted');
    // Synchronously: the engine keeps the event loop busy, and the process ends right after.
    const found = lastWrittenStoreSync(opts.storeDir, { model: card.name, corpus: corpus.name, split: corpus.split });
    process.stderr.write(
      found && found.items > 0
        ? `interrupted: ${found.items} of ${corpus.samples.length} items saved in ${found.dir}; run the same command again to resume (saved items are not run again)\n`
        : `interrupted before any prediction was saved; run the same command again to start over\n`,
    );
    process.kill(process.pid, 'SIGINT'); // the listener is gone: Node's default, exit 130
  });
  let record;
  let note: string | undefined;
  // Items found in the prediction store; stays undefined when nothing had to run (everything was there).
  let reused: number | undefined;
  try {
    record = await evaluate(opened, corpus, {
      batchSize: opts.batch,
      workers,
      storeDir: opts.storeDir,
      minFacePx: opts.minFace,
      protocol,
      missing: opts.missing,
      ci: { resamples: opts.resamples, level: opts.level, seed: opts.seed, groups: opts.groupCi },
      ...(video ? { video, clipAggregation: opts.aggregate } : {}),
      onProgress: (p) => {
        reused = p.reused;
        progress.update(p.done, { skipped: p.skipped });
      },
    });
    // The summary counts reused items too (no batch runs when all of them are in the store).
    progress.update(corpus.samples.length);
    if (reused === undefined && corpus.samples.length > 0) note = 'all reused from the prediction store';
    else if (reused) note = `${reused} reused from the prediction store`;
  } finally {
    interrupt.dispose();
    progress.stop(note);
    await opened.engine.dispose();
    await video?.detector.dispose();
  }
  const file = opts.save ? await saveRunRecord(opts.out, record) : null;
  if (opts.json) printJson({ ...record, file });
  else process.stdout.write(formatEvalReport(record, file) + '\n');
}

