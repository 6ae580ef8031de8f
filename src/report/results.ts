/**
 * Run records → flat rows. Reads the JSON run records a run directory holds, checks just enough of
 * each to report on it (a file that is not a run record is an error naming it), keeps the newest run
 * of each setup, and flattens what is left into long-format rows: one per metric for accuracy-style
 * tables, one per run for latency tables. Tables, CSV and figures are all built from these rows.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BenchError } from '../errors.js';
import { verifyJsonChecksum } from '../util/json-checksum.js';
import { resizeKernelOf, type RunRecord } from '../bench/records.js';
import { applicablePublished } from '../models/published.js';
import { metricKey, publishedToRecordScale, roundNoise } from './format.js';

/** One run record and the file it came from (the file is quoted in notes and in the CSV). */
export interface LoadedRun {
  file: string;
  record: RunRecord;
}

/** The fix sentence for "there are no run records here". */
export const HOW_TO_MAKE_RUNS =
  'write run records with `bench eval --model NAME --dataset CORPUS ...` (accuracy) or `bench --model NAME` (latency), or point --runs at the directory that holds them';

/** The protocol a record was scored under; records written before protocols existed read as `default`. */
export function runProtocol(record: RunRecord): string {
  return record.protocol ?? 'default';
}

// Only the fields the report reads are checked; everything else passes through untouched.
const Ci = z.looseObject({ low: z.number(), high: z.number(), level: z.number() });
const Published = z.looseObject({ metric: z.string(), protocol: z.string(), value: z.number(), source: z.string() });
const Provenance = z.looseObject({
  model: z.looseObject({ name: z.string().min(1) }),
  engine: z.looseObject({ engine: z.string(), version: z.string(), backend: z.string(), device: z.string(), threads: z.number() }),
  date: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date'),
});
const Base = {
  schemaVersion: z.literal(1),
  replica: z.boolean(),
  demo: z.boolean().optional(),
  protocol: z.string().optional(),
  published: z.array(Published).optional(),
};
const RunRecordShape = z.discriminatedUnion('kind', [
  z.looseObject({
    ...Base,
    kind: z.literal('eval'),
    metrics: z.record(z.string(), z.looseObject({ value: z.number(), ci: Ci.optional() })),
    provenance: Provenance.extend({ dataset: z.looseObject({ corpus: z.string().min(1) }) }),
  }),
  z.looseObject({
    ...Base,
    kind: z.literal('latency'),
    latency: z.looseObject({
      n: z.number(),
      batchSize: z.number(),
      meanMs: z.number(),
      sdMs: z.number(),
      p50Ms: z.number(),
      p90Ms: z.number(),
      p99Ms: z.number(),
      throughput: z.number(),
    }),
    provenance: Provenance,
  }),
]);

/** Parses and checks one run record; `file` is only used to name the culprit in errors. */
export function parseRunRecord(text: string, file: string): RunRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new BenchError('BAD_INPUT', `${file} is not valid JSON, so it is not a run record`, {
      file,
      cause,
      fix: 'remove the file from the run directory or re-run the benchmark that wrote it',
    });
  }
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    // Records written before checksums have none: read as before.
    const checked = verifyJsonChecksum(json);
    if (checked.value === null) {
      throw new BenchError('BAD_INPUT', `${file} is a damaged run record: ${checked.reason}`, {
        file,
        fix: 'it is written atomically, so a byte was changed on disk or by hand: restore it, or re-score its store (bench score --store DIR) or re-run the benchmark',
      });
    }
    json = checked.value;
  }
  const result = RunRecordShape.safeParse(json);
  if (!result.success) {
    const why = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
      .join('; ');
    throw new BenchError('BAD_INPUT', `${file} is not a run record (${why})`, {
      file,
      fix: 'keep only run records (written by `bench eval` or `bench --model`) in the run directory',
    });
  }
  return json as RunRecord;
}

/**
 * Reads every `*.json` directly inside each directory (sorted by name; sub-directories are not
 * searched) and every file named explicitly.
 */
export async function loadRunRecords(source: string | readonly string[]): Promise<LoadedRun[]> {
  const runs: LoadedRun[] = [];
  for (const path of typeof source === 'string' ? [source] : source) {
    const info = await stat(path).catch(() => null);
    if (info === null) {
      throw new BenchError('BAD_INPUT', `no run records at ${path}: no such file or directory`, { file: path, fix: HOW_TO_MAKE_RUNS });
    }
    const files = info.isDirectory()
      ? (await readdir(path)).filter((f) => f.endsWith('.json')).sort().map((f) => join(path, f))
      : [path];
    for (const file of files) runs.push({ file, record: parseRunRecord(await readFile(file, 'utf8'), file) });
  }
  return runs;
}

function dateOf(run: LoadedRun): number {
  return Date.parse(run.record.provenance.date);
}

