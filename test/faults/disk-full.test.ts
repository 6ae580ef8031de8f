/**
 * The disk refuses a write in the middle of a run, for real: a child process appends to a store
 *  - on a 160 KiB tmpfs mounted in a user + mount namespace (`unshare -r -m`, no root needed): ENOSPC;
 *    skipped, with the reason, where user namespaces are not allowed;
 *  - under `ulimit -f` (RLIMIT_FSIZE; Node ignores SIGXFSZ, so the write returns EFBIG): always.
 * Each time the run must stop with a DISK_FULL BenchError naming the file, what to do and how many items
 * are kept; the store must stay readable (a torn tail at most); the next run, with room, resumes and
 * ends with exactly the records of an uninterrupted run; `bench eval` itself exits 2 with one JSON
 * error and the same command then finishes. Atomic writes (meta.json, run records) refused
 * the same way leave the previous file whole and no temporary file behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, readStore, storeDirName } from '../../src/bench/store.js';
import { fixtureKey, fixtureRecord } from '../bench/store-fixture.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { BENCH_MAIN, STACK_LINE, TINY_MODEL, writeTinyModel } from '../bench/tiny-model.js';
import { tempDir } from '../datasets/tmpdir.js';
import { runProcess, type ChildRun } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const WRITER = join(here, '..', 'bench', 'store-writer.child.ts');
const ATOMIC = join(here, 'atomic-writer.child.ts');
const TOTAL = 600;

const run = (cmd: string, args: string[]) => runProcess(cmd, args);
type Run = ChildRun;

const node = (script: string, ...args: string[]) => ['node', '--import', 'tsx', script, ...args].map((a) => `'${a}'`).join(' ');

/** The JSON of the `error …` line a child printed. */
function childError(r: Run): { code: string; message: string; file: string; fix: string } {
  const line = /^error (.+)$/m.exec(r.stdout);
  assert.ok(line, `the child printed no BenchError (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line[1]!);
}

/** What every refused run must leave: a typed error, a readable partial store, then a resume to the same records as one clean run. */
async function checkStoppedThenResumed(root: string, base: string, r: Run, want: RegExp): Promise<void> {
  assert.equal(r.code, 2, `the child should stop with a user error:\n${r.stdout}\n${r.stderr}`);
  const err = childError(r);
  const dir = join(base, storeDirName(fixtureKey()));
  assert.equal(err.code, 'DISK_FULL');
  assert.match(err.message, want);
  assert.equal(err.file, join(dir, 'predictions.jsonl'));
  const kept = Number(/the (\d+) item\(s\) already stored will not be re-run/.exec(err.fix)?.[1]);
  assert.match(err.fix, /free space and re-run|raise the file-size limit/);

  const left = await readStore(dir);
  assert.equal(left.meta.complete, null);
  assert.ok(left.records.length > 0 && left.records.length < TOTAL, `${left.records.length} records left`);
  assert.ok(left.records.length >= kept, `the error promised ${kept} stored items, ${left.records.length} are readable`);
  for (const rec of left.records) assert.deepEqual(rec, fixtureRecord(Number(rec.id.slice(4)), 24));

  const resumed = await run(process.execPath, ['--import', 'tsx', WRITER, base, String(TOTAL), '50', 'inorder']);
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`^opened ${left.records.length} `, 'm'), 'nothing stored was lost or run again');

  const ref = await openStore({ baseDir: join(root, 'clean'), key: fixtureKey(), batchSize: 1000, fsync: false, log: () => undefined });
  await ref.append(Array.from({ length: TOTAL }, (_, i) => fixtureRecord(i, 24)));
  const want2 = await ref.readAll();
  await ref.close();
  const got = await readStore(dir);
  assert.equal(got.meta.complete?.records, TOTAL);
  assert.equal(got.duplicates, 0);
  assert.equal(got.torn, null);
  assert.equal(JSON.stringify(got.records), JSON.stringify(want2));
}

const userNamespaces = spawnSync('unshare', ['-r', '-m', 'true']).status === 0;

test('a full tmpfs (ENOSPC) mid-run: typed error, readable store, the next run resumes', { skip: userNamespaces ? false : 'unshare -r -m is not allowed here (no user namespaces)', timeout: 60_000 }, async (t) => {
  const root = await tempDir('faults');
  const mnt = join(root, 'mnt');
  const out = join(root, 'out');
  // The store lives on the small tmpfs, which exists only inside the namespace: copy it out afterwards.
  const script = [
    `mkdir -p '${mnt}' '${out}'`,
    `mount -t tmpfs -o size=160k tmpfs '${mnt}'`,
    `${node(WRITER, join(mnt, 'base'), String(TOTAL), '10', 'inorder')}`,
    'rc=$?',
    `df -k '${mnt}' >&2`,
    `cp -a '${join(mnt, 'base')}' '${out}/'`,
    'exit $rc',
  ].join('\n');
  const r = await run('unshare', ['-r', '-m', 'sh', '-c', script]);
  t.diagnostic(r.stderr.trim().split('\n').slice(-2).join(' | '));
  const err = childError(r);
  assert.match(err.message, /disk full \(ENOSPC\) while writing .*predictions\.jsonl/);
  // The error names the tmpfs path; the copy is what the test reads and resumes.
  const base = join(out, 'base');
  await checkStoppedThenResumed(root, base, { ...r, stdout: r.stdout.replaceAll(join(mnt, 'base'), base) }, /ENOSPC/);
});

test('a file-size limit (ulimit -f → EFBIG) mid-run: typed error, readable store, the next run resumes', { timeout: 60_000 }, async (t) => {
  const root = await tempDir('faults');
  const base = join(root, 'base');
  const r = await run('sh', ['-c', `ulimit -f 160; exec ${node(WRITER, base, String(TOTAL), '10', 'inorder')}`]);
  await checkStoppedThenResumed(root, base, r, /file too large \(EFBIG\) while writing/);
});

test('an atomic write the disk refuses leaves the previous file whole and no temporary file', { timeout: 30_000 }, async (t) => {
  const dir = await tempDir('faults');
  const target = join(dir, 'record.json');
  await writeFile(target, '{"old":true}\n');
  const r = await run('sh', ['-c', `ulimit -f 64; exec ${node(ATOMIC, target, String(200_000))}`]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const err = childError(r);
  assert.equal(err.code, 'DISK_FULL');
  assert.equal(err.file, target);
  assert.match(err.fix, /previous record\.json is unchanged/);
  assert.equal(await readFile(target, 'utf8'), '{"old":true}\n');
  assert.deepEqual(await readdir(dir), ['record.json']);
});

test('bench eval under a file-size limit: exit 2 with one DISK_FULL JSON error; the same command then finishes the store', { timeout: 60_000 }, async () => {
  const root = await tempDir('faults-cli');
  const tiny = await writeTinyModel(join(root, 'cache'));
  const fixture = await writeAffectNetFixture({ dir: join(root, 'AffectNet'), layout: 'csv', perClass: 6, imageSize: 32, seed: 2 });
  const env = `FER_BENCH_ZOO='${tiny.zooPath}' FER_BENCH_CACHE='${join(root, 'cache')}'`;
  const args = ['eval', '-m', TINY_MODEL, '--dataset', 'affectnet', '--root', fixture.root, '--store-dir', join(root, 'predictions'), '--out', join(root, 'runs'), '--resamples', '0', '--workers', '1', '--json'];
  const cli = (limit: string) => runProcess('sh', ['-c', `ulimit -f ${limit}; ${env} exec ${['node', '--import', 'tsx', BENCH_MAIN, ...args].map((a) => `'${a}'`).join(' ')}`]);

  const full = await cli('8');
  assert.equal(full.code, 2, full.stdout + full.stderr);
  assert.doesNotMatch(full.stderr, STACK_LINE);
  const { error } = JSON.parse(full.stdout) as { error: { code: string; message: string; file: string; fix: string } };
  assert.equal(error.code, 'DISK_FULL');
  assert.match(error.file, /predictions\.jsonl$/);
  assert.match(error.message, /file too large \(EFBIG\) while writing/);
  assert.match(error.fix, /already stored will not be re-run/);

  const again = await cli('unlimited');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  const record = JSON.parse(again.stdout) as { predictionStore: string; coverage: { total: number } };
  const store = await readStore(record.predictionStore);
  assert.deepEqual([store.records.length, store.duplicates, store.torn, store.meta.complete?.records], [48, 0, null, 48]);
});
