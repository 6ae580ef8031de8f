/**
 * HSEmotion's feature-statistics protocol (shared/reference/corpora.md §2–3), protocol name
 * `hsemotion-svm`. The published AFEW and VGAF numbers are not zero-shot: a classifier is trained on
 * clip statistics of frame embeddings. Here, as in FER-repo's notebooks:
 *
 * 1. the backbone's embedding of every face of every sampled frame of both splits (the video runner
 *    with `embeddings: true`, reused from its store when it is there);
 * 2. one descriptor per clip (src/learn/clip-stats.ts): AFEW concat(mean, std, min, max) over the face
 *    frames; VGAF per frame mean/std over its faces, then mean/std over frames; L2-normalised;
 * 3. a head fitted on the train clips that have a face (`has_faces == 1`): AFEW `LinearSVC(C=1.1)`, VGAF
 *    `SVC(kernel='rbf', C=1.9)` with sklearn's default gamma 'scale' (corpora.md names no gamma);
 * 4. every val clip predicted. `accuracy` (and F1, UAR) is over the clips with a face (the README's
 *    "faces-detected" number); `complete_accuracy` over all val clips. A val clip without a face is
 *    predicted from the zero descriptor, as FER-repo does (`np.zeros_like`, then `clf.predict` on all
 *    rows): VGAF's 538/766 complete against 522/741 on the face subset shows such clips were scored,
 *    not counted wrong. `noFace: 'count-wrong'` counts them wrong instead. A clip that could not be read
 *    at all is always wrong in the complete accuracy.
 *
 * The per-clip predictions go to a prediction store of their own, keyed by the head (its settings and
 * training-set sha256) and both embedding stores' keys: one clip record per val clip carrying the head's
 * scores, so `bench score --store` re-scores it (src/bench/rescore.ts reads the head from the key).
 * Scores are LinearSVC's decision values ([-d, d] for two classes) and, for SVC, libsvm's one-vs-one
 * votes: in both the first argmax is exactly sklearn's `predict`.
 *
 * Honesty: the record's `head` names the training corpus, split, seed and training-set sha256, and says
 * when the scored corpus is one the head was trained on (`testCorpusInTraining`: another split of it).
 * Scoring the clips the head was trained on (same split, same manifest or a shared file) is refused.
 * A published number is compared only when the head was trained as the authors' was.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { corpusSummary, type Corpus } from '../../datasets/corpus.js';
import { sourcePath } from '../../datasets/manifest.js';
import { BenchError } from '../../errors.js';
import { describeClips, type ClipProtocol } from '../../learn/clip-stats.js';
import type { Classifier, ClassifierRecord } from '../../learn/classifier.js';
import { LinearSVC } from '../../learn/linear-svc.js';
import { takeRows, type Matrix } from '../../learn/matrix.js';
import { SVC } from '../../learn/svc.js';
import type { PublishedResult } from '../../models/card.js';
import type { OpenedModel } from '../../models/open.js';
import { aggregateClips, NO_FACE } from '../clips.js';
import { evalRunRecord, modelRecordParts, scorePredictions, writeSkipLog, type CiOptions, type EvalRunRecord } from '../evaluate.js';
import { BOOTSTRAP_DEFAULTS } from '../metrics/index.js';
import type { PredictionRecord, TrainedHeadRecord } from '../records.js';
import type { RunnerProgress, RunnerResult, StoreSummary } from '../runner.js';
import { openStore, storeKeyHash, type OpenStoreOptions, type StoreKey } from '../store.js';
import { openEmbeddingReader } from '../store/embeddings.js';
import { EMBEDDINGS_FILE, runVideoCorpus, type VideoRunnerOptions } from '../video-runner.js';
import { clipInputs } from './clip-inputs.js';

export const FEATURE_STATISTICS_PROTOCOL = 'hsemotion-svm';

export type NoFacePolicy = TrainedHeadRecord['noFace'];

/** The authors' head per descriptor (corpora.md §2 step 5, §3). */
export const HSEMOTION_HEADS: Record<ClipProtocol, { kind: TrainedHeadRecord['kind']; C: number }> = {
  afew: { kind: 'linear-svc', C: 1.1 },
  vgaf: { kind: 'svc-rbf', C: 1.9 },
};

/**
 * Whether the authors published numbers of these heads for this backbone: they trained them for their
 * EfficientNets; mobilenet_7's AFEW/VGAF numbers come from a RandomForest and from an RBF SVC(C=1) on
 * un-normalised features (corpora.md §2–3), other heads than the ones fitted here.
 */
export function hasPublishedSvmHeads(card: Pick<OpenedModel['card'], 'architecture'>): boolean {
  return /^efficientnet/i.test(card.architecture ?? '');
}

