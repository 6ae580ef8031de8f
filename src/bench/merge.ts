/**
 * `bench merge`: the segments of a sharded evaluation (shard.ts) become one prediction store and one run
 * record. The merged store's key is the segments' key without the shard, which is exactly the key a
 * single-process run of the same evaluation has, so the store is that run's store; the record is then
 * made by the ordinary re-scoring path (rescore.ts), which is why its metrics, intervals and confusion
 * matrix are byte-identical to a single run's. Timings (per-item engine time), the engine's thread
 * count, the hosts and the list of shards are what may differ.
 *
 * Refused, with the shard and directory named: segments of different evaluations (model sha256, corpus
 * manifest hash, preprocessing, harness version, shard count...), a missing or duplicated shard, an
 * incomplete segment, and parts that do not add up to the totals every shard recorded.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BenchError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { canonicalJson } from '../util/hash.js';
import { LEGACY_SKIP_LOG_FILE, type EvalRunRecord } from './evaluate.js';
import { readScorableStore, rescoreStore, type RescoreOptions, type ScorableStore } from './rescore.js';
import type { PredictionRecord } from './records.js';
import type { StoreSummary } from './runner.js';
import { keyShard, openStore, type StoreKey } from './store.js';
import { readMeta, type StoreMeta } from './store/meta.js';

export interface MergeOptions extends RescoreOptions {
  /** Folder the merged store is written into. Default: the folder holding the segments (they must share one). */
  storeDir?: string;
  /** fsync the merged store's writes. Default true. */
  fsync?: boolean;
}

/** One merged shard, as the run record lists it. */
export interface ShardProvenance {
  index: number;
  count: number;
  dir: string;
  host: string;
  records: number;
  completed: string;
  harness: string;
}

export interface MergedRunRecord extends EvalRunRecord {
  /** The segments the store was merged from (a single-process run has no such list). */
  shards: ShardProvenance[];
}

export interface MergeResult {
  storeDir: string;
  key: StoreKey;
  record: MergedRunRecord;
}

type SegmentSummary = NonNullable<StoreSummary['shard']>;

/** A segment as its meta.json describes it: enough to tell which evaluation and shard it is. */
interface SegmentMeta {
  dir: string;
  meta: StoreMeta;
  shard: { index: number; count: number; harness: string };
}

interface Segment extends SegmentMeta {
  store: ScorableStore;
  summary: SegmentSummary;
}

const MERGE_FIX = 'pass the directories of every shard of one evaluation: results/predictions/<model>-<corpus>-<split>-*-shard*of<n>';

/** The key of the whole evaluation: a segment's key without its shard. */
export function evaluationKey(key: StoreKey): StoreKey {
  const { shard: _shard, ...extra } = (key.extra ?? {}) as Record<string, unknown>;
  return { ...key, extra };
}

async function readSegmentMeta(dir: string): Promise<SegmentMeta> {
  const meta = await readMeta(dir);
  if (!meta) throw new BenchError('BAD_INPUT', `${dir} is not a prediction store (no meta.json)`, { file: dir, fix: MERGE_FIX });
  const ks = keyShard(meta.key);
  if (!ks) throw new BenchError('BAD_INPUT', `${dir} is the store of a whole evaluation, not a shard's segment`, { file: dir, fix: MERGE_FIX });
  const harness = (meta.key.extra as { shard?: { harness?: unknown } }).shard?.harness;
  return { dir, meta, shard: { ...ks, harness: typeof harness === 'string' ? harness : 'unknown' } };
}

/** What differs between two segments' evaluations, in words; empty when they are shards of one evaluation. */
function differences(a: SegmentMeta, b: SegmentMeta): string[] {
  const ka = a.meta.key;
  const kb = b.meta.key;
  const fields: Array<[string, unknown, unknown]> = [
    ['model', ka.model.name, kb.model.name],
    ['model sha256', ka.model.sha256, kb.model.sha256],
    ['corpus', `${ka.dataset.corpus}/${ka.dataset.split}`, `${kb.dataset.corpus}/${kb.dataset.split}`],
    ['corpus manifest hash', ka.dataset.manifestSha256, kb.dataset.manifestSha256],
    ['preprocessing', ka.preprocessing, kb.preprocessing],
    ['class lists', ka.classes, kb.classes],
    ['label map', ka.labelMap, kb.labelMap],
    ['engine settings', evaluationKey(ka).extra, evaluationKey(kb).extra],
    ['harness version', a.shard.harness, b.shard.harness],
    ['shard count', a.shard.count, b.shard.count],
  ];
  const text = (v: unknown) => (typeof v === 'string' ? v : canonicalJson(v ?? null));
  const out = fields.filter(([, x, y]) => text(x) !== text(y)).map(([name, x, y]) => `${name} (${text(x)} vs ${text(y)})`);
  // Anything else in the key (a field added later) still refuses the merge.
  if (out.length === 0 && canonicalJson(evaluationKey(ka)) !== canonicalJson(evaluationKey(kb))) out.push('store key');
  return out;
}

