/**
 * Prediction store throughput: appends 100k records (8 float scores each) the way a runner does
 * (batches of 32 per call), then reopens the store (the crash-recovery scan) and reads it all back.
 * Runs once with the default settings (fsync every 256 records) and once without fsync.
 *
 *   npx tsx benchmarks/store.ts [records=100000] [dir=os tmpdir]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../src/bench/store.js';
import type { PredictionRecord } from '../src/bench/records.js';
import { fixtureKey } from '../test/bench/store-fixture.js';

const N = Number(process.argv[2] ?? 100_000);
const CALL = 32; // records per append call, like one engine batch

function record(i: number): PredictionRecord {
  return {
    id: `affectnet/val/${String(i).padStart(7, '0')}.jpg`,
    group: `g${i >> 3}`,
    label: i % 8,
    scores: Array.from({ length: 8 }, (_, k) => Math.sin(i * 8 + k) * 5),
    valence: Math.cos(i) / 2,
    arousal: Math.sin(i) / 2,
    face: true,
    latencyMs: 3 + (i % 10) / 7,
  };
}

async function run(label: string, fsync: boolean, baseDir: string): Promise<void> {
  const records = Array.from({ length: N }, (_, i) => record(i));
  const key = fixtureKey({ extra: { bench: label } });

  let t = performance.now();
  const store = await openStore({ baseDir, key, fsync });
  for (let i = 0; i < N; i += CALL) await store.append(records.slice(i, i + CALL));
  await store.close();
  const appendMs = performance.now() - t;
  const bytes = (await stat(store.file)).size;

  t = performance.now();
  const reopened = await openStore({ baseDir, key, fsync });
  const openMs = performance.now() - t;
  t = performance.now();
  const back = await reopened.readAll();
  const readMs = performance.now() - t;
  await reopened.close();
  if (back.length !== N) throw new Error(`read back ${back.length} of ${N}`);

  const rate = (ms: number) => Math.round((N / ms) * 1000).toLocaleString('en-US');
  console.log(
    `${label.padEnd(22)} append ${appendMs.toFixed(0).padStart(6)} ms (${rate(appendMs)} rec/s, ${store.stats.writes} writes)  ` +
      `reopen+scan ${openMs.toFixed(0).padStart(5)} ms  readAll ${readMs.toFixed(0).padStart(5)} ms (${rate(readMs)} rec/s)  ` +
      `${(bytes / 2 ** 20).toFixed(1)} MiB, ${(bytes / N).toFixed(0)} B/record`,
  );
}

const baseDir = await mkdtemp(join(process.argv[3] ?? tmpdir(), 'fer-store-bench-'));
try {
  console.log(`prediction store, ${N.toLocaleString('en-US')} records, Node ${process.version}, dir ${baseDir}`);
  await run('default (fsync/256)', true, baseDir);
  await run('no fsync', false, baseDir);
} finally {
  await rm(baseDir, { recursive: true, force: true });
}
