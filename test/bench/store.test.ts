import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError } from '../../src/errors.js';
import type { PredictionRecord } from '../../src/bench/records.js';
import {
  findStore,
  listStores,
  openStore,
  readStore,
  sortRecords,
  storeDirName,
  storeKeyHash,
  type OpenStoreOptions,
} from '../../src/bench/store.js';
import { CLASSES, fixtureId, fixtureKey, fixtureRecord, shuffled } from './store-fixture.js';
import { encodeRecord } from '../../src/bench/store/codec.js';

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fer-store-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const records = (n: number, from = 0) => Array.from({ length: n }, (_, i) => fixtureRecord(from + i));
const quiet = { log: () => undefined } satisfies Partial<OpenStoreOptions>;

test('append then readAll gives back the same records, sorted, with exact doubles', async (t) => {
  const baseDir = await tempDir(t);
  const store = await openStore({ baseDir, key: fixtureKey(), batchSize: 7, ...quiet });
  const want = records(50);
  await store.append(shuffled(50).map((i) => want[i]!));
  assert.deepEqual(await store.readAll(), want); // ids sort like indices here
  await store.close();
  assert.equal(store.stats.written, 50);

  // On disk: one JSON object per line, each ending in \n, fields in a fixed order.
  const text = await readFile(store.file, 'utf8');
  const lines = text.split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 50);
  for (const line of lines) assert.ok(line.startsWith('{"id":"img-'), line);
});

test('appends that are not awaited one by one still write every record once, whole', async (t) => {
  const baseDir = await tempDir(t);
  const store = await openStore({ baseDir, key: fixtureKey(), batchSize: 3, ...quiet });
  const want = records(100);
  const calls = [];
  for (let i = 0; i < 100; i += 5) calls.push(store.append(want.slice(i, i + 5)));
  calls.push(store.append(want.slice(0, 10))); // all repeats
  await Promise.all(calls);
  assert.equal(store.stats.duplicatesAppended, 10);
  await store.close();
  assert.deepEqual((await readStore(store.dir)).records, want);
});

test('readAll follows a given corpus order, ids it lacks last in id order', async (t) => {
  const baseDir = await tempDir(t);
  const store = await openStore({ baseDir, key: fixtureKey(), ...quiet });
  await store.append(records(5));
  const order = [fixtureId(3), fixtureId(1), 'not-in-store', fixtureId(4)];
  assert.deepEqual(
    (await store.readAll(order)).map((r) => r.id),
    [3, 1, 4, 0, 2].map(fixtureId),
  );
  await store.close();
});

test('reopening shows the recorded ids as done; meta.json holds the full key', async (t) => {
  const baseDir = await tempDir(t);
  const key = fixtureKey();
  const a = await openStore({ baseDir, key, ...quiet });
  assert.equal(a.done.size, 0);
  await a.append(records(10));
  assert.equal(a.done.size, 10, 'buffered ids count as done');
  await a.close();

  const b = await openStore({ baseDir, key, ...quiet });
  assert.deepEqual([...b.done].sort(), records(10).map((r) => r.id));
  assert.equal(b.stats.recordsOnOpen, 10);
  assert.equal(b.dir, join(baseDir, storeDirName(key)));
  assert.match(b.dir, /enet_b0_8_best_vgaf-affectnet-val-[0-9a-f]{12}$/);
  const meta = JSON.parse(await readFile(join(b.dir, 'meta.json'), 'utf8'));
  assert.deepEqual(meta.key, key);
  assert.equal(meta.keyHash, storeKeyHash(key));
  assert.equal(meta.formatVersion, 2);
  assert.match(meta.checksum, /^crc32:[0-9a-f]{8}$/);
  assert.equal(meta.complete, null);
  await b.close();
});

test('the key hash ignores key order and changes with anything that changes outputs', () => {
  const key = fixtureKey();
  const reordered = { labelMap: key.labelMap, preprocessing: { std: [0.229, 0.224, 0.225], mean: [0.485, 0.456, 0.406], crop: 'box', size: 224 }, classes: key.classes, dataset: key.dataset, model: key.model };
  assert.equal(storeKeyHash(reordered), storeKeyHash(key));
  const changed = [
    fixtureKey({ preprocessing: { ...(key.preprocessing as object), size: 260 } }),
    fixtureKey({ labelMap: { name: 'affectnet-8to7' } }),
    fixtureKey({ extra: { precision: 'fp16' } }),
    fixtureKey({ dataset: { ...key.dataset, split: 'train' } }),
    fixtureKey({ model: { ...key.model, sha256: 'a'.repeat(64) } }),
  ];
  for (const k of changed) assert.notEqual(storeKeyHash(k), storeKeyHash(key));
});

