/**
 * A real crash: a child process appends to a store and is killed with SIGKILL part-way, twice; runs
 * then resume it. The result must equal, byte for byte, a store written in one go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, readStore, storeDirName } from '../../src/bench/store.js';
import { fixtureId, fixtureKey, fixtureRecord } from './store-fixture.js';

const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, 'store-writer.child.ts');
const ROOT = join(here, '..', '..');
const TOTAL = 5_000;

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the writer child; with `killAfterFlushes`, SIGKILLs it once it has reported that many writes.
 * Killed runs write small batches (many chances to die mid-run); the finishing run larger ones (speed).
 */
function runWriter(baseDir: string, order: 'shuffle' | 'inorder', killAfterFlushes?: number): Promise<ChildResult> {
  const batch = killAfterFlushes === undefined ? 250 : 10;
  return new Promise((resolve, reject) => {
    // The pause between batches only keeps the child from finishing before the kill lands.
    const pauseMs = killAfterFlushes === undefined ? '0' : '1';
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, baseDir, String(TOTAL), String(batch), order, pauseMs], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let flushes = 0;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      flushes = (stdout.match(/^flushed /gm) ?? []).length;
      if (killAfterFlushes !== undefined && flushes >= killAfterFlushes && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('kill -9 mid-run, twice, then resume: same records as an uninterrupted run', { timeout: 120_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'fer-store-crash-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const crashed = join(root, 'crashed');
  const dir = join(crashed, storeDirName(fixtureKey()));

  // First run appends out of order (a worker pool), later runs in corpus order.
  const kills: Array<{ order: 'shuffle' | 'inorder'; after: number }> = [
    { order: 'shuffle', after: 5 },
    { order: 'inorder', after: 3 },
  ];
  let before = 0;
  for (const { order, after } of kills) {
    const r = await runWriter(crashed, order, after);
    assert.equal(r.signal, 'SIGKILL', `child should have been killed, not exited (${r.code}): ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^opened ${before} `, 'm'), 'the run resumed from what the previous one left');

    // Whatever the kill left: every record read back is whole and is exactly the record that was appended.
    const left = await readStore(dir);
    assert.equal(left.meta.complete, null);
    assert.ok(left.records.length > before, 'the killed run wrote something');
    assert.ok(left.records.length < TOTAL, 'the killed run did not finish');
    for (const rec of left.records) assert.deepEqual(rec, fixtureRecord(Number(rec.id.slice(4)), 24));
    before = left.records.length;
  }

  const resumed = await runWriter(crashed, 'inorder');
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, new RegExp(`^opened ${before} `, 'm'));
  assert.match(resumed.stdout, /^done$/m);

  // The reference: one uninterrupted run, in process.
  const clean = join(root, 'clean');
  const ref = await openStore({ baseDir: clean, key: fixtureKey(), batchSize: 1000, log: () => undefined });
  await ref.append(Array.from({ length: TOTAL }, (_, i) => fixtureRecord(i, 24)));
  await ref.markComplete({ total: TOTAL });
  const want = await ref.readAll();
  await ref.close();

  const got = await openStore({ baseDir: crashed, key: fixtureKey(), log: () => undefined });
  assert.equal(got.complete, true);
  assert.equal(got.meta.complete?.records, TOTAL);
  assert.equal(got.stats.repairedTail, null, 'a finished run leaves no torn tail');
  const records = await got.readAll();
  await got.close();
  assert.equal(records.length, TOTAL);
  assert.deepEqual(records, want);
  assert.equal(JSON.stringify(records), JSON.stringify(want));
  const order = Array.from({ length: TOTAL }, (_, i) => fixtureId(TOTAL - 1 - i));
  assert.equal(JSON.stringify((await readStore(dir, order)).records), JSON.stringify((await readStore(ref.dir, order)).records));
});
