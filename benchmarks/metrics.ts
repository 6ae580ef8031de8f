/**
 * Speed of the metrics module (prints figures; no assertions). Targets from issue 3:
 * - every metric from 1,000,000 predictions in under 100 ms;
 * - 10,000 bootstrap resamples of 4,000 items in under 1 s.
 * Run: node --import tsx benchmarks/metrics.ts
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  bootstrap,
  classificationMetrics,
  concatStatistics,
  confusionMatrix,
  confusionStatistic,
  createRng,
  meanStatistic,
  regressionMetrics,
  regressionStatistic,
  scoreClassification,
  topKHits,
  trueClassRanks,
  hitsFromRanks,
} from '../src/bench/metrics/index.js';

const K = 8;
const classes = Array.from({ length: K }, (_, i) => `c${i}`);

function synthetic(n: number, seed: number) {
  const rng = createRng(seed);
  const labels = new Int32Array(n);
  const preds = new Int32Array(n);
  const scores = new Float64Array(n * K);
  const va = new Float64Array(n);
  const vaTrue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = rng.nextBelow(K);
    for (let c = 0; c < K; c++) scores[i * K + c] = rng.nextFloat() + (c === labels[i] ? 0.3 : 0);
    let best = 0;
    for (let c = 1; c < K; c++) if (scores[i * K + c] > scores[i * K + best]) best = c;
    preds[i] = best;
    vaTrue[i] = rng.nextFloat() * 2 - 1;
    va[i] = 0.7 * vaTrue[i] + 0.3 * (rng.nextFloat() * 2 - 1);
  }
  return { labels, preds, scores, va, vaTrue };
}

/**
 * Wall-clock and CPU time (user + system) per run: on a shared machine the CPU time is the steadier
 * figure, the wall-clock minimum the closest to an idle machine.
 */
function time(label: string, runs: number, fn: () => void): void {
  fn(); // warm-up (JIT)
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const f = (v: number) => v.toFixed(1).padStart(7);
  console.log(`${label.padEnd(64)} wall median ${f(median(wall))} ms, min ${f(Math.min(...wall))} ms | cpu median ${f(median(cpu))} ms`);
}

const big = synthetic(1_000_000, 1);
console.log(`node ${process.version}, K = ${K}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${os.cpus().length} CPUs`);
time('1M items: confusion matrix + all classification metrics', 7, () => {
  classificationMetrics(confusionMatrix(big.labels, big.preds, K));
});
time('1M items: top-2 and top-3 accuracy from scores (one rank pass)', 7, () => {
  const ranks = trueClassRanks(big.scores, big.labels, K);
  hitsFromRanks(ranks, 2);
  hitsFromRanks(ranks, 3);
});
time('1M items: CCC, Pearson, RMSE, SAGR', 7, () => {
  regressionMetrics(big.va, big.vaTrue);
});
time('1M items: all of the above (scoreClassification + regression)', 7, () => {
  scoreClassification({ labels: big.labels, preds: big.preds, scores: big.scores, classes }, { resamples: 0 });
  regressionMetrics(big.va, big.vaTrue);
});

const small = synthetic(4000, 2);
time('bootstrap 10,000 × 4,000 items: all classification metrics', 5, () => {
  bootstrap(confusionStatistic(small.labels, small.preds, classes), 4000, { resamples: 10_000, seed: 1 });
});
time('bootstrap 10,000 × 4,000 items: + top-2/3 + CCC/r/RMSE/SAGR', 5, () => {
  const stat = concatStatistics([
    confusionStatistic(small.labels, small.preds, classes),
    meanStatistic('top2', topKHits(small.scores, small.labels, K, 2)),
    meanStatistic('top3', topKHits(small.scores, small.labels, K, 3)),
    regressionStatistic(small.va, small.vaTrue, 'va.'),
  ]);
  bootstrap(stat, 4000, { resamples: 10_000, seed: 1 });
});
const groups = Array.from({ length: 4000 }, (_, i) => `clip${Math.floor(i / 16)}`);
time('group bootstrap 10,000 × 250 groups of 16: classification', 5, () => {
  bootstrap(confusionStatistic(small.labels, small.preds, classes), 4000, { resamples: 10_000, seed: 1, groups });
});
