/**
 * `bench loco`: leave-one-corpus-out with a head trained here on one backbone's clip embeddings
 * (src/bench/protocols/loco.ts), printed in EMO-AffectNet's layout with the paper's CNN-LSTM numbers
 * beside (labelled as the paper's protocol), one run record per held-out corpus.
 */
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import type { LocoDescriptor, LocoHead, LocoRunRecord } from '../../bench/protocols/loco.js';
import { formatWithCI } from '../../report/format.js';
import { addCrossCorpusRunOptions, collectCorpusSpecs, type CrossCorpusCliOptions } from '../cross-corpus-options.js';
import { action, printJson } from '../output.js';
import { parsePositiveInt, parsePositiveNumber } from '../parse.js';
import { addVideoRunOptions, type VideoCliOptions } from '../video-options.js';

interface LocoCliOptions extends VideoCliOptions, CrossCorpusCliOptions {
  model: string;
  head: LocoHead;
  descriptor: LocoDescriptor;
  C?: number;
  seed: number;
  weights?: string;
  device: string;
}

export function register(program: Command): void {
  const command = program
    .command('loco')
    .description('leave-one-corpus-out: train a head (logistic regression or linear SVM) on one backbone’s clip embeddings of N−1 corpora, test on the held-out one, each corpus in turn')
    .requiredOption('-m, --model <backbone>', 'a zoo model with an embedding head (e.g. emo_affectnet_resnet50 exported to ONNX)')
    .requiredOption('--corpus <spec>', 'repeatable: [name=]<dataset>:<root>[:split] (video corpora: ravdess, crema-d, affwild2, afew, video-csv for SAVEE/RAMAS/IEMOCAP manifests)', collectCorpusSpecs)
    .addOption(new Option('--head <kind>', 'head trained on the other corpora').choices(['logistic', 'linear-svc']).default('logistic'))
    .addOption(new Option('--descriptor <kind>', 'clip descriptor: mean of the face-frame embeddings, or afew (HSEmotion: mean, std, min, max); both L2-normalised').choices(['mean', 'afew']).default('mean'))
    .option('--C <c>', 'inverse regularisation (default: 1 for logistic, 1.1 for linear-svc)', parsePositiveNumber)
    .option('--seed <n>', 'seed of the LinearSVC visiting order and of the bootstrap', parsePositiveInt, 0)
    .option('--weights <file>', 'use this weights file instead of models/ or the cache')
    .option('-d, --device <device>', 'cpu | cuda | webgpu | dml | coreml', 'cpu')
    .addHelpText(
      'after',
      `
The classes scored are those every corpus has (others are excluded and counted, e.g. RAVDESS calm).
The heads are trained here on frozen clip descriptors; the paper's column is EMO-AffectNet's CNN-LSTM
under its own protocol (loco-lstm), shown for context, not as the same measurement.

Examples:
  bench loco -m emo_affectnet_resnet50 --weights emo_affectnet_resnet50.onnx --sampling emo-affectnet \\
    --corpus ravdess:~/data/RAVDESS --corpus crema-d:~/data/CREMA-D \\
    --corpus savee=video-csv:~/data/SAVEE/savee.csv --corpus affwild2:~/data/Aff-Wild2:val
  bench loco -m emo_affectnet_resnet50 --corpus ravdess:~/data/RAVDESS --corpus crema-d:~/data/CREMA-D --head linear-svc --seed 1 --json
  bench plot loco && bench plot cross-corpus     # the bar figure with CIs and the train × test heatmap`,
    )
    .action(action(async (opts: LocoCliOptions) => runLocoCommand(opts)));
  addCrossCorpusRunOptions(command, 'prediction store (embeddings are kept there and reused)');
  addVideoRunOptions(command);
}

