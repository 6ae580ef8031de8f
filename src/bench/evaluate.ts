/**
 * An evaluation as a run record: run (or reuse) the model over a corpus through the runner, then score
 * the stored predictions under a protocol. Scoring reads only prediction records, so `bench score
 * --store` rebuilds exactly the same record without a model.
 */
import { corpusSummary, type Corpus, type CorpusSummary } from '../datasets/corpus.js';
import type { ClassName } from '../datasets/emotions.js';
import { buildLabelMap, type LabelMap, type LabelMapDescription, type MissingPolicy, type Protocol } from '../datasets/label-map.js';
import { BenchError } from '../errors.js';
import type { PublishedResult } from '../models/card.js';
import type { OpenedModel } from '../models/open.js';
import { publishedForRun } from '../models/published.js';
import { aggregateClips, type ClipAggregateOptions, type ClipAggregation } from './clips.js';
import { bootstrap, BOOTSTRAP_DEFAULTS, regressionStatistic, scoreClassification, type ResampleStatistic } from './metrics/index.js';
import { hostInfo, toolInfo } from './provenance.js';
import type { Coverage, MetricWithCI, PredictionRecord, RunRecord, TrainedHeadRecord } from './records.js';
import { runCorpus, type RunnerOptions } from './runner.js';
import { isVideoCorpus, runVideoCorpus, type VideoRunnerOptions } from './video-runner.js';
import { summarizeLatency } from './latency-stats.js';
import { canonicalJson, compareCodeUnits, sha256 } from '../util/hash.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic-write.js';
import { projectToValence, type ValenceProjection } from './protocols/label-space.js';
import { join } from 'node:path';

export interface CiOptions {
  /** Bootstrap resamples (0 = no intervals). Default 2000. */
  resamples?: number;
  /** Confidence level. Default 0.95. */
  level?: number;
  /** Bootstrap seed, recorded in the run record. Default 0. */
  seed?: number;
  /**
   * Resample whole groups (clips, videos, actors) instead of items. Default false. Refused when any scored
   * item has no group: the interval would silently be an item interval recorded as `unit: group`.
   */
  groups?: boolean;
}

/** `--group-ci` needs every scored item to carry a group; otherwise a typed error saying how many lack one. */
export function requireGroups(lacking: number, total: number, file?: string): void {
  if (lacking === 0) return;
  throw new BenchError('BAD_INPUT', `--group-ci resamples groups, but ${lacking} of ${total} scored item${total === 1 ? '' : 's'} ha${lacking === 1 ? 's' : 've'} no group`, {
    ...(file ? { file } : {}),
    fix: 'drop --group-ci (items are resampled), or use a corpus that gives every item a group: a --dataset csv manifest with a group column (clip, video or actor); AffectNet and folder corpora have no groups',
  });
}

export interface ScoreContext {
  corpusClasses: readonly ClassName[];
  modelClasses: readonly ClassName[];
  protocol?: Protocol;
  /** Evaluated class the model lacks: drop its items or count them wrong. Default `drop`. */
  missing?: MissingPolicy;
  ci?: CiOptions;
  /**
   * Video stores (frame records plus clip records): how frame scores become a clip's. Required when the
   * records are a video run's; every metric then counts clips (see `clips.ts`).
   */
  clips?: ClipAggregateOptions;
}

export interface ScoredPredictions {
  classes: string[];
  metrics: Record<string, MetricWithCI>;
  confusion: number[][];
  /** Items scored, skipped (by reason) and excluded by the protocol (by reason). */
  coverage: Omit<Coverage, 'total'> & { excluded: Record<string, number> };
  labelMap: LabelMapDescription;
}

const countUp = (counts: Record<string, number>, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);

/** Stored predictions seen through a label map: per scored item its id, evaluation label and prediction. */
export interface ProjectedPredictions {
  map: LabelMap;
  /** Scored items in canonical id order. */
  ids: string[];
  labels: number[];
  preds: number[];
  scores: number[][];
  groups: string[];
  /** Valence/arousal pairs of every item with a prediction and a target, whatever the class protocol. */
  va: Record<'valence' | 'arousal', { pred: number[]; truth: number[] }>;
  /** Items with scores left out of a V/A metric, by dimension and reason (`no-target`: AffectNet -2 or empty). */
  vaExcluded: Record<'valence' | 'arousal', Record<string, number>>;
  /** Scored items without a group (their id stands in; `--group-ci` refuses them). */
  ungrouped: number;
  skippedByReason: Record<string, number>;
  excluded: Record<string, number>;
  /**
   * Video corpora: every clip the protocol evaluates, scored or not, for the complete accuracy (a clip
   * skipped for any reason, `no-face` above all, counts wrong), with its frame counts; null for images.
   */
  complete: { labels: number[]; correct: Uint8Array; groups: string[]; frames: { sampled: number; withFace: number } } | null;
}