/**
 * Checks, from the segments' meta alone, that they are the n shards of one evaluation, each once and
 * each complete; returns them by index. (An evaluation mismatch is reported first: a segment left by an
 * older fer-bench is incomplete as often as not, and "another version" is what the user must know.)
 */
function checkShardSet(segments: SegmentMeta[]): SegmentMeta[] {
  if (segments.length === 0) throw new BenchError('BAD_INPUT', 'no segments to merge', { fix: MERGE_FIX });
  const first = segments[0];
  for (const s of segments.slice(1)) {
    const diff = differences(first, s);
    if (diff.length) {
      throw new BenchError('BAD_INPUT', `shard ${s.shard.index}/${s.shard.count} is not a shard of the same evaluation as shard ${first.shard.index}/${first.shard.count} (${first.dir}): different ${diff.join('; ')}`, {
        file: s.dir,
        fix: 'merge only the segments of one evaluation, written by one version of fer-bench; rerun the odd ones out with the same model, corpus and options',
      });
    }
  }
  const n = first.shard.count;
  const byIndex = new Map<number, SegmentMeta>();
  for (const s of segments) {
    const other = byIndex.get(s.shard.index);
    if (other) {
      throw new BenchError('BAD_INPUT', `shard ${s.shard.index}/${n} is given twice: ${other.dir} and ${s.dir}`, { file: s.dir, fix: 'pass each shard once' });
    }
    byIndex.set(s.shard.index, s);
  }
  const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length) {
    throw new BenchError('BAD_INPUT', `shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${n} missing (have ${[...byIndex.keys()].sort((a, b) => a - b).join(', ')})`, {
      file: dirname(first.dir),
      fix: `run array task${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (bench eval … --shard ${missing[0]}/${n}) and pass ${missing.length > 1 ? 'their directories' : 'its directory'} too`,
    });
  }
  const ordered = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!);
  for (const { dir, meta, shard } of ordered) {
    if (!meta.complete) {
      throw new BenchError('BAD_INPUT', `shard ${shard.index}/${n} is incomplete: its task was interrupted or is still running`, {
        file: dir,
        fix: `wait for array task ${shard.index}, or resubmit it (bench eval … --shard ${shard.index}/${n} resumes the segment), then merge again`,
      });
    }
  }
  return ordered;
}

async function loadSegment(s: SegmentMeta): Promise<Segment> {
  const store = await readScorableStore(s.dir);
  const summary = store.summary.shard;
  if (!summary) throw new BenchError('BAD_INPUT', `shard ${s.shard.index}/${s.shard.count} has no shard summary (written by an older fer-bench)`, { file: s.dir, fix: 'delete the segment and run its task again' });
  return { ...s, store, summary };
}

/** The sample a record belongs to: its clip for video corpora (one record per frame, plus the clip's own), else itself. */
const sampleOf = (r: PredictionRecord): string => (r as PredictionRecord & { clip?: string }).clip ?? r.id;

/** Checks that the complete segments' parts add up to the totals every shard recorded of the whole corpus. */
function checkParts(ordered: Segment[]): void {
  const first = ordered[0];
  const n = first.shard.count;
  const seen = new Set<string>();
  for (const s of ordered) {
    const { summary: shard, store } = s;
    const fail = (what: string) => new BenchError('BAD_INPUT', `shard ${shard.index}/${n}: ${what}`, { file: s.dir, fix: 'the segment was changed after its run: delete it and run its task again' });
    if (shard.corpusItems !== first.summary.corpusItems || shard.corpusSkipped !== first.summary.corpusSkipped || shard.corpusFlagged !== first.summary.corpusFlagged) {
      throw fail(`its corpus totals (${shard.corpusItems} items) differ from shard ${first.shard.index}'s (${first.summary.corpusItems})`);
    }
    const units = new Set(store.records.map(sampleOf));
    if (units.size !== shard.end - shard.start || store.summary.corpus.items !== units.size) {
      throw fail(`records of ${units.size} items for a block of ${shard.end - shard.start}`);
    }
    for (const u of units) {
      if (seen.has(u)) throw fail(`item ${u} is in another shard too`);
      seen.add(u);
    }
    const skipped = Object.values(store.summary.corpus.skippedByReason).reduce((a, b) => a + b, 0);
    const flagged = Object.values(store.summary.corpus.flaggedByReason).reduce((a, b) => a + b, 0);
    if (shard.index === 0 ? skipped !== shard.corpusSkipped || flagged !== shard.corpusFlagged : skipped + flagged > 0) {
      throw fail(`its loader skips (${skipped}) and flags (${flagged}) do not match the corpus totals (shard 0 holds all ${shard.corpusSkipped} and ${shard.corpusFlagged})`);
    }
  }
  if (seen.size !== first.summary.corpusItems) {
    throw new BenchError('BAD_INPUT', `the shards hold ${seen.size} items, the corpus ${first.summary.corpusItems}`, { file: first.dir, fix: 'delete the segments and run the array again' });
  }
  const corpusOf = (s: Segment) => {
    const { items: _i, skippedByReason: _s, flaggedByReason: _f, root: _r, ...rest } = s.store.summary.corpus;
    return canonicalJson(rest);
  };
  for (const s of ordered) {
    if (corpusOf(s) !== corpusOf(first)) {
      throw new BenchError('BAD_INPUT', `shard ${s.shard.index}/${n} read the corpus differently from shard ${first.shard.index} (layout, classes or source labels)`, { file: s.dir, fix: 'run every task with the same --dataset, --layout and --label-map' });
    }
  }
}

