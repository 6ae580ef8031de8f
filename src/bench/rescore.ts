/**
 * Rebuilds an eval run record from a prediction store alone, without the model or the corpus: the
 * store's key holds both class lists and the preprocessing, its completion summary the corpus coverage
 * and the engine. A different protocol (AffectNet-7 after -8) or CI setting needs no inference.
 */
import type { ClassName } from '../datasets/emotions.js';
import type { MissingPolicy, Protocol } from '../datasets/label-map.js';
import { BenchError, isBenchError } from '../errors.js';
import type { PublishedResult } from '../models/card.js';
import { getModel } from '../models/zoo.js';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorpusSummary } from '../datasets/corpus.js';
import type { ClipAggregateOptions, ClipAggregation } from './clips.js';
import { evalRunRecord, isClipStore, LEGACY_SKIP_LOG_FILE, scorePredictions, type CiOptions, type EvalRunRecord } from './evaluate.js';
import type { StoreSummary } from './runner.js';
import type { PredictionRecord } from './records.js';
import { readStore, type StoreMeta } from './store.js';
import { FEATURE_STATISTICS_PROTOCOL, headOfStoreKey, headPublished } from './protocols/feature-statistics.js';

/**
 * How a video store's frames aggregate into clips: the head kind recorded in the store key (video stores
 * keep it there), else the zoo card's; null for an image store.
 */
export function clipScoringFor(store: Pick<ScorableStore, 'records' | 'meta' | 'model'>, aggregation?: ClipAggregation): ClipAggregateOptions | null {
  if (!isClipStore(store.records)) return null;
  const recorded = (store.meta.key.extra as { expression?: 'logits' | 'probabilities' } | undefined)?.expression;
  let scoreKind = recorded;
  if (scoreKind === undefined) {
    try {
      scoreKind = getModel(store.model).heads.expression.kind;
    } catch (e) {
      if (!isBenchError(e)) throw e;
      throw new BenchError('BAD_INPUT', `the video store ${store.meta.key.model.name} does not say whether its scores are logits or probabilities, and the model is not in the zoo`, {
        fix: 'add the model to a user zoo (--zoo / FER_BENCH_ZOO) so its expression head kind is known',
      });
    }
  }
  return { aggregation, scoreKind };
}

export interface RescoreOptions {
  /** Video stores: how frame scores become a clip's. Default `mean-probabilities`. */
  clipAggregation?: ClipAggregation;
  protocol?: Protocol;
  missing?: MissingPolicy;
  ci?: CiOptions;
}

/** A completed store with what scoring needs: its records, class lists and run summary. */
export interface ScorableStore {
  dir: string;
  model: string;
  records: PredictionRecord[];
  corpusClasses: ClassName[];
  modelClasses: ClassName[];
  summary: StoreSummary;
  meta: StoreMeta;
}

/** Reads a store for scoring; an interrupted or old-format store is a clear error. */
export async function readScorableStore(dir: string): Promise<ScorableStore> {
  const { meta, records } = await readStore(dir);
  const summary = meta.complete?.summary as StoreSummary | undefined;
  if (!meta.complete || !summary?.corpus) {
    throw new BenchError('BAD_INPUT', `the prediction store ${dir} is incomplete (${records.length} records): its run was interrupted`, {
      file: dir,
      fix: 'run the same `bench eval` again: it resumes where it stopped and completes the store',
    });
  }
  const classes = meta.key.classes;
  if (!classes || !summary.engine || !summary.weights) {
    throw new BenchError('BAD_INPUT', `the prediction store ${dir} lacks its class lists or run summary (written by an older fer-bench)`, {
      file: dir,
      fix: 'delete the store and run the same `bench eval` again',
    });
  }
  return {
    dir,
    model: meta.key.model.name,
    records,
    corpusClasses: classes.corpus as ClassName[],
    modelClasses: classes.model as ClassName[],
    summary,
    meta,
  };
}

/**
 * The corpus a re-scored record names, with its own skip log: the newest `corpus-<key>.json` of the store
 * (the last `bench eval` over it), else, for stores written before those existed, the run summary and the
 * single `skips.jsonl`.
 */
async function latestCorpus(dir: string, summary: StoreSummary): Promise<{ corpus: CorpusSummary; skipLog?: string }> {
  let newest: { date: string; skipLog: string; corpus: CorpusSummary } | undefined;
  for (const f of (await readdir(dir)).filter((n) => /^corpus-[0-9a-f]+\.json$/.test(n)).sort()) {
    const entry = JSON.parse(await readFile(join(dir, f), 'utf8')) as { date: string; skipLog: string; corpus: CorpusSummary };
    if (!newest || entry.date > newest.date) newest = entry;
  }
  if (newest) return { corpus: newest.corpus, skipLog: join(dir, newest.skipLog) };
  const legacy = join(dir, LEGACY_SKIP_LOG_FILE);
  return { corpus: summary.corpus, skipLog: existsSync(legacy) ? legacy : undefined };
}

export async function rescoreStore(dir: string, opts: RescoreOptions = {}): Promise<EvalRunRecord> {
  const store = await readScorableStore(dir);
  const { meta, records, summary, model } = store;
  // The card only adds the published numbers; a store of a model no longer in the zoo still scores.
  let published: PublishedResult[] = [];
  let publishedResize: string | undefined;
  try {
    const card = getModel(model);
    published = card.published;
    publishedResize = card.input.resize;
  } catch (e) {
    if (!isBenchError(e)) throw e;
  }
  // A trained head's store (feature-statistics protocols): its key names the head and the protocol.
  const head = headOfStoreKey(meta.key);
  if (head) published = headPublished(published, head);
  const { corpus, skipLog } = await latestCorpus(dir, summary);
  const clips = clipScoringFor(store, opts.clipAggregation);
  const scored = scorePredictions(records, {
    corpusClasses: store.corpusClasses,
    modelClasses: store.modelClasses,
    protocol: opts.protocol,
    missing: opts.missing ?? (head ? 'count-wrong' : undefined),
    ci: opts.ci,
    ...(clips ? { clips } : {}),
  });
  return evalRunRecord({
    published,
    publishedResize,
    scored,
    corpus,
    records,
    storeDir: dir,
    engine: summary.engine,
    model: { name: model, file: summary.weights.file, sha256: summary.weights.sha256, replica: summary.weights.replica, format: summary.weights.format },
    batchSize: summary.batchSize,
    seed: opts.ci?.seed ?? 0,
    preprocessing: meta.key.preprocessing,
    skipLog,
    ...(head ? { protocol: FEATURE_STATISTICS_PROTOCOL, head } : {}),
  });
}
