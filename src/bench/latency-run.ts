/**
 * One latency run as a run record: the engine timed by `measureLatency`, with session-creation time,
 * first-run time and full provenance. Accuracy is never part of it (MLPerf keeps the two apart).
 */
import type { OpenedModel } from '../models/open.js';
import { measureLatency, type LatencyOptions } from './latency.js';
import { hostInfo, toolInfo } from './provenance.js';
import type { RunRecord } from './records.js';

export interface LatencyRunRecord extends RunRecord {
  kind: 'latency';
  latency: NonNullable<RunRecord['latency']>;
  /** Per-call latencies (ms) of the timed runs, for distribution plots. */
  samplesMs: number[];
}

export async function runLatency(opened: OpenedModel, opts: LatencyOptions = {}): Promise<LatencyRunRecord> {
  const { samplesMs, ...stats } = await measureLatency(opened.engine, opts);
  const { card, engine, weights } = opened;
  return {
    schemaVersion: 1,
    kind: 'latency',
    replica: weights.replica,
    latency: { ...stats, sessionCreateMs: opened.sessionCreateMs },
    published: card.published
      .filter((p) => p.metric === 'latency_ms')
      .map((p) => ({ metric: p.metric, protocol: p.protocol, value: p.value, source: p.source })),
    provenance: {
      tool: toolInfo(),
      model: { name: card.name, file: weights.file, sha256: weights.sha256, replica: weights.replica, format: weights.format },
      engine: { ...engine.info },
      batchSize: stats.batchSize,
      seed: opts.seed ?? 0,
      host: hostInfo(),
      date: new Date().toISOString(),
    },
    samplesMs,
  };
}
