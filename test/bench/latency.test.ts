/**
 * The latency benchmark on a real onnxruntime session (the tiny model of tiny-model.ts), and the
 * summary statistics on hand-made samples. No assertion is about how fast anything is: only counts,
 * the validity rule, the order of the statistics and exact values on known samples.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatencyAborted, measureLatency, syntheticInput, type LatencyResult } from '../../src/bench/latency.js';
import { runLatency } from '../../src/bench/latency-run.js';
import { quantileSorted } from '../../src/bench/metrics/bootstrap.js';
import { summarizeLatency } from '../../src/bench/latency-stats.js';
import { openModel, type OpenedModel } from '../../src/models/open.js';
import { TINY_SIZE, writeTinyModel, type TinyModel } from './tiny-model.js';

let root: string;
let tiny: TinyModel;
let opened: OpenedModel;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-latency-'));
  tiny = await writeTinyModel(root);
  opened = await openModel(tiny.card, { weightsPath: tiny.onnxPath, threads: 1 });
});

after(async () => {
  await opened?.engine.dispose();
  await rm(root, { recursive: true, force: true });
});

const close = (a: number, b: number, what: string, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

/** Everything a result's statistics must satisfy, whatever the timings were. */
function assertConsistent(r: LatencyResult): void {
  assert.equal(r.samplesMs.length, r.n);
  assert.ok(r.samplesMs.every((v) => Number.isFinite(v) && v >= 0));
  const order = [r.minMs, r.p50Ms, r.p90Ms, r.p95Ms, r.p99Ms, r.p999Ms, r.maxMs];
  for (let i = 1; i < order.length; i++) assert.ok(order[i - 1] <= order[i], `min ≤ p50 ≤ p90 ≤ p95 ≤ p99 ≤ p99.9 ≤ max: ${order.join(' ')}`);
  assert.ok(r.minMs <= r.meanMs && r.meanMs <= r.maxMs);
  // The summary is exactly that of the samples returned.
  const sorted = [...r.samplesMs].sort((a, b) => a - b);
  assert.equal(r.minMs, sorted[0]);
  assert.equal(r.maxMs, sorted.at(-1));
  assert.equal(r.p50Ms, quantileSorted(sorted, 0.5));
  close(r.meanMs, sorted.reduce((a, b) => a + b, 0) / r.n, 'mean', 1e-9);
  assert.ok(r.sdMs >= 0);
  assert.ok(r.throughput > 0);
}

test('measureLatency on a real ORT session: at least minRuns timed calls, valid, ordered percentiles', async () => {
  const calls: number[] = [];
  const r = await measureLatency(opened.engine, { minRuns: 40, minDurationMs: 0, warmupRuns: 3, batchSize: 2, onProgress: (done) => calls.push(done) });
  assert.ok(r.n >= 40, `n = ${r.n}`);
  assert.equal(r.valid, true);
  assert.equal(r.batchSize, 2);
  assert.equal(r.warmupRuns, 3);
  assert.equal(r.minRuns, 40);
  assert.ok(Number.isFinite(r.firstRunMs) && r.firstRunMs >= 0);
  assert.deepEqual(calls, Array.from({ length: r.n }, (_, i) => i + 1), 'one progress call per timed run');
  assertConsistent(r);
});

test('measureLatency stops at maxDurationMs and marks the result invalid when the minimums are not met', async () => {
  const r = await measureLatency(opened.engine, { minRuns: 1_000_000_000, minDurationMs: 0, maxDurationMs: 20, warmupRuns: 0 });
  assert.equal(r.valid, false);
  assert.ok(r.n >= 1 && r.n < 1_000_000_000);
  assertConsistent(r);
  // Same with the duration as the unmet minimum.
  const d = await measureLatency(opened.engine, { minRuns: 1, minDurationMs: 60_000, maxDurationMs: 20, warmupRuns: 0 });
  assert.equal(d.valid, false);
  assert.ok(d.n >= 1);
});