/** The descriptor a corpus's papers used: `afew` and `vgaf` by name; none for other corpora. */
export function defaultDescriptor(corpus: string): ClipProtocol | undefined {
  return corpus === 'afew' || corpus === 'vgaf' ? corpus : undefined;
}

export interface FeatureStatisticsOptions {
  /** The face source, sampling and face policy of both splits (required). */
  video: Omit<VideoRunnerOptions, 'batchSize' | 'storeDir' | 'storeOptions' | 'onProgress' | 'embeddings'>;
  /** Clip descriptor. Default the corpus's own (`afew`, `vgaf`); required for any other corpus. */
  descriptor?: ClipProtocol;
  /** The head's C. Default the descriptor's HSEmotion value (1.1 LinearSVC, 1.9 RBF SVC). */
  C?: number;
  /** LinearSVC's coordinate-order seed (SVC draws nothing at random). Default 0. */
  seed?: number;
  /** Val clips without a face. Default `zero-vector` (FER-repo's). */
  noFace?: NoFacePolicy;
  /** Items per engine call. Default 8. */
  batchSize?: number;
  /** Folder of the embedding stores and of the head's store. Default `results/predictions`. */
  storeDir?: string;
  storeOptions?: Omit<OpenStoreOptions, 'key' | 'baseDir'>;
  ci?: CiOptions;
  /** Marks the record as a demo (generated corpus): never a model's accuracy. */
  demo?: boolean;
  /** Clips done per split (train first, then the scored split). */
  onProgress?: (p: RunnerProgress & { split: 'train' | 'test' }) => void;
}

/** One split's descriptors with what scoring needs per clip. */
interface SplitDescriptors {
  X: Matrix;
  hasFace: Uint8Array;
  /** The clip's label as an index into the corpus classes, or null. */
  labels: (number | null)[];
  /** Clips the runner could not read (their clip record's skip). */
  failed: Map<string, NonNullable<PredictionRecord['skip']>>;
  frames: Map<string, { sampled: number; withFace: number }>;
}

/** Scoring the head's own training clips would be a training accuracy: refused, whatever the names. */
function refuseSameClips(train: Corpus, test: Corpus): void {
  const fix = 'train on the train split and score another one: --train-split train --split val (the defaults)';
  if (train.manifestSha256 === test.manifestSha256 || (train.name === test.name && train.split === test.split)) {
    throw new BenchError('BAD_INPUT', `the head would be trained and scored on the same clips (${train.name}/${train.split}, manifest ${train.manifestSha256.slice(0, 12)})`, { file: train.root, fix });
  }
  const trainFiles = new Set(train.samples.map((s) => sourcePath(s.source)));
  const shared = test.samples.filter((s) => trainFiles.has(sourcePath(s.source)));
  if (shared.length > 0) {
    throw new BenchError('BAD_INPUT', `${shared.length} of the ${test.samples.length} clips scored are also training clips (e.g. ${sourcePath(shared[0].source)})`, { file: sourcePath(shared[0].source), fix });
  }
}

function checkInputs(opened: OpenedModel, train: Corpus, test: Corpus, descriptor: ClipProtocol | undefined): ClipProtocol {
  if (!opened.card.heads.embedding) {
    throw new BenchError('MODEL_IO_MISMATCH', `${opened.card.name} has no embedding head: the ${FEATURE_STATISTICS_PROTOCOL} protocol trains on frame embeddings`, {
      fix: 'use a model whose card names heads.embedding (the HSEmotion EfficientNets and mobilenet_7: bench models lists them)',
    });
  }
  const d = descriptor ?? defaultDescriptor(test.name);
  if (!d) {
    throw new BenchError('BAD_INPUT', `${test.name} has no default clip descriptor`, { fix: 'pass --descriptor afew (one face per frame) or --descriptor vgaf (every face of group videos)' });
  }
  if (train.classes.join() !== test.classes.join()) {
    throw new BenchError('BAD_INPUT', `the train split's classes (${train.classes.join(', ')}) differ from the scored split's (${test.classes.join(', ')})`, {
      file: test.root,
      fix: 'train and score two splits of one corpus',
    });
  }
  refuseSameClips(train, test);
  return d;
}

