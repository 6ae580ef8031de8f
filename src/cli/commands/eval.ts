/**
 * `bench eval`: a model over a corpus, scored under a protocol, saved as a run record. Predictions go to
 * the prediction store first, so a second run (or a resumed one) does not run the model again.
 */
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { action, printJson } from '../output.js';
import { parsePositiveInt, parseProbability } from '../parse.js';
import { EMIT_DEFAULTS, type ShardCliOptions } from '../shard-options.js';

export interface EvalCliOptions {
  model: string;
  dataset: string;
  root?: string;
  manifest?: string;
  split: string;
  layout: string;
  classes?: string;
  labelMap?: string;
  missing: 'drop' | 'count-wrong';
  device: string;
  weights?: string;
  batch: number;
  threads?: number;
  workers?: number;
  resamples: number;
  level: number;
  seed: number;
  groupCi?: boolean;
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
  program
    .command('eval')
    .description('evaluate a model on a corpus: accuracy, macro-F1, UAR, V/A CCC with bootstrap CIs, confusion matrix, coverage')
    .requiredOption('-m, --model <name>', 'model from the zoo (see `bench models`)')
    .requiredOption('--dataset <name>', 'affectnet | folder (one sub-folder per class) | csv (a manifest: path,label[,x,y,width,height][,group])')
    .option('--root <dir>', 'corpus root (affectnet, folder); for csv, the folder image paths are relative to')
    .option('--manifest <file>', 'the CSV manifest (--dataset csv)')
    .option('--split <split>', 'split to evaluate', 'val')
    .option('--layout <layout>', 'affectnet layout: auto | csv | folders | march2021', 'auto')
    .option('--classes <protocol>', 'protocol: 8 or 7 (AffectNet), or a comma list of classes to evaluate')
    .option('--label-map <spec>', 'corpus labels → canonical classes, e.g. "0=anger,1=disgust,calm=drop" or a JSON file')
    .addOption(new Option('--missing <policy>', 'a class the model lacks: drop its items, or count-wrong').choices(['drop', 'count-wrong']).default('drop'))
    .option('-d, --device <device>', 'cpu | cuda | webgpu | dml | coreml', 'cpu')
    .option('--weights <file>', 'use this weights file instead of models/ or the cache')
    .option('-b, --batch <n>', 'items per engine call', parsePositiveInt, 8)
    .option('-t, --threads <n>', 'engine intra-op threads (default: the cores the preprocessing workers leave; 0 = library default)', parsePositiveInt)
    .option('--workers <n>', 'preprocessing worker threads (default: half the cores)', parsePositiveInt)
    .option('--resamples <n>', 'bootstrap resamples for confidence intervals (0 = none)', parsePositiveInt, 2000)
    .option('--level <p>', 'confidence level', parseProbability, 0.95)
    .option('--seed <n>', 'bootstrap seed', parsePositiveInt, 0)
    .option('--group-ci', 'resample whole groups (clips, actors) instead of items')
    .option('--store-dir <dir>', 'prediction store', 'results/predictions')
    .option('--out <dir>', 'directory for run records', 'results/runs')
    .option('--no-save', 'do not write a run record')
    .option('--json', 'print the run record as JSON on stdout')
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
  bench eval -m enet_b0_8_va_mtl --dataset affectnet --root ~/data/AffectNet --shard 2/4          # one array task
  bench eval -m enet_b0_8_va_mtl --dataset affectnet --root ~/data/AffectNet --emit slurm --shards 8 > submit.sh`,
    )
    .action(action(async (opts: EvalCliOptions) => runEvalCommand(opts)));
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

  const card = getModel(opts.model);
  const protocol = protocolFromCli(opts.dataset, opts.classes);
  // The model first: a missing weights file should not wait for a scan of the whole corpus.
  const { defaultSplit } = await import('../../bench/runner.js');
  // Decoding and inference share the cores: by default each gets half, or what --workers leaves.
  const split = defaultSplit(availableParallelism(), opts.workers);
  const workers = split.workers;
  const threads = opts.threads ?? split.engineThreads;
  const opened = await openModel(card, { device: opts.device as never, threads, weightsPath: opts.weights });
  let corpus;
  try {
    corpus = await openCorpusFromCli(opts);
  } catch (e) {
    await opened.engine.dispose();
    throw e;
  }
  if (shard) {
    try {
      return await sharding.runShardTask(opened, corpus, shard, opts, { batchSize: opts.batch, workers, storeDir: opts.storeDir });
    } finally {
      await opened.engine.dispose();
    }
  }
  const progress = createProgress({ total: corpus.samples.length, label: `${card.name} on ${corpus.name}/${corpus.split}`, unit: 'images', quiet: opts.json });
  let record;
  let note: string | undefined;
  // Items found in the prediction store; stays undefined when nothing had to run (everything was there).
  let reused: number | undefined;
  try {
    record = await evaluate(opened, corpus, {
      batchSize: opts.batch,
      workers,
      storeDir: opts.storeDir,
      protocol,
      missing: opts.missing,
      ci: { resamples: opts.resamples, level: opts.level, seed: opts.seed, groups: opts.groupCi },
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
    progress.stop(note);
    await opened.engine.dispose();
  }
  const file = opts.save ? await saveRunRecord(opts.out, record) : null;
  if (opts.json) printJson({ ...record, file });
  else process.stdout.write(formatEvalReport(record, file) + '\n');
}