test('measureLatency stops between two calls when its signal is aborted (Ctrl-C), with no statistics', async () => {
  const controller = new AbortController();
  await assert.rejects(
    measureLatency(opened.engine, {
      warmupRuns: 0,
      minDurationMs: 3_600_000,
      maxDurationMs: 3_600_000,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 7) controller.abort();
      },
    }),
    (e: unknown) => e instanceof LatencyAborted && e.timedRuns === 7,
  );
  const before = new AbortController();
  before.abort();
  await assert.rejects(measureLatency(opened.engine, { signal: before.signal }), (e: unknown) => e instanceof LatencyAborted && e.timedRuns === 0);
});

test('syntheticInput fills the engine input shape, deterministically by seed', () => {
  const a = syntheticInput(opened.engine, 3, 5);
  assert.deepEqual(a.dims, [3, 3, TINY_SIZE, TINY_SIZE]);
  assert.equal(a.data.length, 3 * 3 * TINY_SIZE * TINY_SIZE);
  assert.ok(a.data.every((v) => v >= -2 && v <= 2));
  assert.deepEqual(syntheticInput(opened.engine, 3, 5).data, a.data);
  assert.notDeepEqual(syntheticInput(opened.engine, 3, 6).data, a.data);
});

test('runLatency makes a latency run record with provenance and the published latency', async () => {
  const r = await runLatency(opened, { minRuns: 5, minDurationMs: 0, warmupRuns: 1 });
  assert.equal(r.kind, 'latency');
  assert.equal(r.replica, false);
  assert.ok(r.latency.n >= 5);
  assert.equal(r.samplesMs.length, r.latency.n);
  assert.equal(r.latency.sessionCreateMs, opened.sessionCreateMs);
  assert.equal(r.provenance.model.sha256, tiny.sha256);
  assert.equal(r.provenance.engine.engine, 'onnxruntime-node');
  assert.equal(r.provenance.engine.threads, 1);
  assert.deepEqual(r.published, [], 'the tiny card publishes no latency');
});

test('summarizeLatency: exact statistics of hand-made samples (numpy linear interpolation)', () => {
  // np.percentile([1, 2, 3, 4], [50, 90, 95, 99, 99.9]) = [2.5, 3.7, 3.85, 3.97, 3.997]; order of input irrelevant.
  const s = summarizeLatency([4, 1, 3, 2], 2, 10);
  assert.equal(s.n, 4);
  assert.equal(s.batchSize, 2);
  assert.equal(s.minMs, 1);
  assert.equal(s.maxMs, 4);
  assert.equal(s.meanMs, 2.5);
  close(s.sdMs, Math.sqrt(5 / 3), 'sd (n - 1)'); // ((1.5² + 0.5²) × 2) / 3
  assert.equal(s.p50Ms, 2.5);
  close(s.p90Ms, 3.7, 'p90');
  close(s.p95Ms, 3.85, 'p95');
  close(s.p99Ms, 3.97, 'p99');
  close(s.p999Ms, 3.997, 'p99.9');
  assert.equal(s.throughput, 800); // 4 calls × 2 items in 10 ms

  // Odd size: p50 is the middle value; np.percentile(range(1, 12), 90) = 10.
  const odd = summarizeLatency([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 1, 1000);
  assert.equal(odd.p50Ms, 6);
  assert.equal(odd.p90Ms, 10);
  close(odd.p95Ms, 10.5, 'p95');
  close(odd.p99Ms, 10.9, 'p99');
  assert.equal(odd.throughput, 11);

  // Latencies sort numerically, not as strings (10 < 9 as text).
  const mixed = summarizeLatency([10, 9, 100, 2], 1, 1);
  assert.deepEqual([mixed.minMs, mixed.maxMs, mixed.p50Ms], [2, 100, 9.5]);

  const one = summarizeLatency([7.25], 1, 7.25);
  assert.deepEqual([one.n, one.sdMs, one.p50Ms, one.p999Ms, one.minMs, one.maxMs], [1, 0, 7.25, 7.25, 7.25, 7.25]);

  const none = summarizeLatency([], 1, 0);
  assert.equal(none.n, 0);
  assert.ok([none.meanMs, none.p50Ms, none.minMs, none.maxMs, none.throughput].every(Number.isNaN));
});
