/**
 * Leave-one-corpus-out with a head trained here (EMO-AffectNet's cross-corpus layout, issue 10): one
 * frozen backbone embeds every corpus (the video runner's `embeddings.feremb`, so a stored corpus is not
 * run again), each clip becomes one descriptor, and for each corpus in turn a fresh head (logistic
 * regression or a linear SVM, seeded) is trained on the other corpora and scored on it.
 *
 * - Label space: the classes every corpus has (./label-space.ts); other items are excluded and counted.
 * - Descriptor: `mean` (default) the mean of the clip's face-frame embeddings, or `afew` HSEmotion's
 *   concat(mean, std, min, max); both L2-normalised. Clips without any face frame (or that could not be
 *   read) have no descriptor: they are neither trained on nor scored, and are counted by reason.
 * - One eval run record per held-out corpus: `protocol: 'loco'`, `head` naming its training corpora,
 *   estimator, settings, seed and training-set sha256, metrics with clip- or group-clustered CIs.
 * - The paper's numbers are its CNN-LSTM heads' (`loco-lstm` on the EMO-AffectNet card): they ride along
 *   as `reference`, never as `published` (which would mean "this same protocol").
 *
 * Image corpora (AffectNet) are refused for now: the image runner stores no embeddings.
 */
import { join } from 'node:path';
import { corpusSummary, type Corpus } from '../../datasets/corpus.js';
import type { ClassName } from '../../datasets/emotions.js';
import { BenchError } from '../../errors.js';
import type { Classifier, ClassifierRecord } from '../../learn/classifier.js';
import { describeClips, l2Normalize } from '../../learn/clip-stats.js';
import { LinearSVC } from '../../learn/linear-svc.js';
import { leaveOneCorpusOut, type LocoFold } from '../../learn/loco.js';
import { LogisticRegression } from '../../learn/logistic.js';
import type { Matrix } from '../../learn/matrix.js';
import type { OpenedModel } from '../../models/open.js';
import { BOOTSTRAP_DEFAULTS, scoreClassification } from '../metrics/index.js';
import { hostInfo, toolInfo } from '../provenance.js';
import type { Coverage, MetricWithCI, RunRecord } from '../records.js';
import type { RunnerProgress } from '../runner.js';
import { openEmbeddingReader } from '../store/embeddings.js';
import { EMBEDDINGS_FILE, isVideoCorpus, runVideoCorpus, type VideoRunnerOptions } from '../video-runner.js';
import { clipInputs } from './clip-inputs.js';
import { locoLabelSpace, type LocoLabelSpace } from './label-space.js';

export const LOCO_HEADS = ['logistic', 'linear-svc'] as const;
export type LocoHead = (typeof LOCO_HEADS)[number];
export const LOCO_DESCRIPTORS = ['mean', 'afew'] as const;
export type LocoDescriptor = (typeof LOCO_DESCRIPTORS)[number];

/** Default inverse regularisation per head: sklearn's LogisticRegression C=1, HSEmotion's LinearSVC C=1.1. */
export const LOCO_DEFAULT_C: Readonly<Record<LocoHead, number>> = { logistic: 1, 'linear-svc': 1.1 };

export interface LocoOptions {
  /** Default `logistic`. */
  head?: LocoHead;
  /** Inverse regularisation strength. Default LOCO_DEFAULT_C[head]. */
  C?: number;
  /** Seeds the LinearSVC visiting order and the bootstrap. Default 0 (logistic regression is deterministic). */
  seed?: number;
  /** Default `mean`. */
  descriptor?: LocoDescriptor;
  /** Face source, sampling and face policy of the video runner (every corpus the same). */
  video: Omit<VideoRunnerOptions, 'batchSize' | 'storeDir' | 'storeOptions' | 'onProgress' | 'embeddings'>;
  batchSize?: number;
  /** Prediction store. Default `results/predictions`. */
  storeDir?: string;
  /** Bootstrap resamples (0 = none; default 2000) and level (default 0.95). */
  ci?: { resamples?: number; level?: number };
  demo?: boolean;
  onProgress?: (corpus: string, p: RunnerProgress) => void;
}