/** Descriptors of every clip of a run's corpus, from its embedding file (none: no face in the split). */
async function splitDescriptors(run: RunnerResult, corpus: Corpus, descriptor: ClipProtocol, dim: number | undefined, opened: OpenedModel): Promise<SplitDescriptors & { dim: number | undefined }> {
  const ids = corpus.samples.map((s) => s.id);
  const file = join(run.storeDir, EMBEDDINGS_FILE);
  const reader = existsSync(file) ? await openEmbeddingReader(file) : null;
  let inputs;
  try {
    inputs = reader ? await clipInputs(reader, ids, descriptor) : ids.map((id) => ({ id, frames: [] }));
  } finally {
    await reader?.close();
  }
  const width = reader?.dim ?? dim;
  const failed = new Map<string, NonNullable<PredictionRecord['skip']>>();
  for (const r of run.records) if (r.clip !== undefined && r.frame === undefined && r.skip) failed.set(r.id, r.skip);
  const { counts } = aggregateClips(run.records, { scoreKind: opened.card.heads.expression.kind });
  const frames = new Map([...counts].map(([id, c]) => [id, { sampled: c.frames, withFace: c.faceFrames }]));
  const index = new Map(corpus.classes.map((c, i) => [c, i]));
  const labels = corpus.samples.map((s) => (s.label === null ? null : (index.get(s.label) ?? null)));
  if (width === undefined) return { X: { rows: ids.length, cols: 0, data: new Float64Array(0) }, hasFace: new Uint8Array(ids.length), labels, failed, frames, dim: undefined };
  const d = describeClips(inputs, descriptor, width);
  return { X: d.X, hasFace: d.hasFace, labels, failed, frames, dim: width };
}

function headName(kind: TrainedHeadRecord['kind'], C: number): string {
  return kind === 'linear-svc' ? `LinearSVC(C=${C})` : `SVC(rbf, C=${C})`;
}

/**
 * Per row, scores whose first argmax is the head's `predict`: LinearSVC's decision values (two classes:
 * [-d, d]); SVC's one-vs-one votes (libsvm: most votes, the lowest class on ties).
 */
function headScores(head: LinearSVC<number> | SVC<number>, X: Matrix): number[][] {
  const out: number[][] = [];
  if (head instanceof LinearSVC) {
    const d = head.decisionFunction(X);
    for (let i = 0; i < d.rows; i++) out.push(d.cols === 1 ? [-d.data[i], d.data[i]] : Array.from(d.data.subarray(i * d.cols, (i + 1) * d.cols)));
    return out;
  }
  const ovo = head.decisionOvo(X);
  const k = head.classes.length;
  for (let i = 0; i < ovo.rows; i++) {
    const votes = new Array<number>(k).fill(0);
    let p = 0;
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++, p++) votes[ovo.data[i * ovo.cols + p] > 0 ? a : b]++;
    out.push(votes);
  }
  return out;
}

const argmax = (v: readonly number[]): number => v.reduce((best, x, i) => (x > v[best] ? i : best), 0);

/**
 * The published entries a head's record may be compared with: none unless it was trained as the
 * authors' head was; without the zero descriptor, not the complete accuracy either.
 */
export function headPublished(published: readonly PublishedResult[], head: Pick<TrainedHeadRecord, 'publishedSetup' | 'noFace'>): PublishedResult[] {
  if (!head.publishedSetup) return [];
  return published.filter((p) => head.noFace === 'zero-vector' || p.protocol !== 'complete');
}

/** The head a prediction store holds the predictions of (a feature-statistics store), or null. */
export function headOfStoreKey(key: StoreKey): TrainedHeadRecord | null {
  const extra = key.extra as { protocol?: unknown; head?: TrainedHeadRecord } | undefined;
  return extra?.protocol === FEATURE_STATISTICS_PROTOCOL && extra.head ? extra.head : null;
}

