import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng } from '../../src/bench/metrics/prng.js';
import { NO_FRAME, encodeRecords, openEmbeddingReader, openEmbeddingWriter, scanEmbeddings, type EmbeddingRecord } from '../../src/bench/store/embeddings.js';
import { tempDir } from '../datasets/tmpdir.js';
import { expectBenchError } from '../expect-error.js';

const DIM = 16;

function vectors(n: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: DIM }, () => rng.nextFloat() * 2 - 1));
}

/** Clips of frames (given out of order) plus single-image items, with a non-ASCII id. */
function sampleRecords(): EmbeddingRecord[] {
  const v = vectors(7, 1);
  return [
    { id: 'clip/001404920', frame: 6, vector: v[0] },
    { id: 'clip/001404920', frame: 0, vector: v[1] },
    { id: 'clip/001404920', frame: 12, vector: v[2] },
    { id: 'Actor_01/01-01-03-02-02-01-01.mp4', frame: 0, vector: v[3] },
    { id: 'val/Happy/visage-é.jpg', vector: v[4] },
    { id: 'val/Sad/0001.jpg', frame: NO_FRAME, vector: Array.from(v[5]) },
  ];
}

async function writeSample(dir: string, name = 'emb.bin') {
  const file = join(dir, name);
  const w = await openEmbeddingWriter(file, { dim: DIM, meta: { model: 'enet_b0_8_va_mtl', sha256: 'ab'.repeat(32) } });
  const records = sampleRecords();
  await w.append(records.slice(0, 3));
  await w.append(records.slice(3));
  await w.close();
  return { file, records };
}

test('round trip: vectors come back by id, in frame order, bit for bit, with the header metadata', async () => {
  const { file, records } = await writeSample(await tempDir('emb'));
  const r = await openEmbeddingReader(file);
  assert.equal(r.dim, DIM);
  assert.deepEqual(r.meta, { model: 'enet_b0_8_va_mtl', sha256: 'ab'.repeat(32) });
  assert.deepEqual(r.ids(), ['clip/001404920', 'Actor_01/01-01-03-02-02-01-01.mp4', 'val/Happy/visage-é.jpg', 'val/Sad/0001.jpg']);
  assert.deepEqual(r.frames('clip/001404920'), [0, 6, 12]);
  const clip = (await r.read('clip/001404920'))!;
  assert.deepEqual(clip.map((f) => f.frame), [0, 6, 12]);
  assert.deepEqual(clip[0].vector, records[1].vector);
  assert.deepEqual(clip[1].vector, records[0].vector);
  const image = (await r.read('val/Happy/visage-é.jpg'))!;
  assert.equal(image[0].frame, NO_FRAME);
  assert.deepEqual(image[0].vector, records[4].vector);
  assert.deepEqual((await r.read('val/Sad/0001.jpg'))![0].vector, Float32Array.from(records[5].vector));
  assert.equal(await r.read('absent'), undefined);
  assert.equal(r.scan.records, 6);
  assert.equal(r.scan.torn, null);
  await r.close();
  // Compact: header + 6 × (14 + id + 4·16) bytes, nothing else.
  const idBytes = records.reduce((n, x) => n + Buffer.byteLength(x.id), 0);
  const header = 16 + Buffer.byteLength(JSON.stringify({ model: 'enet_b0_8_va_mtl', sha256: 'ab'.repeat(32) })) + 4;
  assert.equal((await stat(file)).size, header + 6 * (14 + 4 * DIM) + idBytes);
});

test('reopening appends after the existing records; a repeated (id, frame) keeps the first vector and is counted', async () => {
  const { file, records } = await writeSample(await tempDir('emb'));
  const w = await openEmbeddingWriter(file, { dim: DIM });
  assert.deepEqual(w.existing.get('clip/001404920')!.map((e) => e.frame).sort((a, b) => a - b), [0, 6, 12]);
  const [extra, dup] = vectors(2, 9);
  await w.append([{ id: 'clip/001404920', frame: 18, vector: extra }, { id: 'clip/001404920', frame: 0, vector: dup }]);
  await w.close();
  const r = await openEmbeddingReader(file);
  assert.equal(r.scan.records, 8);
  assert.equal(r.scan.duplicates, 1);
  const clip = (await r.read('clip/001404920'))!;
  assert.deepEqual(clip.map((f) => f.frame), [0, 6, 12, 18]);
  assert.deepEqual(clip[0].vector, records[1].vector);
  assert.deepEqual(clip[3].vector, extra);
  assert.deepEqual(r.meta.model, 'enet_b0_8_va_mtl', 'an existing file keeps its header');
  await r.close();
  await assert.rejects(openEmbeddingWriter(file, { dim: DIM + 1 }), expectBenchError('BAD_INPUT', /holds 16-d vectors, not 17-d/));
});

test('a last record cut short at any byte is reported, never returned, and repaired by the next writer', async () => {
  const dir = await tempDir('emb');
  const { file } = await writeSample(dir, 'whole.bin');
  const whole = await readFile(file);
  const lastLength = 14 + Buffer.byteLength('val/Sad/0001.jpg') + 4 * DIM;
  const soundEnd = whole.length - lastLength;
  for (let cut = soundEnd + 1; cut < whole.length; cut += 7) {
    const torn = join(dir, `torn-${cut}.bin`);
    await writeFile(torn, whole.subarray(0, cut));
    const scan = await scanEmbeddings(torn);
    assert.equal(scan.records, 5, `cut at ${cut}`);
    assert.equal(scan.validBytes, soundEnd);
    assert.deepEqual(scan.torn && { record: scan.torn.record, bytes: scan.torn.bytes }, { record: 6, bytes: cut - soundEnd });
    assert.equal(scan.index.has('val/Sad/0001.jpg'), false);
  }
  const torn = join(dir, 'torn.bin');
  await writeFile(torn, whole.subarray(0, whole.length - 5));
  const w = await openEmbeddingWriter(torn, { dim: DIM });
  assert.equal(w.repaired?.record, 6);
  assert.equal((await stat(torn)).size, soundEnd, 'the torn tail is truncated away');
  await w.append([sampleRecords()[5]]);
  await w.close();
  assert.deepEqual(await readFile(torn), whole, 'after the repair the same append gives the same bytes');
});

