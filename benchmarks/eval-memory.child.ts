/**
 * Child of eval-memory.ts: one whole evaluation (corpus load → runner → prediction store → scoring) in a
 * fresh process, then one JSON line on stdout with its peak memory. Peak RSS is the kernel's high-water
 * mark (process.resourceUsage().maxRSS, kB, all threads: main, ORT, piscina workers); heap, external and
 * array-buffer peaks are sampled every 50 ms; `phases` is memoryUsage() at the end of each stage, `timeline` the
 * RSS at each tenth of the run.
 *
 *   node --import tsx benchmarks/eval-memory.child.ts <corpusRoot> <storeDir> <model> <batch> <workers> <resamples>
 */
import { evaluate } from '../src/bench/evaluate.js';
import { openCorpus } from '../src/datasets/corpus.js';
import { affectnetProtocol } from '../src/datasets/label-map.js';
import { replicaAsModel } from './replica-as-model.js';

const [root, storeDir, model, batchArg, workersArg, resamplesArg] = process.argv.slice(2);
const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;

const peak = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
const sample = (): NodeJS.MemoryUsage => {
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss);
  peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  peak.external = Math.max(peak.external, m.external);
  peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
  return m;
};
const timer = setInterval(sample, 50);
const phases: Record<string, { rssMb: number; heapUsedMb: number }> = {};
const phase = (name: string) => {
  const m = sample();
  phases[name] = { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed) };
};

phase('start');
const opened = await replicaAsModel(model, 1);
phase('model');
const corpus = await openCorpus('affectnet', { root, split: 'val' });
phase('corpus');
const t0 = performance.now();
// RSS (MB) as the run passes each tenth of the corpus: a plateau is bounded memory, a steady climb is accumulation.
const timeline: number[] = [];
const onProgress = (p: { done: number; total: number }) => {
  while (timeline.length < 10 && p.done >= ((timeline.length + 1) * p.total) / 10) timeline.push(mb(sample().rss));
};
let record;
try {
  record = await evaluate(opened, corpus, {
    storeDir,
    batchSize: Number(batchArg),
    workers: Number(workersArg),
    protocol: affectnetProtocol(8),
    ci: { resamples: Number(resamplesArg) },
    storeOptions: { fsync: false },
    onProgress,
  });
} finally {
  await opened.engine.dispose();
}
phase('evaluated');
clearInterval(timer);
const wallMs = performance.now() - t0;
process.stdout.write(
  JSON.stringify({
    items: corpus.samples.length,
    scored: record.coverage?.scored,
    wallMs: Math.round(wallMs),
    maxRssKb: process.resourceUsage().maxRSS,
    peakSampledMb: { rss: mb(peak.rss), heapUsed: mb(peak.heapUsed), external: mb(peak.external), arrayBuffers: mb(peak.arrayBuffers) },
    phases,
    timeline,
  }) + '\n',
);
