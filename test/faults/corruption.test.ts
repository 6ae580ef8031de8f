/**
 * Damaged bytes in a store: every record line carries a crc32 (store format 2), so a changed byte that
 * still parses (a digit) is an error naming the file, the line and the fix, never a record read with a
 * wrong value; `bench store verify` reports it and `bench store repair` drops it for the next run to
 * recompute. meta.json and saved run records carry a checksum too. Stores written before checksums (format 1) stay readable,
 * their lines counted as unverified.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore, readStore, listStores, type PredictionStore } from '../../src/bench/store.js';
import { encodeRecord } from '../../src/bench/store/codec.js';
import { repairStore, verifyStore } from '../../src/bench/store/repair.js';
import { scanPredictions } from '../../src/bench/store/scan.js';
import { summariseStores } from '../../src/bench/store/list.js';
import { saveRunRecord } from '../../src/bench/run-store.js';
import { loadRunRecords } from '../../src/report/results.js';
import { fixtureKey, fixtureRecord } from '../bench/store-fixture.js';
import { evalRecord } from '../report/fixtures.js';
import { runBenchCli } from '../bench/tiny-model.js';
import { tempDir } from '../datasets/tmpdir.js';
import { expectBenchError } from '../expect-error.js';

const quiet = { log: () => undefined, fsync: false };
const records = (n: number) => Array.from({ length: n }, (_, i) => fixtureRecord(i));

async function writtenStore(n: number, complete = true): Promise<PredictionStore> {
  const s = await openStore({ baseDir: await tempDir('corrupt'), key: fixtureKey(), ...quiet });
  await s.append(records(n));
  if (complete) await s.markComplete({ total: n });
  await s.close();
  return s;
}

/** Replaces the first digit of line `line` (1-based) after its id with another digit: still valid JSON. */
async function flipDigit(file: string, line: number): Promise<void> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const text = lines[line - 1]!;
  const at = text.slice(text.indexOf('"scores":[')).search(/[1-9]/) + text.indexOf('"scores":[');
  assert.match(text[at]!, /\d/);
  lines[line - 1] = text.slice(0, at) + String((Number(text[at]) + 1) % 10) + text.slice(at + 1);
  JSON.parse(lines[line - 1]!); // the damage is invisible to a JSON parser
  await writeFile(file, lines.join('\n'));
}

test('a changed digit inside a record is refused by every reader, naming the file, the line and bench store repair', async () => {
  const s = await writtenStore(5);
  await flipDigit(s.file, 3);
  const damaged = expectBenchError('BAD_INPUT', /damaged record at line 3: checksum mismatch/, /predictions\.jsonl/, /bench store repair .*enet_b0_8_best_vgaf-affectnet-val-/);
  await assert.rejects(readStore(s.dir), damaged);
  await assert.rejects(openStore({ baseDir: join(s.dir, '..'), key: fixtureKey(), ...quiet }), damaged);
  await assert.rejects(scanPredictions(s.file), (e: unknown) => damaged(e) && (e as { row?: number }).row === 3);

  // verify reports it; repair drops that line only, keeps the others byte for byte, and marks the store incomplete.
  const before = (await readFile(s.file, 'utf8')).split('\n');
  const check = await verifyStore(s.dir);
  assert.deepEqual([check.verified, check.unverified, check.damaged.map((d) => d.line)], [4, 0, [3]]);
  const repaired = await repairStore(s.dir, { fsync: false });
  assert.equal(repaired.rewritten, true);
  assert.equal(await readFile(s.file, 'utf8'), [...before.slice(0, 2), ...before.slice(3)].join('\n'));
  const left = await readStore(s.dir);
  assert.equal(left.meta.complete, null, 'the repaired store must be finished by a run');
  assert.deepEqual(left.records.map((r) => r.id), records(5).filter((_, i) => i !== 2).map((r) => r.id));

  // The next run recomputes exactly the dropped item.
  const r = await openStore({ baseDir: join(s.dir, '..'), key: fixtureKey(), ...quiet });
  assert.equal(r.done.size, 4);
  await r.append(records(5));
  await r.markComplete();
  assert.equal(r.stats.written, 1);
  assert.deepEqual(await r.readAll(), records(5));
  await r.close();
  assert.equal((await repairStore(s.dir, { fsync: false })).rewritten, false, 'nothing left to repair');
});

test('every single-bit flip anywhere in a record line is detected', async () => {
  const s = await writtenStore(3);
  const bytes = await readFile(s.file);
  const start = bytes.indexOf(0x0a) + 1;
  const end = bytes.indexOf(0x0a, start); // line 2, its \n included
  let flips = 0;
  for (let at = start; at <= end; at++) {
    for (const bit of [0x01, 0x10]) {
      const damaged = Buffer.from(bytes);
      damaged[at] ^= bit;
      await writeFile(s.file, damaged);
      // Refused, or (the flip joined lines 2 and 3, the last) reported as a torn tail: never read.
      const scan = await scanPredictions(s.file).catch((e: unknown) => expectBenchError('BAD_INPUT', /(damaged|bad) record at line [23]/)(e));
      if (typeof scan === 'object') assert.deepEqual([scan.torn?.line, [...scan.ids]], [2, [records(1)[0]!.id]], `byte ${at - start} ^ ${bit}`);
      flips++;
    }
  }
  assert.ok(flips > 200, `${flips} flips`);
});

