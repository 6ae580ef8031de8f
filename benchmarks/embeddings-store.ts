/**
 * Embedding file throughput: writes 100k × 1280-d vectors (EfficientNet-B0's embedding) the way a
 * runner would (32 per append call), with and without fsync per call, then scans the file (the
 * crash-recovery check: every record's crc32) and reads every vector back by id. Prints MB/s and the
 * file size against the same vectors as JSON text (`embedding: number[]` in a JSON Lines record,
 * measured on the first 2,000 records and scaled).
 *
 *   node --import tsx benchmarks/embeddings-store.ts [records=100000] [dim=1280] [dir=os tmpdir]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openEmbeddingReader, openEmbeddingWriter, scanEmbeddings, type EmbeddingRecord } from '../src/bench/store/embeddings.js';

const N = Number(process.argv[2] ?? 100_000);
const DIM = Number(process.argv[3] ?? 1280);
const CALL = 32;
const FRAMES = 10; // 10 frames per item id, as a clip

/** A pool of distinct vectors reused cyclically, so the benchmark measures the file, not the generator. */
const pool = Array.from({ length: 64 }, (_, k) => Float32Array.from({ length: DIM }, (_, j) => Math.max(0, Math.sin(k * 7.3 + j * 0.01) * 3)));
const record = (i: number): EmbeddingRecord => ({ id: `afew/val/clip-${String(Math.floor(i / FRAMES)).padStart(6, '0')}`, frame: i % FRAMES, vector: pool[i % pool.length] });

const mb = (bytes: number) => bytes / (1 << 20);

async function write(file: string, fsync: boolean): Promise<number> {
  const t = performance.now();
  const w = await openEmbeddingWriter(file, { dim: DIM, fsync, meta: { bench: true } });
  for (let i = 0; i < N; i += CALL) await w.append(Array.from({ length: Math.min(CALL, N - i) }, (_, k) => record(i + k)));
  await w.close();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(process.argv[4] ?? tmpdir(), 'fer-bench-emb-'));
  try {
    const file = join(dir, 'emb.bin');
    const noSyncMs = await write(file, false);
    const bytes = (await stat(file)).size;
    await rm(file);
    const syncMs = await write(file, true);

    let t = performance.now();
    const scan = await scanEmbeddings(file);
    const scanMs = performance.now() - t;
    if (scan.records !== N || scan.torn) throw new Error(`scan found ${scan.records} of ${N}`);

    t = performance.now();
    const r = await openEmbeddingReader(file);
    let vectors = 0;
    for (const id of r.ids()) vectors += (await r.read(id))!.length;
    await r.close();
    const readMs = performance.now() - t;
    if (vectors !== N) throw new Error(`read back ${vectors} of ${N}`);

    const sample = Math.min(N, 2000);
    let jsonBytes = 0;
    for (let i = 0; i < sample; i++) {
      const rec = record(i);
      jsonBytes += Buffer.byteLength(JSON.stringify({ id: rec.id, frame: rec.frame, embedding: Array.from(rec.vector) }) + '\n');
    }
    const jsonTotal = (jsonBytes / sample) * N;

    const payload = mb(bytes);
    console.log(`embedding file: ${N} records × ${DIM}-d float32, ${CALL} per append, ids of ${FRAMES} frames each`);
    console.log(`  size            ${payload.toFixed(1)} MB (${(bytes / N).toFixed(0)} B/record; raw float32 alone ${((4 * DIM * N) / (1 << 20)).toFixed(1)} MB)`);
    console.log(`  as JSON Lines   ${mb(jsonTotal).toFixed(1)} MB (${(jsonTotal / N).toFixed(0)} B/record, from ${sample} records) = ${(jsonTotal / bytes).toFixed(2)}× larger`);
    console.log(`  write, no fsync ${(noSyncMs / 1000).toFixed(2)} s = ${(payload / (noSyncMs / 1000)).toFixed(0)} MB/s, ${((N / noSyncMs) * 1000).toFixed(0)} rec/s`);
    console.log(`  write, fsync    ${(syncMs / 1000).toFixed(2)} s = ${(payload / (syncMs / 1000)).toFixed(0)} MB/s (fsync after every ${CALL}-record append)`);
    console.log(`  scan (crc32)    ${(scanMs / 1000).toFixed(2)} s = ${(payload / (scanMs / 1000)).toFixed(0)} MB/s`);
    console.log(`  read all by id  ${(readMs / 1000).toFixed(2)} s = ${(payload / (readMs / 1000)).toFixed(0)} MB/s (scan included)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