/** Whether stored records are a video run's (frame records and clip records), which score per clip. */
export function isClipStore(records: readonly PredictionRecord[]): boolean {
  return records.some((r) => r.clip !== undefined);
}

/** Applies the protocol's label map to stored predictions; shared by scoring and by paired comparisons. */
export function projectPredictions(records: readonly PredictionRecord[], ctx: Omit<ScoreContext, 'ci'>): ProjectedPredictions {
  const map = buildLabelMap({ corpusClasses: ctx.corpusClasses, modelClasses: ctx.modelClasses, protocol: ctx.protocol, missing: ctx.missing });
  const out: ProjectedPredictions = {
    map,
    ids: [],
    labels: [],
    preds: [],
    scores: [],
    groups: [],
    va: { valence: { pred: [], truth: [] }, arousal: { pred: [], truth: [] } },
    vaExcluded: { valence: {}, arousal: {} },
    ungrouped: 0,
    skippedByReason: {},
    excluded: {},
    complete: null,
  };
  let items: readonly PredictionRecord[] = records;
  const complete: { labels: number[]; correct: number[]; groups: string[]; frames: { sampled: number; withFace: number } } | null = isClipStore(records)
    ? { labels: [], correct: [], groups: [], frames: { sampled: 0, withFace: 0 } }
    : null;
  if (complete) {
    if (!ctx.clips) throw new Error('scoring a video store needs the clip aggregation (ScoreContext.clips)');
    const aggregated = aggregateClips(records, ctx.clips);
    items = aggregated.clips;
    for (const c of aggregated.counts.values()) {
      complete.frames.sampled += c.frames;
      complete.frames.withFace += c.faceFrames;
    }
  }
  // Canonical item order (by id): the bootstrap resamples positions, so intervals would otherwise depend on
  // the order records were read in (corpus order after a run, id order when re-scoring a store).
  const ordered = [...items].sort((a, b) => compareCodeUnits(a.id, b.id));
  for (const r of ordered) {
    if (r.skip || r.scores === null) {
      countUp(out.skippedByReason, r.skip?.reason ?? 'no-scores');
      // A clip the protocol evaluates but that could not be scored is wrong in the complete accuracy,
      // unless a trained head still scored it (HSEmotion's zero descriptor): then its prediction counts.
      const mapped = complete && r.label !== null ? map.mapLabel(ctx.corpusClasses[r.label]) : 'drop';
      if (complete && mapped !== 'drop') {
        complete.labels.push(mapped);
        complete.correct.push(r.scores !== null && map.predict(r.scores) === mapped ? 1 : 0);
        complete.groups.push(r.group ?? r.id);
      }
      continue;
    }
    // V/A are scored on every item with a prediction and a target (AffectNet: not -2), whatever the class
    // protocol: the published CCCs are over the whole validation set, Contempt included.
    for (const dim of ['valence', 'arousal'] as const) {
      const p = r[dim];
      const t = r[`${dim}True`];
      if (p !== undefined && t !== undefined) {
        out.va[dim].pred.push(p);
        out.va[dim].truth.push(t);
      } else if (p !== undefined) countUp(out.vaExcluded[dim], 'no-target');
    }
    if (r.label === null) {
      countUp(out.excluded, 'no-label');
      continue;
    }
    const mapped = map.mapLabel(ctx.corpusClasses[r.label]);
    if (mapped === 'drop') {
      countUp(out.excluded, map.dropReason(ctx.corpusClasses[r.label]) ?? 'dropped');
      continue;
    }
    const pred = map.predict(r.scores);
    if (complete) {
      complete.labels.push(mapped);
      complete.correct.push(pred === mapped ? 1 : 0);
      complete.groups.push(r.group ?? r.id);
    }
    out.ids.push(r.id);
    out.labels.push(mapped);
    out.preds.push(pred);
    out.scores.push(map.mapScores(r.scores));
    out.groups.push(r.group ?? r.id);
    if (r.group === undefined) out.ungrouped++;
  }
  out.complete = complete && { ...complete, correct: Uint8Array.from(complete.correct) };
  return out;
}