test('a second run of the same key reuses the store; a different key gets its own', async (t) => {
  const baseDir = await tempDir(t);
  const key = fixtureKey();
  assert.equal(await findStore(baseDir, key), null);
  const s = await openStore({ baseDir, key, ...quiet });
  await s.append(records(3));
  await s.markComplete({ scored: 3 });
  await s.close();
  assert.equal(await findStore(baseDir, key), s.dir);
  assert.equal(await findStore(baseDir, fixtureKey({ extra: { tta: true } })), null);

  const again = await openStore({ baseDir, key, ...quiet });
  assert.equal(again.complete, true);
  assert.equal(again.meta.complete?.records, 3);
  assert.deepEqual(again.meta.complete?.summary, { scored: 3 });
  await again.append(records(1)); // only duplicates: still complete
  assert.equal(again.complete, true);
  // A later run over more items: incomplete (on disk too) until it finishes.
  await again.append(records(2, 3));
  assert.equal(again.complete, false);
  assert.equal((await readStore(again.dir)).meta.complete, null);
  await again.markComplete();
  assert.equal(again.meta.complete?.records, 5);
  await again.close();

  const other = await openStore({ baseDir, key: fixtureKey({ extra: { tta: true } }), ...quiet });
  assert.notEqual(other.dir, s.dir);
  assert.equal(other.done.size, 0);
  await other.close();
});

test('readStore loads meta and records from a directory alone; listStores lists them', async (t) => {
  const baseDir = await tempDir(t);
  const s = await openStore({ baseDir, key: fixtureKey(), ...quiet });
  await s.append(records(4));
  await s.close();
  await writeFile(join(baseDir, 'stray.txt'), 'x');

  const c = await readStore(s.dir);
  assert.deepEqual(c.meta.key, fixtureKey());
  assert.deepEqual(c.records, records(4));
  assert.equal(c.torn, null);
  const listed = await listStores(baseDir);
  assert.deepEqual(listed.map((l) => [l.dir, l.meta?.keyHash]), [[s.dir, storeKeyHash(fixtureKey())]]);
  await assert.rejects(readStore(baseDir), (e: unknown) => e instanceof BenchError && /no meta.json/.test(e.message));
  assert.deepEqual(await listStores(join(baseDir, 'nothing-here')), []);
});