/** What makes two runs "the same setup", so only the newest is reported. */
function setupKey(record: RunRecord): string {
  const p = record.provenance;
  // Corpora are told apart by name, split and manifest: two different corpora never share a cell.
  // A replica record never replaces a real run (it is left out of the table afterwards).
  if (record.kind === 'eval') return ['eval', p.model.name, record.replica, p.dataset?.corpus, p.dataset?.split, p.dataset?.manifestSha256, runProtocol(record)].join('\u0000');
  const e = p.engine;
  return ['latency', p.model.name, record.replica, e.engine, e.version, e.backend, e.device, e.threads, record.latency?.batchSize ?? p.batchSize].join('\u0000');
}

/** The setup in words, for notes: `enet_b0_8_va_mtl on affectnet (8-class)`. */
export function describeSetup(record: RunRecord): string {
  const p = record.provenance;
  if (record.kind === 'eval') {
    const d = p.dataset;
    return `${p.model.name} on ${d?.corpus}/${d?.split} (${runProtocol(record)})`;
  }
  const e = p.engine;
  return `${p.model.name}${record.replica ? ' (replica)' : ''} on ${e.engine} ${e.version} ${e.device}, ${e.threads} threads, batch ${record.latency?.batchSize ?? p.batchSize}`;
}

export interface Selection {
  /** The newest run of each setup, in input order. */
  runs: LoadedRun[];
  /** One sentence per setup that had older runs, naming the kept and the ignored files. */
  notes: string[];
}

/**
 * Keeps the newest run (by provenance.date; ties go to the later file name) of each setup: eval runs
 * are one setup per (model, corpus name, split, manifest hash, protocol), latency runs per (model, replica, engine, version,
 * backend, device, threads, batch).
 */
export function selectNewest(runs: readonly LoadedRun[]): Selection {
  const bySetup = new Map<string, LoadedRun[]>();
  for (const run of runs) {
    const key = setupKey(run.record);
    bySetup.set(key, [...(bySetup.get(key) ?? []), run]);
  }
  const kept = new Set<LoadedRun>();
  const notes: string[] = [];
  for (const group of bySetup.values()) {
    const sorted = [...group].sort((a, b) => dateOf(b) - dateOf(a) || b.file.localeCompare(a.file));
    const [newest, ...older] = sorted;
    kept.add(newest);
    if (older.length > 0) {
      const ignored = older.map((r) => `${r.file} (${r.record.provenance.date})`).join(', ');
      notes.push(`${describeSetup(newest.record)}: kept the newest run ${newest.file} (${newest.record.provenance.date}); ignored ${ignored}.`);
    }
  }
  return { runs: runs.filter((r) => kept.has(r)), notes };
}

/** One metric of one eval run. Rates are fractions (0..1), as in the run record. */
export interface ResultRow {
  model: string;
  corpus: string;
  split: string;
  /** Corpus release (`official`, `march2021`), null when the record does not say. */
  release: string | null;
  manifestSha256: string | null;
  protocol: string;
  metric: string;
  value: number;
  ciLow: number | null;
  ciHigh: number | null;
  /** Confidence level of the interval, e.g. 0.95. */
  ciLevel: number | null;
  /** What the interval resampled: items or groups (clips, actors). */
  ciUnit: 'item' | 'group' | null;
  /** The published value on the record's scale (fractions for rates), when the record carries one. */
  published: number | null;
  publishedSource: string | null;
  /** value − published, on the record's scale. */
  diff: number | null;
  /** Resize kernel of the run, and of the published number when the card names it. */
  resize: string | null;
  publishedResize: string | null;
  /** Evaluated classes the model lacks (their items counted wrong), and classes the corpus does not hold. */
  countedWrong: string[];
  absentFromCorpus: string[];
  /** Items scored (coverage.scored, else the dataset's item count). */
  n: number | null;
  replica: boolean;
  demo: boolean;
  runFile: string;
  date: string;
}

/**
 * The published entry of this metric that applies to the run, by the same rule the run record was written
 * with (src/bench/published.ts): an entry for another split, release or protocol never shows.
 */
function publishedFor(record: RunRecord, metric: string): { value: number; source: string; resize: string | null } | null {
  const d = record.provenance.dataset;
  if (!d) return null;
  const run = { corpus: d.corpus, split: d.split, release: d.release, protocol: runProtocol(record) };
  const hit = applicablePublished(record.published ?? [], run, metricKey).find((p) => metricKey(p.metric) === metricKey(metric));
  return hit ? { value: publishedToRecordScale(metric, hit.value), source: hit.source, resize: hit.resize ?? null } : null;
}

