/**
 * Sharding on one machine: the same evaluation as 1 process vs n shard processes (as n array tasks on
 * one node), and the cost of `bench merge`. Model: the EfficientNet-B0 replica of enet_b0_8_va_mtl
 * (benchmark-only wrapper, replica-as-model.ts; throw-away stores in the OS temp dir, no run record);
 * corpus: a generated AffectNet (official CSV layout, 256 px pictures). Every process gets 1 decoding
 * worker and 1 engine thread, as `--workers 1 --threads 1` would give it.
 *
 * Per round:
 *   single      one process: open model, load corpus, run everything (wall from spawn to exit)
 *   n parallel  n shard processes at once (wall from the first spawn to the last exit): on a machine
 *               with fewer than 2n cores they share it, so this shows the overhead, not a speed-up
 *   n serial    the n shards one after another: the total CPU-time cost of sharding; on n nodes the
 *               wall would be the slowest shard (`max shard`)
 *   CPU         CPU time of the processes (user + system, all threads): the cost of sharding that
 *               machine load does not blur (model open and corpus scan are repeated in every shard)
 *   merge       mergeSegments (check, write the merged store with fsync, skip log) + scoring with 2000
 *               resamples, and the same scoring alone from the single run's store (rescoreStore), so
 *               merge − score is what merging itself costs (medians of 5)
 *
 * Then the merge at scale, without inference: --merge-items synthetic records (test/bench/store-fixture.ts)
 * written as n complete segments, merged (with fsync) and scored with 0 and 2000 resamples; merge − score
 * of the same resamples is the cost of merging.
 *
 *   node --import tsx benchmarks/shards.ts [--per-class 50] [--shards 4] [--repeat 3] [--merge-items 40000]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { mergeSegments } from '../src/bench/merge.js';
import { rescoreStore } from '../src/bench/rescore.js';
import { writeAffectNetFixture } from '../src/datasets/fixtures/affectnet-fixture.js';
import { shardBlock } from '../src/bench/shard.js';
import type { StoreSummary } from '../src/bench/runner.js';
import { openStore } from '../src/bench/store.js';
import { CLASSES, fixtureKey, fixtureRecord } from '../test/bench/store-fixture.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const PER_CLASS = Number(arg('per-class', '50'));
const SHARDS = Number(arg('shards', '4'));
const REPEAT = Number(arg('repeat', '3'));
const MERGE_ITEMS = Number(arg('merge-items', '40000'));
const CHILD = fileURLToPath(new URL('./shards.child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface ChildTimes {
  modelMs: number;
  corpusMs: number;
  runMs: number;
  runnerWallMs: number;
  cpuMs: number;
  storeDir: string;
  processMs: number;
}

function child(args: string[]): Promise<ChildTimes> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve({ ...(JSON.parse(out) as Omit<ChildTimes, 'processMs'>), processMs: performance.now() - t0 }) : reject(new Error(`child ${args.join(' ')} exited ${code}`))));
  });
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** `count` complete segments of `items` synthetic records, as `count` array tasks would leave them. */
async function syntheticSegments(base: string, items: number, count: number): Promise<string[]> {
  const dirs: string[] = [];
  const harness = 'fer-bench@bench';
  for (let index = 0; index < count; index++) {
    const { start, end } = shardBlock(items, { index, count });
    const key = fixtureKey({ extra: { engine: 'onnxruntime-node', backend: 'cpu', shard: { index, count, harness } } });
    const store = await openStore({ key, baseDir: base });
    const records = Array.from({ length: end - start }, (_, k) => fixtureRecord(start + k));
    for (let i = 0; i < records.length; i += 256) await store.append(records.slice(i, i + 256));
    const summary: StoreSummary = {
      corpus: { corpus: 'affectnet', root: '/synthetic', split: 'val', layout: 'csv', manifestSha256: key.dataset.manifestSha256, items: end - start, classes: CLASSES as never, sourceLabels: {}, skippedByReason: {}, flaggedByReason: {} },
      engine: { engine: 'onnxruntime-node', version: 'bench', backend: 'cpu', device: 'cpu', threads: 1 },
      weights: { file: null, sha256: key.model.sha256, verified: false, replica: false, format: 'onnx' },
      batchSize: 8,
      shard: { index, count, start, end, corpusItems: items, corpusSkipped: 0, corpusFlagged: 0, harness, host: 'bench' },
    };
    await store.markComplete(summary);
    await store.close();
    dirs.push(store.dir);
  }
  return dirs;
}