/**
 * HSEmotion's "complete accuracy" and its UAR twin over every evaluated clip, unscored clips counting
 * wrong: accuracy = mean of the correct flags; UAR = mean over the classes present of their recall.
 */
function completeStatistic(labels: readonly number[], correct: Uint8Array, k: number): ResampleStatistic {
  const hits = new Float64Array(k);
  const totals = new Float64Array(k);
  return {
    names: ['complete_accuracy', 'complete_uar'],
    compute: (indices, length, out, offset) => {
      hits.fill(0);
      totals.fill(0);
      let sum = 0;
      for (let j = 0; j < length; j++) {
        const i = indices[j];
        sum += correct[i];
        hits[labels[i]] += correct[i];
        totals[labels[i]]++;
      }
      let recall = 0;
      let present = 0;
      for (let c = 0; c < k; c++) {
        if (totals[c] === 0) continue;
        recall += hits[c] / totals[c];
        present++;
      }
      out[offset] = length > 0 ? sum / length : NaN;
      out[offset + 1] = present > 0 ? recall / present : NaN;
    },
  };
}

/** Scores stored predictions under a protocol: classification metrics, and V/A metrics where both sides exist. */
export function scorePredictions(records: readonly PredictionRecord[], ctx: ScoreContext): ScoredPredictions {
  const { map, labels, preds, scores, groups, va, vaExcluded, ungrouped, skippedByReason, excluded, complete } = projectPredictions(records, ctx);
  if (ctx.ci?.groups) requireGroups(ungrouped, labels.length);
  const ci = { resamples: ctx.ci?.resamples ?? BOOTSTRAP_DEFAULTS.resamples, level: ctx.ci?.level, seed: ctx.ci?.seed };
  const report = scoreClassification(
    // Scores of classes the model lacks are -Infinity; top-k needs finite scores, so pass them only when all are.
    { labels, preds, scores: scores.every((s) => s.every(Number.isFinite)) ? scores : undefined, groups, classes: [...map.evalClasses] },
    { ...ci, groupCi: ctx.ci?.groups },
  );
  const metrics: Record<string, MetricWithCI> = { ...report.metrics };
  const vaCoverage: NonNullable<Coverage['va']> = {};
  for (const dim of ['valence', 'arousal'] as const) {
    // Only for a corpus with V/A targets: a folder of images has none, and nothing to report.
    if (va[dim].pred.length > 0) vaCoverage[dim] = { scored: va[dim].pred.length, excluded: vaExcluded[dim] };
    if (va[dim].pred.length < 2) continue;
    Object.assign(metrics, bootstrap(regressionStatistic(va[dim].pred, va[dim].truth, `${dim}_`), va[dim].pred.length, ci));
  }
  if (complete && complete.labels.length > 0) {
    const stat = completeStatistic(complete.labels, complete.correct, map.evalClasses.length);
    Object.assign(metrics, bootstrap(stat, complete.labels.length, { ...ci, ...(ctx.ci?.groups ? { groups: complete.groups } : {}) }));
  }
  const skipped = Object.values(skippedByReason).reduce((a, b) => a + b, 0);
  return {
    classes: [...map.evalClasses],
    metrics,
    confusion: report.confusion,
    coverage: {
      scored: labels.length,
      skipped,
      skippedByReason,
      excluded,
      ...(Object.keys(vaCoverage).length ? { va: vaCoverage } : {}),
      ...(complete ? { clips: { evaluated: complete.labels.length, scored: labels.length }, frames: complete.frames } : {}),
    },
    labelMap: map.describe(),
  };
}

export interface EvaluateOptions extends RunnerOptions {
  protocol?: Protocol;
  missing?: MissingPolicy;
  ci?: CiOptions;
  /** Marks the record as a demo (generated corpus or bundled model): never a model's accuracy. */
  demo?: boolean;
  /** Video corpora: the face source, sampling and face policy (required for a corpus of clips). */
  video?: Omit<VideoRunnerOptions, 'batchSize' | 'storeDir' | 'storeOptions' | 'onProgress'>;
  /** Video corpora: how frame scores become a clip's. Default `mean-probabilities`. */
  clipAggregation?: ClipAggregation;
  /**
   * A group-valence corpus (VGAF) scored from emotion scores: each stored score vector is projected onto
   * the valence classes first (./protocols/label-space.ts), and the projection goes into the record.
   */
  valence?: ValenceProjection;
}