test('a corrupted byte is detected: in the middle it is an error naming the record; in the last record it is the torn tail', async () => {
  const dir = await tempDir('emb');
  const { file } = await writeSample(dir);
  const whole = await readFile(file);
  const header = 16 + whole.readUInt32LE(12) + 4;
  const first = 14 + Buffer.byteLength('clip/001404920') + 4 * DIM;
  // Flip one bit in record 2's vector.
  const middle = Buffer.from(whole);
  middle[header + first + 40] ^= 0x01;
  await writeFile(file, middle);
  await assert.rejects(scanEmbeddings(file), (e: unknown) => {
    expectBenchError('BAD_INPUT', /damaged record 2 at byte \d+: checksum mismatch/, /delete it to recompute/)(e);
    assert.equal((e as { row?: number }).row, 2);
    return true;
  });
  await assert.rejects(openEmbeddingWriter(file, { dim: DIM }), expectBenchError('BAD_INPUT', /damaged record 2/));
  assert.equal((await stat(file)).size, whole.length, 'a corrupt file is not truncated');
  // A damaged id length in the middle: still found to be corruption, not a tail.
  const length = Buffer.from(whole);
  length.writeUInt16LE(60000, header + 4);
  await writeFile(file, length);
  await assert.rejects(scanEmbeddings(file), expectBenchError('BAD_INPUT', /damaged record 1/));
  // In the last record: a power cut can leave that, so it is a tail.
  const last = Buffer.from(whole);
  last[last.length - 9] ^= 0x40;
  await writeFile(file, last);
  const scan = await scanEmbeddings(file);
  assert.equal(scan.records, 5);
  assert.match(scan.torn!.reason, /checksum mismatch/);
  // The header has its own checksum.
  const head = Buffer.from(whole);
  head[20] ^= 0x01;
  await writeFile(file, head);
  await assert.rejects(scanEmbeddings(file), expectBenchError('BAD_INPUT', /header's checksum/));
  await writeFile(file, 'id,vector\n');
  await assert.rejects(scanEmbeddings(file), expectBenchError('BAD_INPUT', /does not start with the FEREMB01 header/));
});

test('bad records are refused before anything is written', async () => {
  const dir = await tempDir('emb');
  const file = join(dir, 'e.bin');
  const w = await openEmbeddingWriter(file, { dim: DIM, fsync: false });
  const size = (await stat(file)).size;
  const [v] = vectors(1, 3);
  const nan = Float32Array.from(v);
  nan[3] = NaN;
  await assert.rejects(async () => w.append([{ id: 'a', vector: v }, { id: 'b', vector: nan }]), expectBenchError('BAD_INPUT', /"b" frame -1: value 3 is NaN/));
  await assert.rejects(async () => w.append([{ id: 'a', vector: v.subarray(1) }]), expectBenchError('BAD_INPUT', /15 values, the file holds 16-d/));
  await assert.rejects(async () => w.append([{ id: '', vector: v }]), expectBenchError('BAD_INPUT', /id must be/));
  await assert.rejects(async () => w.append([{ id: 'a', frame: 1.5, vector: v }]), expectBenchError('BAD_INPUT', /frame must be an integer/));
  await w.close();
  assert.equal((await stat(file)).size, size);
  assert.throws(() => encodeRecords([{ id: 'x'.repeat(70000), vector: v }], DIM), expectBenchError('BAD_INPUT', /1\.\.65535 bytes/));
  await truncate(file, 0);
  await assert.rejects(scanEmbeddings(file), expectBenchError('BAD_INPUT', /is empty/));
});

test('kill -9 while appending, then resume: every record exactly once, each vector intact', { timeout: 120_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const { CRASH_DIM, crashRecord } = await import('./embeddings-fixture.js');
  const child = fileURLToPath(new URL('./embeddings-writer.child.ts', import.meta.url));
  const file = join(await tempDir('emb-crash'), 'crash.bin');
  const TOTAL = 3000;
  const runChild = (killAfter?: number) =>
    new Promise<{ out: string; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', child, file, String(TOTAL), killAfter === undefined ? '0' : '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      let flushes = 0;
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        flushes = (out.match(/flushed/g) ?? []).length;
        if (killAfter !== undefined && flushes >= killAfter && p.exitCode === null) p.kill('SIGKILL');
      });
      p.on('error', reject);
      p.on('close', (_code, signal) => resolve({ out, signal }));
    });
  const first = await runChild(20);
  assert.equal(first.signal, 'SIGKILL', 'the writer was killed part-way');
  const between = await scanEmbeddings(file);
  assert.ok(between.records < TOTAL);
  const resumed = await runChild();
  assert.match(resumed.out, /done/);
  const r = await openEmbeddingReader(file);
  assert.equal(r.scan.records, TOTAL);
  assert.equal(r.scan.duplicates, 0);
  assert.equal(r.scan.torn, null);
  assert.equal(r.dim, CRASH_DIM);
  for (const i of [0, 199, 1234, TOTAL - 1]) {
    const want = crashRecord(i);
    const got = (await r.read(want.id))!.find((f) => f.frame === want.frame)!;
    assert.deepEqual(got.vector, want.vector);
  }
  await r.close();
});