const work = await mkdtemp(join(tmpdir(), 'fer-bench-shards-'));
try {
  const segments = await syntheticSegments(join(work, 'synthetic'), MERGE_ITEMS, SHARDS);
  for (const resamples of [0, 2000]) {
    const merges: number[] = [];
    const scores: number[] = [];
    for (let k = 0; k < 3; k++) {
      let t = performance.now();
      const merged = await mergeSegments(segments, { storeDir: join(work, `synthetic-merged-${resamples}-${k}`), ci: { resamples } });
      merges.push(performance.now() - t);
      t = performance.now();
      await rescoreStore(merged.storeDir, { ci: { resamples } });
      scores.push(performance.now() - t);
    }
    const med = (v: number[]) => [...v].sort((a, b) => a - b)[1];
    console.log(`merge of ${SHARDS} segments, ${MERGE_ITEMS} records, ${resamples} resamples: merge+score ${s(med(merges))}, score alone ${s(med(scores))} → merging ${s(med(merges) - med(scores))} (medians of 3)`);
  }

  const fixture = await writeAffectNetFixture({ dir: join(work, 'AffectNet'), layout: 'csv', perClass: PER_CLASS, imageSize: 256, seed: 3 });
  const items = PER_CLASS * 8;
  console.log(`corpus: ${items} generated AffectNet images (256 px); model: EfficientNet-B0 replica, batch 8; ${availableParallelism()} cores; each process 1 worker + 1 engine thread`);
  for (let round = 1; round <= REPEAT; round++) {
    const base = join(work, `r${round}`);
    const single = await child([fixture.root, join(base, 'single'), 'single']);
    let t = performance.now();
    const parallel = await Promise.all(Array.from({ length: SHARDS }, (_, i) => child([fixture.root, join(base, 'parallel'), 'shard', String(i), String(SHARDS)])));
    const parallelMs = performance.now() - t;
    const serial: ChildTimes[] = [];
    for (let i = 0; i < SHARDS; i++) serial.push(await child([fixture.root, join(base, 'serial'), 'shard', String(i), String(SHARDS)]));
    const serialMs = serial.reduce((a, c) => a + c.processMs, 0);
    const startup = (c: ChildTimes) => c.modelMs + c.corpusMs;
    const serialCpu = serial.reduce((a, c) => a + c.cpuMs, 0);

    // Medians of 5: each merge into a fresh folder (a second merge into the same one finds it done).
    const mergeTimes: number[] = [];
    const scoreTimes: number[] = [];
    for (let k = 0; k < 5; k++) {
      t = performance.now();
      const merged = await mergeSegments(serial.map((c) => c.storeDir), { storeDir: join(base, `merged${k}`) });
      mergeTimes.push(performance.now() - t);
      if (merged.record.coverage?.scored !== items) throw new Error(`merged ${merged.record.coverage?.scored} of ${items}`);
      t = performance.now();
      await rescoreStore(single.storeDir);
      scoreTimes.push(performance.now() - t);
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
    const mergeMs = median(mergeTimes);
    const scoreMs = median(scoreTimes);

    console.log(
      `round ${round}: single ${s(single.processMs)} (start-up ${s(startup(single))}, run ${s(single.runMs)})  ` +
        `| ${SHARDS} parallel ${s(parallelMs)} (${(parallelMs / single.processMs).toFixed(2)}× single)  ` +
        `| ${SHARDS} serial ${s(serialMs)} (${(serialMs / single.processMs).toFixed(2)}× single; start-up ${s(serial.reduce((a, c) => a + startup(c), 0))} in all; max shard ${s(Math.max(...serial.map((c) => c.processMs)))})  ` +
        `| CPU single ${s(single.cpuMs)}, ${SHARDS} shards ${s(serialCpu)} (${(serialCpu / single.cpuMs).toFixed(2)}×)  ` +
        `| merge+score ${s(mergeMs)}, score alone ${s(scoreMs)} → merging ${s(mergeMs - scoreMs)}`,
    );
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