export interface EvalRunRecord extends RunRecord {
  kind: 'eval';
  /** Where the per-item predictions are. */
  predictionStore: string;
  /** Every skipped item with its reason, file and row (JSON Lines). */
  skipLog?: string;
  /** Runs of a head trained here (feature-statistics protocols): what it is and what it was trained on. */
  head?: TrainedHeadRecord;
}

/** The skip log of stores written before skip logs were kept per corpus (read when no per-corpus log exists). */
export const LEGACY_SKIP_LOG_FILE = 'skips.jsonl';

/**
 * Identifies one corpus as it was loaded: its manifest hash (the valid items) and its load-time skips. Two
 * manifests with the same valid items share a prediction store but not a skip log: each has its own
 * `skips-<key>.jsonl` and `corpus-<key>.json` (the summary a re-scored record names).
 */
export function corpusLoadKey(corpus: Pick<Corpus, 'manifestSha256' | 'skipped'>): string {
  const skips = corpus.skipped.map((s) => [s.id, s.reason, s.row ?? null, s.detail ?? null]);
  return sha256(canonicalJson([corpus.manifestSha256, skips])).slice(0, 16);
}

export const skipLogFile = (key: string): string => `skips-${key}.jsonl`;
export const corpusFile = (key: string): string => `corpus-${key}.json`;

/**
 * Every item left out, one JSON line each, loader skips first (with file and row) then items that failed
 * at run time (with the decoder's or engine's detail): the list behind the record's counts by reason.
 * Written beside the corpus summary it belongs to, both named by `corpusLoadKey`.
 */
export async function writeSkipLog(dir: string, corpus: Corpus, records: readonly PredictionRecord[]): Promise<string> {
  const lines = [
    ...corpus.skipped.map((s) => ({ stage: 'load', ...s })),
    ...records.filter((r) => r.skip).map((r) => ({ stage: 'run', id: r.id, reason: r.skip!.reason, detail: r.skip!.detail })),
  ].map((item) => JSON.stringify(item));
  const key = corpusLoadKey(corpus);
  const file = join(dir, skipLogFile(key));
  await writeFileAtomic(file, lines.length ? lines.join('\n') + '\n' : '');
  await writeJsonAtomic(join(dir, corpusFile(key)), { date: new Date().toISOString(), skipLog: skipLogFile(key), corpus: corpusSummary(corpus) });
  return file;
}

/** Runs the model over the corpus (reusing stored predictions) and scores the result. */
export async function evaluate(opened: OpenedModel, corpus: Corpus, opts: EvaluateOptions = {}): Promise<EvalRunRecord> {
  // Checked before the run too: a refused --group-ci should not cost a pass over the corpus.
  if (opts.ci?.groups) requireGroups(corpus.samples.filter((s) => s.group === undefined).length, corpus.samples.length);
  const video = isVideoCorpus(corpus);
  if (video && !opts.video) {
    throw new BenchError('BAD_INPUT', `${corpus.name} is a corpus of clips: evaluating it needs a face source and a frame sampling`, {
      fix: 'pass EvaluateOptions.video (the CLI does: --faces, --sampling)',
    });
  }
  const run = video ? await runVideoCorpus(opened, corpus, { ...opts.video!, batchSize: opts.batchSize, storeDir: opts.storeDir, storeOptions: opts.storeOptions, onProgress: opts.onProgress }) : await runCorpus(opened, corpus, opts);
  const skipLog = await writeSkipLog(run.storeDir, corpus, run.records.filter((r) => r.frame === undefined));
  const { valence } = opts;
  const kind = opened.card.heads.expression.kind;
  // The store keeps the model's own scores; the valence projection is applied to what is scored only.
  const records = valence ? run.records.map((r) => (r.scores ? { ...r, scores: projectToValence(valence, opened.card.classes, r.scores, kind) } : r)) : run.records;
  const scored = scorePredictions(records, {
    corpusClasses: corpus.classes,
    modelClasses: valence ? valence.classes : opened.card.classes,
    protocol: opts.protocol,
    missing: opts.missing,
    ci: opts.ci,
    ...(video ? { clips: { aggregation: opts.clipAggregation, scoreKind: valence ? 'probabilities' : kind } } : {}),
  });
  if (valence) scored.labelMap = { ...scored.labelMap, valence } as typeof scored.labelMap;
  return evalRunRecord({
    ...modelRecordParts(opened),
    published: opened.card.published,
    scored,
    corpus: corpusSummary(corpus),
    records: run.records,
    storeDir: run.storeDir,
    batchSize: opts.batchSize ?? 8,
    seed: opts.ci?.seed ?? BOOTSTRAP_DEFAULTS.seed,
    demo: opts.demo,
    preprocessing: run.key.preprocessing,
    skipLog,
  });
}

