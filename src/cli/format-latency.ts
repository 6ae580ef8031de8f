/** The human-readable report of latency runs: every statistic of each run, and where its record went. */
import type { LatencyRunRecord } from '../bench/latency-run.js';

const ms = (v: number) => `${v.toFixed(2)} ms`;

export function formatLatencyReport(runs: ReadonlyArray<{ record: LatencyRunRecord; file: string | null }>): string {
  return runs.map(({ record, file }) => formatOne(record, file)).join('\n\n');
}

function formatOne(r: LatencyRunRecord, file: string | null): string {
  const l = r.latency;
  const p = r.provenance;
  const e = p.engine;
  const lines = [
    `${p.model.name}${r.replica ? '  [REPLICA: random weights, same architecture — latency only, never accuracy]' : ''}`,
    `  engine      ${e.engine} ${e.version} (${e.backend}), device ${e.device}, threads ${e.threads || 'auto'}, batch ${l.batchSize}`,
    `  weights     ${p.model.file ?? '(built in memory)'}${p.model.sha256 ? `  sha256 ${p.model.sha256.slice(0, 16)}…` : ''}`,
    `  host        ${p.host.cpu}, ${p.host.cores} cores, Node ${p.host.node}`,
    `  session     ${ms(l.sessionCreateMs)} to create, first run ${ms(l.firstRunMs)}, ${l.warmupRuns} warm-up runs`,
    `  latency     p50 ${ms(l.p50Ms)}  p90 ${ms(l.p90Ms)}  p95 ${ms(l.p95Ms)}  p99 ${ms(l.p99Ms)}  p99.9 ${ms(l.p999Ms)}`,
    `              mean ${ms(l.meanMs)} ± ${l.sdMs.toFixed(2)}  min ${ms(l.minMs)}  max ${ms(l.maxMs)}  (per call of ${l.batchSize})`,
    `  throughput  ${l.throughput.toFixed(1)} items/s over n = ${l.n} calls`,
    `  validity    ${l.valid ? 'valid' : `INVALID: stopped before both minimums (${l.minDurationMs} ms and ${l.minRuns} runs) were met; raise --max-duration`}`,
  ];
  for (const pub of r.published ?? []) lines.push(`  published   ${pub.value} ms (${pub.protocol}; ${pub.source}) — other hardware, not comparable`);
  if (file) lines.push(`  record      ${file}`);
  return lines.join('\n');
}
