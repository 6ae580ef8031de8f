/**
 * Summary statistics of a latency sample, as MLPerf LoadGen and onnxruntime_perf_test report them.
 * Percentiles use linear interpolation between order statistics (numpy's default), so p50 of an
 * even-sized sample is the mean of the two middle values.
 */
import { quantileSorted } from './metrics/bootstrap.js';
import type { LatencyStats } from './records.js';

/**
 * @param callMs per-call latencies in milliseconds
 * @param batchSize items per call (throughput counts items)
 * @param wallMs wall time of the timed loop; throughput = items / wall time
 */
export function summarizeLatency(callMs: readonly number[], batchSize: number, wallMs: number): LatencyStats {
  const sorted = Float64Array.from(callMs).sort();
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (const v of sorted) ss += (v - mean) * (v - mean);
  return {
    n,
    batchSize,
    meanMs: mean,
    // Sample standard deviation (n-1): the spread of a run's latencies, not of the mean.
    sdMs: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    minMs: n ? sorted[0] : NaN,
    maxMs: n ? sorted[n - 1] : NaN,
    p50Ms: quantileSorted(sorted, 0.5),
    p90Ms: quantileSorted(sorted, 0.9),
    p95Ms: quantileSorted(sorted, 0.95),
    p99Ms: quantileSorted(sorted, 0.99),
    p999Ms: quantileSorted(sorted, 0.999),
    throughput: wallMs > 0 ? (n * batchSize * 1000) / wallMs : NaN,
  };
}