async function runLocoCommand(opts: LocoCliOptions): Promise<void> {
  const { openCorpusSpecs, saveRecords } = await import('../cross-corpus-options.js');
  const { getModel } = await import('../../models/zoo.js');
  const { openModel } = await import('../../models/open.js');
  const { requireWeights } = await import('../../models/weights.js');
  const { runLoco } = await import('../../bench/protocols/loco.js');
  const { videoRunnerOptionsFromCli } = await import('../video-options.js');
  const { createProgress } = await import('../progress.js');

  const card = getModel(opts.model);
  if (card.weights.format !== 'torch-pt' || opts.weights) await requireWeights(card, { path: opts.weights });
  const corpora = (await openCorpusSpecs(opts.corpus)).map((c) => c.corpus);
  const threads = opts.threads ?? availableParallelism();
  const opened = await openModel(card, { device: opts.device as never, threads, weightsPath: opts.weights });
  let video;
  try {
    video = await videoRunnerOptionsFromCli('loco', opts, threads);
  } catch (e) {
    await opened.engine.dispose();
    throw e;
  }
  const bars = new Map<string, ReturnType<typeof createProgress>>();
  let result;
  try {
    result = await runLoco(opened, corpora, {
      head: opts.head,
      C: opts.C,
      seed: opts.seed,
      descriptor: opts.descriptor,
      video,
      batchSize: opts.batch,
      storeDir: opts.storeDir,
      ci: { resamples: opts.resamples, level: opts.level },
      onProgress: (name, p) => {
        let bar = bars.get(name);
        if (!bar) bars.set(name, (bar = createProgress({ total: p.total, label: `${card.name} embeddings of ${name}`, unit: 'clips', quiet: opts.json })));
        bar.update(p.done, { skipped: p.skipped });
        if (p.done === p.total) bar.stop(p.reused ? `${p.reused} reused from the store` : undefined);
      },
    });
  } finally {
    for (const bar of bars.values()) bar.stop();
    await opened.engine.dispose();
    await video.detector.dispose();
  }
  const files = await saveRecords(result.records, opts);
  if (opts.json) printJson({ labelSpace: result.labelSpace, records: result.records.map((r, i) => ({ ...r, file: files[i] })) });
  else process.stdout.write(formatLocoTable(result.records, opts.save ? opts.out : null) + '\n');
}

/** EMO-AffectNet's LOCO layout: one row per held-out corpus, the paper's LSTM number apart and labelled. */
export function formatLocoTable(records: readonly LocoRunRecord[], outDir: string | null): string {
  const r0 = records[0];
  const lines = [
    `Leave-one-corpus-out: ${r0.provenance.model.name} + ${r0.head.estimator} head trained here (${r0.head.descriptor.kind} clip descriptor, ${r0.head.descriptor.dim}-d; seed ${r0.head.seed})${r0.demo ? ' [demo]' : ''}`,
    `Classes scored (shared by every corpus): ${r0.classes!.join(', ')}`,
    '',
    "| Test corpus | Trained on | UAR % [CI] | CI unit | Paper's UAR % (CNN-LSTM, loco-lstm) | Clips scored / evaluated | Excluded |",
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of records) {
    const uar = r.metrics!.uar;
    const ref = r.reference.find((p) => p.metric === 'uar');
    // Excluded by class (`1 calm`), items without a label, then clips without a descriptor by reason.
    const space = r.labelSpace.corpora.find((c) => c.corpus === r.provenance.dataset!.corpus);
    const excluded = [
      ...Object.entries(space?.excludedClasses ?? {}).map(([k, v]) => `${v} ${k}`),
      ...(space?.excluded['no-label'] ? [`${space.excluded['no-label']} no-label`] : []),
    ];
    const skipped = Object.entries(r.coverage!.skippedByReason).map(([k, v]) => `${v} ${k}`);
    lines.push(
      `| ${r.provenance.dataset!.corpus} | ${r.head.trainCorpora.join(', ')} | ${formatWithCI('uar', uar.value, uar.ci?.low ?? null, uar.ci?.high ?? null)} | ${uar.ci?.unit ?? '—'} | ${ref ? ref.value.toFixed(1) : '—'} | ${r.coverage!.scored} / ${r.coverage!.clips?.evaluated ?? r.coverage!.scored} | ${[...excluded, ...skipped].join(', ') || '—'} |`,
    );
  }
  lines.push(
    '',
    `The paper's column is EMO-AffectNet's CNN-LSTM heads under their own protocol; the heads here are ${r0.head.estimator} on frozen descriptors: context, not the same measurement.`,
    outDir ? `Run records in ${outDir}; figures: bench plot loco --runs ${outDir}, bench plot cross-corpus --runs ${outDir}` : 'Run records not saved (--no-save).',
  );
  return lines.join('\n');
}