test('a torn last line (no newline) is cut off on open, logged, and its item redone', async (t) => {
  const baseDir = await tempDir(t);
  const s = await openStore({ baseDir, key: fixtureKey(), ...quiet });
  await s.append(records(3));
  await s.close();
  const sound = (await stat(s.file)).size;
  const full = JSON.stringify(fixtureRecord(3)) + '\n';
  await appendFile(s.file, full.slice(0, 40)); // what kill -9 in the middle of a write leaves

  const seen = await readStore(s.dir); // readers leave the file alone
  assert.equal(seen.records.length, 3);
  assert.deepEqual(seen.torn, { line: 4, bytes: 40, reason: 'no newline at the end (a write cut short)' });

  const logs: string[] = [];
  const r = await openStore({ baseDir, key: fixtureKey(), log: (m) => logs.push(m) });
  assert.equal((await stat(r.file)).size, sound);
  assert.equal(r.done.size, 3);
  assert.equal(r.stats.repairedTail?.line, 4);
  assert.equal(logs.length, 1);
  assert.match(logs[0]!, /predictions\.jsonl: cut off a damaged last line \(line 4, 40 bytes/);
  await r.append([fixtureRecord(3)]);
  assert.deepEqual(await r.readAll(), records(4));
  await r.close();
});

test('an unparsable whole last line (power-cut garbage) is cut off too', async (t) => {
  const baseDir = await tempDir(t);
  const s = await openStore({ baseDir, key: fixtureKey(), ...quiet });
  await s.append(records(2));
  await s.close();
  await appendFile(s.file, '\0\0\0\0\n');
  const r = await openStore({ baseDir, key: fixtureKey(), ...quiet });
  assert.match(r.stats.repairedTail?.reason ?? '', /JSON|Unexpected/);
  assert.deepEqual(await r.readAll(), records(2));
  await r.close();
});

test('a bad line in the middle is an error naming the file and the line', async (t) => {
  const baseDir = await tempDir(t);
  const s = await openStore({ baseDir, key: fixtureKey(), ...quiet });
  await s.append(records(4));
  await s.close();
  const lines = (await readFile(s.file, 'utf8')).split('\n');
  lines[1] = lines[1]!.slice(0, 30);
  await writeFile(s.file, lines.join('\n'));
  const isCorrupt = (e: unknown) => {
    assert.ok(e instanceof BenchError);
    assert.equal(e.file, s.file);
    assert.equal(e.row, 2);
    assert.match(e.describe(), /line 2/);
    assert.match(e.describe(), /predictions\.jsonl, row 2/);
    return true;
  };
  await assert.rejects(openStore({ baseDir, key: fixtureKey(), ...quiet }), isCorrupt);
  await assert.rejects(readStore(s.dir), isCorrupt);
  // The failed open released its lock.
  await writeFile(s.file, '');
  await (await openStore({ baseDir, key: fixtureKey(), ...quiet })).close();
});

test('repeated ids keep the first record, in the file and in append', async (t) => {
  const baseDir = await tempDir(t);
  const s = await openStore({ baseDir, key: fixtureKey(), ...quiet });
  await s.append(records(2));
  const other: PredictionRecord = { ...fixtureRecord(0), label: 7 };
  await s.append([other, fixtureRecord(2), fixtureRecord(2)]);
  assert.equal(s.stats.duplicatesAppended, 2);
  await s.close();
  // A duplicate line on disk (say, a file concatenated by hand).
  await appendFile(s.file, encodeRecord(other));
  const logs: string[] = [];
  const r = await openStore({ baseDir, key: fixtureKey(), log: (m) => logs.push(m) });
  assert.equal(r.stats.duplicatesOnOpen, 1);
  assert.match(logs.join('\n'), /1 repeated id/);
  assert.deepEqual(await r.readAll(), records(3));
  assert.equal((await readStore(r.dir)).duplicates, 1);
  await r.close();
});

test('records the store cannot keep faithfully are refused before anything is written', async (t) => {
  const baseDir = await tempDir(t);
  const s = await openStore({ baseDir, key: fixtureKey(), ...quiet });
  const nan: PredictionRecord = { ...fixtureRecord(1), scores: [NaN, 0, 0, 0, 0, 0, 0, 0] };
  await assert.rejects(s.append([fixtureRecord(0), nan]), (e: unknown) => e instanceof BenchError && /scores\[0\] is NaN/.test(e.message) && /skipped/.test(e.fix ?? ''));
  assert.equal(s.done.size, 0, 'the whole call is rejected');
  await assert.rejects(s.append([{ ...fixtureRecord(0), scores: [1, 2] }]), /2 scores for 8 model classes/);
  await assert.rejects(s.append([{ ...fixtureRecord(0), label: 8 }]), /label 8/);
  await s.append([fixtureRecord(0)]);
  assert.deepEqual(await s.readAll(), [fixtureRecord(0)]);
  await s.close();

  // Without class lists in the key only what JSON cannot hold is checked.
  const { classes: _, ...noClasses } = fixtureKey();
  const n = await openStore({ baseDir, key: noClasses, ...quiet });
  await n.append([{ ...fixtureRecord(0), scores: [1, 2], label: 12 }]);
  await assert.rejects(n.append([{ ...fixtureRecord(1), valence: Infinity }]), /valence is Infinity/);
  await assert.rejects(n.append([{ ...fixtureRecord(1), label: -1 }]), /label -1/);
  await n.close();
});

test('one writer per store: a second open fails until the first closes', async (t) => {
  const baseDir = await tempDir(t);
  const a = await openStore({ baseDir, key: fixtureKey(), ...quiet });
  await assert.rejects(openStore({ baseDir, key: fixtureKey(), ...quiet }), (e: unknown) => e instanceof BenchError && /being written by process/.test(e.message));
  await a.close();
  await a.close(); // twice is fine
  const b = await openStore({ baseDir, key: fixtureKey(), ...quiet });
  await b.close();
  assert.deepEqual((await readdir(b.dir)).sort(), ['meta.json', 'predictions.jsonl']);
});

test('invalid keys are refused with every problem listed', async (t) => {
  const baseDir = await tempDir(t);
  const key = fixtureKey({ model: { name: 'x', sha256: null, replica: false }, preprocessing: undefined });
  await assert.rejects(openStore({ baseDir, key, ...quiet }), (e: unknown) => {
    assert.ok(e instanceof BenchError);
    assert.match(e.message, /model\.sha256 a published model needs its weights sha256/);
    assert.match(e.message, /preprocessing is required/);
    return true;
  });
  // Replicas have no weights hash; their seed goes into `extra`.
  const replica = await openStore({ baseDir, key: fixtureKey({ model: { name: 'x', sha256: null, replica: true }, extra: { seed: 0 } }), ...quiet });
  assert.match(replica.dir, /x-replica-affectnet-val-/);
  await replica.close();
});

test('sortRecords is independent of input order', () => {
  const rs = records(30);
  const a = sortRecords(shuffled(30, 7).map((i) => rs[i]!));
  const b = sortRecords(shuffled(30, 9).map((i) => rs[i]!));
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  assert.deepEqual(a.map((r) => r.id), rs.map((r) => r.id));
  assert.equal(CLASSES.length, 8);
});
