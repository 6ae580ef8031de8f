/**
 * The latency table: one row per model × engine × device × threads × batch, with the distribution of
 * per-call latency (p50/p90/p99, mean ± sd) and throughput. Replica runs belong here (that is what
 * replicas are for) and are marked `(replica)`.
 */
import * as aq from 'arquero';
import { BenchError } from '../errors.js';
import { fixed } from './format.js';
import { DEMO_NOTE, listFiles, REPLICA_LATENCY_NOTE, sourcesNote } from './notes.js';
import { engineLabel, HOW_TO_MAKE_RUNS, latencyRows, modelLabel, selectNewest, type LoadedRun, type LatencyRow } from './results.js';
import type { TextColumn, TextTable } from './table.js';

const ms = (v: number) => fixed(v, 2);

/** `Intel(R) Xeon(R) Processor, 2 cores, linux 6.1 x64, Node v20.20.2`. */
export function hostLabel(host: { cpu: string; cores: number; platform?: string; node?: string } | undefined): string {
  if (!host) return 'unknown host';
  return [host.cpu, `${host.cores} cores`, host.platform, host.node ? `Node ${host.node}` : undefined].filter(Boolean).join(', ');
}

/** Builds the table from latency runs (other kinds are ignored); the newest run of each setup is used. */
export function latencyTable(runs: readonly LoadedRun[]): TextTable {
  const { runs: newest, notes } = selectNewest(runs.filter((r) => r.record.kind === 'latency'));
  if (newest.length === 0) throw new BenchError('BAD_INPUT', 'no latency run records to tabulate', { fix: HOW_TO_MAKE_RUNS });
  const rows = aq
    .from(latencyRows(newest))
    .orderby('model', 'replica', 'demo', 'engine', 'version', 'backend', 'device', 'threads', 'batch')
    .objects() as LatencyRow[];
  const hasPublished = rows.some((r) => r.published !== null);
  // Latency means nothing without the machine: one host goes in a note, several get a column.
  const hostOf = new Map(newest.map((run) => [run.file, hostLabel(run.record.provenance.host)]));
  const hosts = [...new Set(rows.map((r) => hostOf.get(r.runFile) ?? 'unknown host'))];
  const hostColumn = hosts.length > 1;

  const columns: TextColumn[] = [
    { title: 'Model', align: 'l' },
    { title: 'Engine', align: 'l' },
    { title: 'Device', align: 'l' },
    { title: 'Threads', align: 'r' },
    { title: 'Batch', align: 'r' },
    { title: 'p50 (ms)', align: 'r' },
    { title: 'p90 (ms)', align: 'r' },
    { title: 'p99 (ms)', align: 'r' },
    { title: 'mean ± sd (ms)', align: 'r' },
    { title: 'items/s', align: 'r' },
    ...(hasPublished ? [{ title: 'pub. (ms)', align: 'r' } as const] : []),
    ...(hostColumn ? [{ title: 'Host', align: 'l' } as const] : []),
  ];
  const textRows = rows.map((r) => ({
    Model: modelLabel(r) + (r.valid ? '' : ' (short run)'),
    Engine: engineLabel(r),
    Device: r.device,
    // 0 threads means the engine chose; say so rather than print a misleading 0.
    Threads: r.threads === 0 ? 'auto' : String(r.threads),
    Batch: String(r.batch),
    'p50 (ms)': ms(r.p50Ms),
    'p90 (ms)': ms(r.p90Ms),
    'p99 (ms)': ms(r.p99Ms),
    'mean ± sd (ms)': `${ms(r.meanMs)} ± ${ms(r.sdMs)}`,
    'items/s': fixed(r.throughput, 1),
    ...(hasPublished ? { 'pub. (ms)': r.published === null ? '-' : String(r.published) } : {}),
    ...(hostColumn ? { Host: hostOf.get(r.runFile) ?? 'unknown host' } : {}),
  }));
  if (!hostColumn) notes.push(`Host: ${hosts[0]}; Threads is the engine's intra-op thread count (auto = the engine's default).`);

  if (rows.some((r) => r.replica)) notes.push(REPLICA_LATENCY_NOTE);
  if (rows.some((r) => r.demo)) notes.push(DEMO_NOTE);
  const short = rows.filter((r) => !r.valid).map((r) => r.runFile);
  if (short.length) notes.push(`(short run) rows stopped at the maximum duration before the minimum duration and run count were met: ${listFiles(short)}.`);
  const sources = sourcesNote(rows, "Published latencies (measured on the source's hardware, not comparable one to one)");
  if (sources) notes.push(sources);

  return {
    columns,
    rows: textRows,
    legend: `Latency of one engine call in ms (percentiles and mean ± sd over the timed calls after warm-up); items/s = throughput${
      hasPublished ? '; pub. = published latency' : ''
    }.`,
    notes,
    data: rows,
  };
}