/** One corpus as the heads see it: a descriptor per scored clip, its label and group. */
export interface LocoCorpusData {
  corpus: Corpus;
  ids: string[];
  X: Matrix;
  y: ClassName[];
  groups: Array<string | undefined>;
  storeDir: string;
  embeddingsFile: string;
  preprocessing: unknown;
  /** Clips in the label space left without a descriptor, by reason (`no-face`, or the clip's skip reason). */
  skippedByReason: Record<string, number>;
  /** Clips in the label space (scored + skipped). */
  evaluated: number;
}

export interface LocoHeadRecord {
  /** `logistic` or `linear-svc` (+ the descriptor when not `mean`): tells heads on one backbone apart in figures. */
  name: string;
  estimator: string;
  /** Trained by this run (never a published head). */
  origin: 'trained-here';
  trainCorpora: string[];
  /** Whether the test corpus was in the training set (never, under LOCO; kept so every trained-head record says it). */
  trainedOnTestCorpus: boolean;
  seed: number;
  descriptor: { kind: LocoDescriptor; dim: number; normalised: 'l2' };
  settings: Record<string, unknown>;
  trainingSetSha256: string;
  trainingRows: number;
  classes: string[];
  fit: Record<string, unknown>;
}

export interface LocoRunRecord extends RunRecord {
  kind: 'eval';
  protocol: 'loco';
  head: LocoHeadRecord;
  labelSpace: LocoLabelSpace;
  /** The paper's numbers for this test corpus under its own (LSTM) protocol: context, not the same measurement. */
  reference: Array<{ metric: string; protocol: string; value: number; source: string; note: string }>;
  /** The test corpus's prediction store and embedding file. */
  predictionStore: string;
  embeddings: string;
  /** Every scored clip: id, true and predicted class. */
  predictions: Array<{ id: string; label: string; predicted: string }>;
}

export interface LocoResult {
  labelSpace: LocoLabelSpace;
  corpora: LocoCorpusData[];
  folds: LocoFold<ClassName>[];
  records: LocoRunRecord[];
}

/** A new, unfitted head of the kind asked for. */
export function makeLocoHead(head: LocoHead, C: number, seed: number): Classifier<ClassName> {
  return head === 'logistic' ? new LogisticRegression<ClassName>({ C }) : new LinearSVC<ClassName>({ C, seed });
}

/** Runs (or reuses) the backbone over a corpus with embeddings and turns its clips into descriptors. */
export async function embedLocoCorpus(opened: OpenedModel, corpus: Corpus, classes: readonly ClassName[], opts: LocoOptions): Promise<LocoCorpusData> {
  const descriptor = opts.descriptor ?? 'mean';
  const run = await runVideoCorpus(opened, corpus, {
    ...opts.video,
    embeddings: true,
    batchSize: opts.batchSize,
    storeDir: opts.storeDir,
    onProgress: opts.onProgress && ((p) => opts.onProgress!(corpus.name, p)),
  });
  const keep = new Set(classes);
  const samples = corpus.samples.filter((s) => s.label !== null && keep.has(s.label));
  const clipSkip = new Map(run.records.filter((r) => r.frame === undefined && r.skip).map((r) => [r.id, r.skip!.reason]));
  const file = join(run.storeDir, EMBEDDINGS_FILE);
  const described = await storedDescriptors(file, samples.map((s) => s.id), descriptor);
  const skippedByReason: Record<string, number> = {};
  const rows: Float64Array[] = [];
  const kept: typeof samples = [];
  described.forEach((row, i) => {
    if (row) {
      rows.push(row);
      kept.push(samples[i]);
      return;
    }
    const reason = clipSkip.get(samples[i].id) ?? 'no-face';
    skippedByReason[reason] = (skippedByReason[reason] ?? 0) + 1;
  });
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  return {
    corpus,
    ids: kept.map((s) => s.id),
    X: { rows: rows.length, cols, data },
    y: kept.map((s) => s.label!),
    groups: kept.map((s) => s.group),
    storeDir: run.storeDir,
    embeddingsFile: file,
    preprocessing: run.key.preprocessing,
    skippedByReason,
    evaluated: samples.length,
  };
}

/**
 * The descriptor of each clip from an embedding file (null: no stored vector, i.e. no face frame). A
 * missing file is a corpus in which no frame had a face: every clip is null.
 */