/**
 * The shards' skip logs as one: every loader skip (shard 0's), then every run-time skip, in shard order.
 * A segment's log is `skips-<corpus load key>.jsonl` (one per corpus load, see evaluate.ts); the merged
 * store keeps it as `skips.jsonl`, which `bench score --store` reads with the store's own corpus summary.
 */
async function mergeSkipLogs(segments: readonly Segment[], dir: string): Promise<void> {
  const load: string[] = [];
  const run: string[] = [];
  for (const s of segments) {
    const logs = (await readdir(s.dir)).filter((f) => /^skips-[0-9a-f]+\.jsonl$/.test(f) || f === LEGACY_SKIP_LOG_FILE).sort();
    if (logs.length > 1) {
      throw new BenchError('BAD_INPUT', `shard ${s.shard.index}/${s.shard.count} holds skip logs of ${logs.length} corpus loads (${logs.join(', ')})`, {
        file: s.dir,
        fix: 'run every task of one evaluation on the same corpus; delete the segments and run the array again',
      });
    }
    if (logs.length === 0) continue;
    const text = await readFile(join(s.dir, logs[0]), 'utf8');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      ((JSON.parse(line) as { stage?: string }).stage === 'load' ? load : run).push(line);
    }
  }
  const lines = [...load, ...run];
  await writeFileAtomic(join(dir, LEGACY_SKIP_LOG_FILE), lines.length ? lines.join('\n') + '\n' : '');
}

/** Merges the segment directories into one store and scores it (see the module comment). */
export async function mergeSegments(dirs: readonly string[], opts: MergeOptions = {}): Promise<MergeResult> {
  const set = checkShardSet(await Promise.all(dirs.map((d) => readSegmentMeta(resolve(d)))));
  const segments: Segment[] = [];
  for (const s of set) segments.push(await loadSegment(s));
  checkParts(segments);
  const parents = new Set(segments.map((s) => dirname(s.dir)));
  if (opts.storeDir === undefined && parents.size > 1) {
    throw new BenchError('BAD_INPUT', `the segments are in ${parents.size} folders (${[...parents].join(', ')})`, { fix: 'say where the merged store goes: --store-dir DIR' });
  }
  const baseDir = opts.storeDir ?? [...parents][0];
  const first = segments[0].store;
  const key = evaluationKey(first.meta.key);
  const shards: ShardProvenance[] = segments.map((s) => ({
    index: s.shard.index,
    count: s.shard.count,
    dir: s.dir,
    host: s.summary.host,
    records: s.store.records.length,
    completed: s.store.meta.complete!.date,
    harness: s.summary.harness,
  }));
  // The whole corpus's summary: shard 0's (it holds the loader's skips and flags) with every shard's items.
  const { shard: _shard, ...rest } = first.summary;
  const summary: StoreSummary & { mergedFrom: ShardProvenance[] } = {
    ...rest,
    corpus: { ...first.summary.corpus, items: segments.reduce((n, s) => n + s.store.summary.corpus.items, 0) },
    mergedFrom: shards,
  };

  const store = await openStore({ key, baseDir, fsync: opts.fsync });
  try {
    // Appending is idempotent (ids already stored are skipped), so a merge that crashed is simply run again.
    for (const s of segments) await store.append(s.store.records);
    await store.markComplete(summary);
  } finally {
    await store.close();
  }
  await mergeSkipLogs(segments, store.dir);
  const record = await rescoreStore(store.dir, opts);
  return { storeDir: store.dir, key, record: { ...record, shards } };
}