/** Long rows of the eval runs, one per metric; latency runs give none. */
export function resultRows(runs: readonly LoadedRun[]): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const { file, record } of runs) {
    if (record.kind !== 'eval' || !record.metrics) continue;
    const d = record.provenance.dataset;
    const map = (record.labelMap ?? {}) as { countedWrong?: string[]; absentFromCorpus?: string[] };
    const resize = resizeKernelOf(record.provenance.preprocessing);
    for (const [metric, m] of Object.entries(record.metrics)) {
      const pub = publishedFor(record, metric);
      rows.push({
        model: record.provenance.model.name,
        corpus: d?.corpus ?? 'unknown',
        split: d?.split ?? 'unknown',
        release: d?.release ?? null,
        manifestSha256: d?.manifestSha256 ?? null,
        protocol: runProtocol(record),
        metric,
        value: m.value,
        ciLow: m.ci?.low ?? null,
        ciHigh: m.ci?.high ?? null,
        ciLevel: m.ci?.level ?? null,
        ciUnit: (m.ci as { unit?: 'item' | 'group' } | undefined)?.unit ?? null,
        published: pub?.value ?? null,
        publishedSource: pub?.source ?? null,
        diff: pub ? roundNoise(m.value - pub.value) : null,
        resize,
        publishedResize: pub?.resize ?? null,
        countedWrong: map.countedWrong ?? [],
        absentFromCorpus: map.absentFromCorpus ?? [],
        n: record.coverage?.scored ?? record.provenance.dataset?.items ?? null,
        replica: record.replica,
        demo: record.demo === true,
        runFile: file,
        date: record.provenance.date,
      });
    }
  }
  return rows;
}

/** One latency run (kind `latency`; the per-item timings of eval runs are not benchmarks). */
export interface LatencyRow {
  model: string;
  engine: string;
  version: string;
  backend: string;
  device: string;
  threads: number;
  batch: number;
  n: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number | null;
  p99Ms: number;
  meanMs: number;
  sdMs: number;
  throughput: number;
  sessionCreateMs: number | null;
  firstRunMs: number | null;
  /** False when the run stopped before its minimum duration and run count were met. */
  valid: boolean;
  /** Published latency in ms (usually on other hardware: see the source). */
  published: number | null;
  publishedSource: string | null;
  replica: boolean;
  demo: boolean;
  runFile: string;
  date: string;
}

export function latencyRows(runs: readonly LoadedRun[]): LatencyRow[] {
  const rows: LatencyRow[] = [];
  for (const { file, record } of runs) {
    const l = record.latency;
    if (record.kind !== 'latency' || !l) continue;
    const e = record.provenance.engine;
    const pub = (record.published ?? []).find((p) => metricKey(p.metric) === metricKey('latency_ms'));
    rows.push({
      model: record.provenance.model.name,
      engine: e.engine,
      version: e.version,
      backend: e.backend,
      device: e.device,
      threads: e.threads,
      batch: l.batchSize,
      n: l.n,
      p50Ms: l.p50Ms,
      p90Ms: l.p90Ms,
      p95Ms: l.p95Ms ?? null,
      p99Ms: l.p99Ms,
      meanMs: l.meanMs,
      sdMs: l.sdMs,
      throughput: l.throughput,
      sessionCreateMs: l.sessionCreateMs ?? null,
      firstRunMs: l.firstRunMs ?? null,
      valid: l.valid ?? true,
      published: pub?.value ?? null,
      publishedSource: pub?.source ?? null,
      replica: record.replica,
      demo: record.demo === true,
      runFile: file,
      date: record.provenance.date,
    });
  }
  return rows;
}

/** How a model is named in a table row: `enet_b0 (replica)`, `mobilenet_7 (demo)`. */
export function modelLabel(row: { model: string; replica: boolean; demo: boolean }): string {
  return row.model + (row.replica ? ' (replica)' : '') + (row.demo ? ' (demo)' : '');
}

/** The engine as printed: `onnxruntime-node 1.30.0`, with the backend when it is not just the device. */
export function engineLabel(row: Pick<LatencyRow, 'engine' | 'version' | 'backend' | 'device'>): string {
  const backend = row.backend && row.backend !== row.device ? ` (${row.backend})` : '';
  return `${row.engine} ${row.version}${backend}`;
}

/** Per-call latency samples of latency runs that kept them (`samplesMs`), labelled for a figure. */
export function latencySamples(runs: readonly LoadedRun[]): Array<{ label: string; samplesMs: number[] }> {
  const out: Array<{ label: string; samplesMs: number[] }> = [];
  for (const run of runs) {
    const samples = (run.record as RunRecord & { samplesMs?: unknown }).samplesMs;
    const [row] = latencyRows([run]);
    if (!row || !Array.isArray(samples) || samples.length === 0) continue;
    out.push({ label: `${modelLabel(row)} · ${engineLabel(row)} ${row.device} b${row.batch}`, samplesMs: samples.filter((s): s is number => typeof s === 'number') });
  }
  return out;
}