/** Trains the head on `train` and scores `test` (see the module comment). */
export async function runFeatureStatistics(opened: OpenedModel, train: Corpus, test: Corpus, opts: FeatureStatisticsOptions): Promise<EvalRunRecord> {
  const descriptor = checkInputs(opened, train, test, opts.descriptor);
  const kind = HSEMOTION_HEADS[descriptor].kind;
  const C = opts.C ?? HSEMOTION_HEADS[descriptor].C;
  const noFace = opts.noFace ?? 'zero-vector';
  const seed = opts.seed ?? 0;
  const storeDir = opts.storeDir ?? 'results/predictions';
  const run = (corpus: Corpus, split: 'train' | 'test') =>
    runVideoCorpus(opened, corpus, {
      ...opts.video,
      embeddings: true,
      batchSize: opts.batchSize,
      storeDir,
      storeOptions: opts.storeOptions,
      onProgress: (p) => opts.onProgress?.({ ...p, split }),
    });
  const trainRun = await run(train, 'train');
  const testRun = await run(test, 'test');
  const tr = await splitDescriptors(trainRun, train, descriptor, undefined, opened);
  const te = await splitDescriptors(testRun, test, descriptor, tr.dim, opened);
  const rows = tr.labels.flatMap((l, i) => (tr.hasFace[i] && l !== null ? [i] : []));
  if (tr.dim === undefined || rows.length === 0) {
    throw new BenchError('BAD_INPUT', `no clip of ${train.name}/${train.split} has a detected face: there is nothing to train the head on`, {
      file: train.root,
      fix: 'check the face source (--faces, --face-confidence) on a few training clips with bench eval',
    });
  }
  const y = rows.map((i) => tr.labels[i]!);
  if (new Set(y).size < 2) {
    throw new BenchError('BAD_INPUT', `the ${rows.length} training clips with a face are all ${train.classes[y[0]]}: a classifier needs two classes`, {
      file: train.root,
      fix: 'train on a split with clips of at least two classes',
    });
  }
  const head: LinearSVC<number> | SVC<number> = kind === 'linear-svc' ? new LinearSVC<number>({ C, seed }) : await SVC.create<number>({ kernel: 'rbf', C });
  (head as Classifier<number>).fit(takeRows(tr.X, rows), y);
  const fitted: ClassifierRecord = head.toJSON();
  const classes = head.classes.map((k) => test.classes[k]);
  const scores = headScores(head, te.X);
  // The stored scores must say what sklearn's predict says, or every metric downstream would be off.
  const predicted = head.predict(te.X);
  predicted.forEach((p, i) => {
    if (head.classes[argmax(scores[i])] !== p) throw new Error(`hsemotion-svm: scores of row ${i} do not give the head's prediction`);
  });

  const headRecord: TrainedHeadRecord = {
    kind,
    name: headName(kind, C),
    settings: fitted.settings,
    trainCorpora: [train.name],
    trainSplit: train.split,
    seed: kind === 'linear-svc' ? seed : null,
    trainingSetSha256: fitted.trainingSet.sha256,
    trainingClips: rows.length,
    classes,
    descriptor,
    noFace,
    embeddingStores: { train: basename(trainRun.storeDir), test: basename(testRun.storeDir) },
    testCorpusInTraining: train.name === test.name,
    publishedSetup:
      hasPublishedSvmHeads(opened.card) && train.name === test.name && train.split === 'train' && descriptor === defaultDescriptor(test.name) && C === HSEMOTION_HEADS[descriptor].C,
    fit: fitted.fit,
  };

  const records: PredictionRecord[] = test.samples.map((s, i) => {
    const frameCounts = te.frames.get(s.id) ?? { sampled: 0, withFace: 0 };
    const base = { id: s.id, clip: s.id, group: s.group, label: te.labels[i], latencyMs: null, frameCounts };
    const skip = te.failed.get(s.id);
    if (skip) return { ...base, scores: null, face: false, skip };
    if (te.hasFace[i]) return { ...base, scores: scores[i], face: true };
    const detail = `no face in any of ${frameCounts.sampled} sampled frames`;
    if (noFace === 'count-wrong') return { ...base, scores: null, face: false, skip: { reason: NO_FACE, detail } };
    return { ...base, scores: scores[i], face: false, skip: { reason: NO_FACE, detail: `${detail}; predicted from the zero descriptor (complete accuracy only)` } };
  });

  const key: StoreKey = {
    model: { name: opened.card.name, sha256: opened.weights.sha256, replica: opened.weights.replica },
    dataset: { corpus: test.name, split: test.split, manifestSha256: test.manifestSha256 },
    classes: { corpus: [...test.classes], model: classes },
    preprocessing: testRun.key.preprocessing,
    labelMap: null,
    extra: {
      protocol: FEATURE_STATISTICS_PROTOCOL,
      // Decision values and votes are not probabilities; nothing averages them (one record per clip).
      expression: 'logits',
      embeddingStores: { train: storeKeyHash(trainRun.key), test: storeKeyHash(testRun.key) },
      head: headRecord,
    },
  };
  const store = await openStore({ ...opts.storeOptions, baseDir: storeDir, key });
  let stored: PredictionRecord[];
  try {
    await store.append(records);
    const summary: StoreSummary = { corpus: corpusSummary(test), engine: { ...opened.engine.info }, weights: { ...opened.weights }, batchSize: opts.batchSize ?? 8 };
    await store.markComplete(summary);
    stored = await store.readAll(test.samples.map((s) => s.id));
  } finally {
    await store.close();
  }
  const skipLog = await writeSkipLog(store.dir, test, stored);
  const scored = scorePredictions(stored, {
    corpusClasses: test.classes,
    modelClasses: classes,
    // A class the head never saw in training stays in the evaluation, its clips counted wrong.
    missing: 'count-wrong',
    ci: opts.ci,
    clips: { scoreKind: 'logits' },
  });
  return evalRunRecord({
    ...modelRecordParts(opened),
    published: headPublished(opened.card.published, headRecord),
    scored,
    corpus: corpusSummary(test),
    records: stored,
    storeDir: store.dir,
    batchSize: opts.batchSize ?? 8,
    seed: opts.ci?.seed ?? BOOTSTRAP_DEFAULTS.seed,
    demo: opts.demo,
    preprocessing: testRun.key.preprocessing,
    skipLog,
    protocol: FEATURE_STATISTICS_PROTOCOL,
    head: headRecord,
  });
}
