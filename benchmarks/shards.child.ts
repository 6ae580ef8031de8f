/**
 * Child of benchmarks/shards.ts: one process of the comparison, as a scheduler would start it. Opens the
 * EfficientNet-B0 replica (benchmark-only wrapper, replica-as-model.ts) and the corpus, then runs either
 * the whole evaluation's inference (`single`) or one shard's segment (`shard i n`) into a throw-away store,
 * and prints one JSON line of its timings.
 * Usage: shards.child.ts <corpusRoot> <storeDir> single | shard <i> <n>
 */
import { performance } from 'node:perf_hooks';
import { runCorpus } from '../src/bench/runner.js';
import { runSegment } from '../src/bench/segment.js';
import { openCorpus } from '../src/datasets/corpus.js';
import { replicaAsModel } from './replica-as-model.js';

const t0 = performance.now();
const [root, storeDir, mode, i, n] = process.argv.slice(2);
const opened = await replicaAsModel('enet_b0_8_va_mtl', 1);
const t1 = performance.now();
const corpus = await openCorpus('affectnet', { root, split: 'val' });
const t2 = performance.now();
const opts = { storeDir, workers: 1, batchSize: 8 };
const run = mode === 'single' ? await runCorpus(opened, corpus, opts) : await runSegment(opened, corpus, { index: Number(i), count: Number(n) }, opts);
const t3 = performance.now();
await opened.engine.dispose();
// CPU time of the whole process (all threads: decoding workers and engine), steadier than wall time on a shared machine.
const cpu = process.cpuUsage();
process.stdout.write(JSON.stringify({ modelMs: t1 - t0, corpusMs: t2 - t1, runMs: t3 - t2, runnerWallMs: run.wallMs, cpuMs: (cpu.user + cpu.system) / 1000, storeDir: run.storeDir }) + '\n');
