/**
 * The latency benchmark: warm-up, then timed engine calls until both a minimum duration and a minimum
 * count are met (MLPerf's rule), capped by a maximum duration. Only the engine call is timed; the input
 * batch is built once beforehand, as onnxruntime's maintainers advise.
 */
import { performance } from 'node:perf_hooks';
import type { Engine, Tensor } from '../models/engines/engine.js';
import type { LatencyStats } from './records.js';
import { summarizeLatency } from './latency-stats.js';

export interface LatencyOptions {
  /** Items per engine call. Default 1. */
  batchSize?: number;
  /** Untimed calls before measuring. Default 10. */
  warmupRuns?: number;
  /** Keep timing until this many milliseconds have passed... Default 5000. */
  minDurationMs?: number;
  /** ...and at least this many calls were timed. Default 100. */
  minRuns?: number;
  /** Stop here even if the minimums are not met; the result is then marked invalid. Default 60000. */
  maxDurationMs?: number;
  /** Seed of the random input batch. Default 0. */
  seed?: number;
  /** Called after every timed run with the number done so far (for progress bars). */
  onProgress?: (done: number, elapsedMs: number) => void;
  /** Stops the run between two engine calls (Ctrl-C): the promise rejects with a LatencyAborted. No default. */
  signal?: AbortSignal;
}

/** A run stopped by its signal: no statistics, since a cut-short distribution is not a result. */
export class LatencyAborted extends Error {
  constructor(readonly timedRuns: number) {
    super(`latency run stopped after ${timedRuns} timed calls`);
    this.name = 'LatencyAborted';
  }
}

export interface LatencyResult extends LatencyStats {
  firstRunMs: number;
  warmupRuns: number;
  minDurationMs: number;
  minRuns: number;
  valid: boolean;
  /** Every timed call's latency in ms, in order, for distribution plots. */
  samplesMs: number[];
}

/** A deterministic input batch in the engine's input shape, values in a plausible normalised range. */
export function syntheticInput(engine: Engine, batchSize: number, seed = 0): Tensor {
  const dims = engine.inputShape.map((d, i) => (i === 0 || d < 0 ? batchSize : d));
  const size = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  let s = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < size; i++) {
    // xorshift32: fast, seeded, good enough for filler pixels.
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    data[i] = (s / 0xffffffff) * 4 - 2;
  }
  return { data, dims };
}

export async function measureLatency(engine: Engine, opts: LatencyOptions = {}): Promise<LatencyResult> {
  const batchSize = opts.batchSize ?? 1;
  const warmupRuns = opts.warmupRuns ?? 10;
  const minDurationMs = opts.minDurationMs ?? 5000;
  const minRuns = opts.minRuns ?? 100;
  const maxDurationMs = Math.max(opts.maxDurationMs ?? 60000, 0);
  const input = syntheticInput(engine, batchSize, opts.seed ?? 0);

  const stopIfAborted = (timed: number) => {
    if (opts.signal?.aborted) throw new LatencyAborted(timed);
  };
  stopIfAborted(0);
  let t0 = performance.now();
  await engine.run(input);
  const firstRunMs = performance.now() - t0;
  for (let i = 0; i < warmupRuns; i++) {
    stopIfAborted(0);
    await engine.run(input);
  }

  const samplesMs: number[] = [];
  const start = performance.now();
  let elapsed = 0;
  // At least one timed call, so even a zero budget yields statistics (marked invalid).
  while (samplesMs.length === 0 || ((elapsed < minDurationMs || samplesMs.length < minRuns) && elapsed < maxDurationMs)) {
    stopIfAborted(samplesMs.length);
    t0 = performance.now();
    await engine.run(input);
    const t1 = performance.now();
    samplesMs.push(t1 - t0);
    elapsed = t1 - start;
    opts.onProgress?.(samplesMs.length, elapsed);
  }
  const valid = elapsed >= minDurationMs && samplesMs.length >= minRuns;
  return { ...summarizeLatency(samplesMs, batchSize, elapsed), firstRunMs, warmupRuns, minDurationMs, minRuns, valid, samplesMs };
}