export async function storedDescriptors(file: string, clips: readonly string[], descriptor: LocoDescriptor): Promise<Array<Float64Array | null>> {
  const reader = await openEmbeddingReader(file).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
  if (!reader) return clips.map(() => null);
  try {
    const inputs = await clipInputs(reader, clips, 'afew');
    return inputs.map((input) => {
      const frames = input.frames as readonly Float32Array[];
      if (frames.length === 0) return null;
      return descriptor === 'afew' ? describeClips([input], 'afew', reader.dim).X.data : l2Normalize(meanRows(frames, reader.dim));
    });
  } finally {
    await reader.close();
  }
}

function meanRows(frames: readonly Float32Array[], dim: number): Float64Array {
  const out = new Float64Array(dim);
  for (const f of frames) for (let j = 0; j < dim; j++) out[j] += f[j];
  for (let j = 0; j < dim; j++) out[j] /= frames.length;
  return out;
}

/** Refuses what LOCO cannot run, before anything is embedded. */
function checkInputs(opened: OpenedModel, corpora: readonly Corpus[], opts: LocoOptions): void {
  if (corpora.length < 2) throw new BenchError('BAD_INPUT', `bench loco needs at least 2 corpora, got ${corpora.length}`, { fix: 'pass --corpus once per corpus, e.g. --corpus ravdess:~/data/RAVDESS --corpus crema-d:~/data/CREMA-D' });
  const names = corpora.map((c) => c.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new BenchError('BAD_INPUT', `corpus ${dup} is given twice`, { fix: 'give each corpus once (name folder/csv corpora apart with --name)' });
  const images = corpora.filter((c) => !isVideoCorpus(c)).map((c) => c.name);
  if (images.length) {
    throw new BenchError('BAD_INPUT', `bench loco runs on corpora of clips; ${images.join(', ')} ${images.length === 1 ? 'is' : 'are'} not (the image runner stores no embeddings yet)`, {
      fix: 'leave the image corpora out of bench loco; score image corpora zero-shot with bench matrix',
    });
  }
  if (!opened.card.heads.embedding) {
    throw new BenchError('MODEL_IO_MISMATCH', `${opened.card.name} has no embedding head, so it cannot be the backbone of a LOCO head`, {
      fix: 'use a model whose card names heads.embedding (bench models lists them), e.g. emo_affectnet_resnet50 exported to ONNX',
    });
  }
  if (opts.video.selection?.policy === 'all') {
    throw new BenchError('BAD_INPUT', 'bench loco describes a clip by one face per frame; the every-face policy gives several', { fix: 'use --face-policy largest (the default for these corpora)' });
  }
}

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Embeds every corpus, runs the folds and builds one run record per held-out corpus (not saved here). */
export async function runLoco(opened: OpenedModel, corpora: readonly Corpus[], opts: LocoOptions): Promise<LocoResult> {
  checkInputs(opened, corpora, opts);
  const head = opts.head ?? 'logistic';
  const C = opts.C ?? LOCO_DEFAULT_C[head];
  const seed = opts.seed ?? 0;
  const descriptor = opts.descriptor ?? 'mean';
  const labelSpace = locoLabelSpace(corpora);
  const data: LocoCorpusData[] = [];
  for (const c of corpora) data.push(await embedLocoCorpus(opened, c, labelSpace.classes, opts));
  const empty = data.find((d) => d.X.rows === 0);
  if (empty) {
    throw new BenchError('BAD_INPUT', `no clip of ${empty.corpus.name} has a face to describe (${JSON.stringify(empty.skippedByReason)})`, {
      fix: 'check the face source on this corpus (bench eval on it reports the face coverage), or leave it out',
    });
  }
  const folds = await leaveOneCorpusOut(
    data.map((d) => ({ name: d.corpus.name, X: d.X, y: d.y })),
    () => makeLocoHead(head, C, seed),
  );
  const records = folds.map((fold, t) => locoRecord(opened, data[t], fold, { head, seed, descriptor, labelSpace, opts }));
  return { labelSpace, corpora: data, folds, records };
}

interface RecordContext {
  head: LocoHead;
  seed: number;
  descriptor: LocoDescriptor;
  labelSpace: LocoLabelSpace;
  opts: LocoOptions;
}

function locoRecord(opened: OpenedModel, test: LocoCorpusData, fold: LocoFold<ClassName>, ctx: RecordContext): LocoRunRecord {
  const classes = ctx.labelSpace.classes;
  const index = new Map(classes.map((c, i) => [c, i]));
  // Clips are independent units of their own; a corpus that names actors (RAVDESS, CREMA-D) clusters by actor.
  const grouped = test.groups.every((g) => g !== undefined);
  const resamples = ctx.opts.ci?.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const report = scoreClassification(
    { labels: test.y.map((c) => index.get(c)!), preds: fold.predictions.map((c) => index.get(c)!), groups: grouped ? (test.groups as string[]) : undefined, classes: [...classes] },
    { resamples, level: ctx.opts.ci?.level, seed: ctx.seed, groupCi: grouped },
  );
  const summary = corpusSummary(test.corpus);
  const space = ctx.labelSpace.corpora.find((c) => c.corpus === test.corpus.name)!;
  const skipped = Object.values(test.skippedByReason).reduce((a, b) => a + b, 0);
  const loadSkipped = Object.values(summary.skippedByReason).reduce((a, b) => a + b, 0);
  const skippedByReason = { ...summary.skippedByReason };
  for (const [k, v] of Object.entries(test.skippedByReason)) skippedByReason[k] = (skippedByReason[k] ?? 0) + v;
  const coverage: Coverage = {
    total: summary.items + loadSkipped,
    scored: test.X.rows,
    skipped: skipped + loadSkipped,
    skippedByReason,
    excluded: Object.fromEntries(Object.entries(space.excluded)) as Record<string, number>,
    clips: { evaluated: test.evaluated, scored: test.X.rows },
  };
  const clf: ClassifierRecord = fold.classifier;
  const headRecord: LocoHeadRecord = {
    name: ctx.descriptor === 'mean' ? ctx.head : `${ctx.head} (${ctx.descriptor})`,
    estimator: clf.estimator,
    origin: 'trained-here',
    trainCorpora: fold.train,
    trainedOnTestCorpus: fold.train.includes(fold.test),
    seed: ctx.seed,
    descriptor: { kind: ctx.descriptor, dim: test.X.cols, normalised: 'l2' },
    settings: clf.settings,
    trainingSetSha256: clf.trainingSet.sha256,
    trainingRows: clf.trainingSet.rows,
    classes: clf.classes.map(String),
    fit: clf.fit,
  };
  const reference = opened.card.published
    .filter((p) => p.protocol === 'loco-lstm' && p.corpus !== undefined && norm(p.corpus) === norm(test.corpus.name))
    .map((p) => ({ metric: p.metric, protocol: p.protocol, value: p.value, source: p.source, note: `the paper's CNN-LSTM head under its own protocol, not this ${headRecord.estimator}` }));
  return {
    schemaVersion: 1,
    kind: 'eval',
    protocol: 'loco',
    replica: false,
    demo: ctx.opts.demo,
    classes: [...classes],
    metrics: report.metrics as Record<string, MetricWithCI>,
    confusion: report.confusion,
    coverage,
    head: headRecord,
    labelSpace: ctx.labelSpace,
    reference,
    predictionStore: test.storeDir,
    embeddings: test.embeddingsFile,
    predictions: test.ids.map((id, i) => ({ id, label: test.y[i], predicted: fold.predictions[i] })),
    provenance: {
      tool: toolInfo(),
      model: { name: opened.card.name, file: opened.weights.file, sha256: opened.weights.sha256, replica: false, format: opened.weights.format },
      engine: { ...opened.engine.info },
      dataset: {
        corpus: summary.corpus,
        root: summary.root,
        split: summary.split,
        layout: summary.layout,
        ...(summary.release !== undefined ? { release: summary.release } : {}),
        manifestSha256: summary.manifestSha256,
        items: summary.items,
      },
      labelMap: ctx.labelSpace,
      preprocessing: test.preprocessing,
      batchSize: ctx.opts.batchSize ?? 8,
      seed: ctx.seed,
      host: hostInfo(),
      date: new Date().toISOString(),
    },
  };
}