test('a changed byte in the last line is cut off on open like a torn write, and that item redone', async () => {
  const s = await writtenStore(4, false);
  await flipDigit(s.file, 4);
  const logs: string[] = [];
  const r = await openStore({ baseDir: join(s.dir, '..'), key: fixtureKey(), ...quiet, log: (m) => logs.push(m) });
  assert.match(r.stats.repairedTail?.reason ?? '', /checksum mismatch/);
  assert.match(logs.join('\n'), /cut off a damaged last line \(line 4/);
  assert.equal(r.done.size, 3);
  await r.append(records(4));
  assert.deepEqual(await r.readAll(), records(4));
  await r.close();
});

test('a changed byte in meta.json is an error naming it; an unreadable meta is listed with the problem', async () => {
  const s = await writtenStore(3);
  const file = join(s.dir, 'meta.json');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace('"records": 3', '"records": 4'));
  await assert.rejects(readStore(s.dir), expectBenchError('BAD_INPUT', /meta is damaged: checksum mismatch/, /meta\.json/, /delete the store directory/));
  const [listed] = await listStores(join(s.dir, '..'));
  assert.match(listed!.problem ?? '', /checksum mismatch/);
  // Removing the checksum of a format-2 meta is refused too.
  await writeFile(file, JSON.stringify({ ...JSON.parse(text), checksum: undefined }));
  await assert.rejects(readStore(s.dir), expectBenchError('BAD_INPUT', /no checksum/));
});

test('a store written before checksums (format 1) is read, its lines counted unverified, and appended to with checksums', async () => {
  const s = await writtenStore(3);
  // What fer-bench wrote before format 2: plain JSON lines, meta without checksum.
  const meta = JSON.parse(await readFile(join(s.dir, 'meta.json'), 'utf8'));
  delete meta.checksum;
  await writeFile(join(s.dir, 'meta.json'), JSON.stringify({ ...meta, formatVersion: 1 }, null, 2) + '\n');
  const legacy = (i: number) => encodeRecord(fixtureRecord(i)).replace(/,"_crc":"[0-9a-f]{8}"}\n$/, '}\n');
  await writeFile(s.file, [0, 1, 2].map(legacy).join(''));

  assert.deepEqual((await readStore(s.dir)).records, records(3));
  assert.equal((await scanPredictions(s.file)).unverified, 3);
  const [summary] = await summariseStores({ storeDir: join(s.dir, '..'), runs: [] });
  assert.deepEqual([summary!.formatVersion, summary!.checksums], [1, false]);

  const r = await openStore({ baseDir: join(s.dir, '..'), key: fixtureKey(), ...quiet });
  await r.append([fixtureRecord(3)]);
  await r.close();
  const after = await verifyStore(s.dir);
  assert.deepEqual([after.formatVersion, after.verified, after.unverified, after.damaged], [1, 1, 3, []]);
  // After the first checksummed line, a line without one cannot be ours.
  await writeFile(s.file, (await readFile(s.file, 'utf8')) + legacy(4) + legacy(5));
  await assert.rejects(readStore(s.dir), expectBenchError('BAD_INPUT', /line 5: no "_crc" checksum/));
});

test('bench store verify exits 2 with one JSON error naming the line; bench store repair fixes it; ls notes format 1', { timeout: 30_000 }, async () => {
  const s = await writtenStore(4);
  await flipDigit(s.file, 2);
  const verify = await runBenchCli(['store', 'verify', s.dir, '--json']);
  assert.equal(verify.code, 2, verify.stderr);
  const { error } = JSON.parse(verify.stdout) as { error: { code: string; file: string; row: number; fix: string } };
  assert.deepEqual([error.code, error.file, error.row], ['BAD_INPUT', s.file, 2]);
  assert.match(error.fix, /bench store repair/);

  const repair = await runBenchCli(['store', 'repair', s.dir]);
  assert.equal(repair.code, 0, repair.stderr);
  assert.match(repair.stdout, /format 2, 3 verified, 0 unverified; repaired: dropped 1 damaged line\(s\)/);
  assert.match(repair.stdout, /line 2: checksum mismatch/);
  const again = await runBenchCli(['store', 'verify', s.dir]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /3 verified, 0 unverified; sound/);
});

test('a changed digit in a saved run record is reported with the file name; records without a checksum still load', async () => {
  const runs = await tempDir('runs');
  const record = evalRecord({ model: 'enet_b0_8_va_mtl', corpus: 'affectnet', protocol: '8-class', date: '2026-01-02T03:04:05.000Z', metrics: { accuracy: [0.6193, 0.6, 0.64] } });
  const file = await saveRunRecord(runs, record);
  assert.deepEqual((await loadRunRecords(runs))[0]!.record, record);
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace('0.6193', '0.6793'));
  await assert.rejects(loadRunRecords(runs), expectBenchError('BAD_INPUT', /damaged run record: checksum mismatch/, new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), /re-score its store/));
  // A record written before checksums (or by another tool) has none, and is read as before.
  await writeFile(file, JSON.stringify(record, null, 2));
  assert.deepEqual((await loadRunRecords(runs))[0]!.record, record);
});