/** What an opened model puts in a run record: its weights and engine, and its card's resize kernel. */
export function modelRecordParts(opened: OpenedModel): Pick<EvalRecordParts, 'publishedResize' | 'engine' | 'model'> {
  return {
    publishedResize: opened.card.input.resize,
    engine: { ...opened.engine.info },
    model: { name: opened.card.name, file: opened.weights.file, sha256: opened.weights.sha256, replica: false, format: opened.weights.format },
  };
}

export interface EvalRecordParts {
  /** The model card's published results (filtered here to those that apply to the run). */
  published: readonly PublishedResult[];
  /** The card's own resize kernel: the pipeline behind its published numbers unless an entry names another. */
  publishedResize?: string;
  scored: ScoredPredictions;
  corpus: CorpusSummary;
  records: readonly PredictionRecord[];
  storeDir: string;
  engine: RunRecord['provenance']['engine'];
  model: RunRecord['provenance']['model'];
  batchSize: number;
  seed: number;
  demo?: boolean;
  preprocessing: unknown;
  /** Where the list of skipped items is (absent when re-scoring a store without its log). */
  skipLog?: string;
  /** The protocol the record names, when it is not the label map's (a trained head's, e.g. `hsemotion-svm`). */
  protocol?: string;
  /** The head trained here whose predictions these are. */
  head?: TrainedHeadRecord;
}

/** Assembles the run record; shared by `evaluate` and re-scoring a store. */
export function evalRunRecord(p: EvalRecordParts): EvalRunRecord {
  const skippedByReason = { ...p.corpus.skippedByReason };
  for (const [k, v] of Object.entries(p.scored.coverage.skippedByReason)) skippedByReason[k] = (skippedByReason[k] ?? 0) + v;
  const skipped = Object.values(skippedByReason).reduce((a, b) => a + b, 0);
  const latencies = p.records.map((r) => r.latencyMs).filter((v): v is number => v !== null);
  const latency = latencies.length ? summarizeLatency(latencies, 1, latencies.reduce((a, b) => a + b, 0)) : undefined;
  // What was scored (after any drop), not what was asked for.
  const protocol = p.protocol ?? p.scored.labelMap.protocol;
  const { corpus, split, release } = p.corpus;
  return {
    schemaVersion: 1,
    kind: 'eval',
    protocol,
    replica: false,
    demo: p.demo,
    classes: p.scored.classes,
    metrics: p.scored.metrics,
    confusion: p.scored.confusion,
    coverage: {
      total: p.corpus.items + Object.values(p.corpus.skippedByReason).reduce((a, b) => a + b, 0),
      scored: p.scored.coverage.scored,
      skipped,
      skippedByReason,
      excluded: p.scored.coverage.excluded,
      ...(p.scored.coverage.va ? { va: p.scored.coverage.va } : {}),
      ...(p.scored.coverage.clips ? { clips: p.scored.coverage.clips, frames: p.scored.coverage.frames } : {}),
    },
    itemLatency: latency,
    published: publishedForRun(p.published, { corpus, split, release, protocol }, p.publishedResize),
    ...(p.head ? { head: p.head } : {}),
    labelMap: p.scored.labelMap,
    predictionStore: p.storeDir,
    skipLog: p.skipLog,
    provenance: {
      tool: toolInfo(),
      model: p.model,
      engine: p.engine,
      dataset: {
        corpus,
        root: p.corpus.root,
        split,
        layout: p.corpus.layout,
        ...(release !== undefined ? { release } : {}),
        manifestSha256: p.corpus.manifestSha256,
        items: p.corpus.items,
      },
      labelMap: p.scored.labelMap,
      preprocessing: p.preprocessing,
      batchSize: p.batchSize,
      seed: p.seed,
      host: hostInfo(),
      date: new Date().toISOString(),
    },
  };
}
