import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAtomicTempFile, writeFileAtomic, writeJsonAtomic } from '../../src/util/atomic-write.js';

const here = dirname(fileURLToPath(import.meta.url));

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fer-atomic-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('writeFileAtomic creates and replaces a file, leaving no temporary file', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'run.json');
  await writeFileAtomic(f, 'one');
  assert.equal(await readFile(f, 'utf8'), 'one');
  await writeFileAtomic(f, new TextEncoder().encode('two'));
  assert.equal(await readFile(f, 'utf8'), 'two');
  assert.deepEqual(await readdir(dir), ['run.json']);
});

test('writeJsonAtomic writes indented JSON with a final newline', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'r.json');
  await writeJsonAtomic(f, { a: [1, 2], b: 'x' });
  assert.equal(await readFile(f, 'utf8'), '{\n  "a": [\n    1,\n    2\n  ],\n  "b": "x"\n}\n');
  await assert.rejects(writeJsonAtomic(f, undefined), /nothing to write/);
  assert.equal(JSON.parse(await readFile(f, 'utf8')).b, 'x');
});

test('a write that fails before the rename leaves the old file intact and cleans up', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'run.json');
  await writeFile(f, 'old');
  await assert.rejects(
    writeFileAtomic(f, 'new', {
      beforeRename: () => {
        throw new Error('crash before rename');
      },
    }),
    /crash before rename/,
  );
  assert.equal(await readFile(f, 'utf8'), 'old');
  assert.deepEqual(await readdir(dir), ['run.json']);
});

test('a process killed (SIGKILL) in the middle of an atomic write leaves the old file intact', async (t) => {
  const dir = await tempDir(t);
  const f = join(dir, 'run.json');
  await writeFile(f, 'old');
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'atomic-write.child.ts'), f, 'new content'], {
    cwd: join(here, '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    if (out.includes('\n')) child.kill('SIGKILL');
  });
  assert.equal(await closed, 'SIGKILL');
  const temp = /^ready (.+)$/m.exec(out)?.[1];
  assert.ok(temp, out);
  assert.equal(await readFile(f, 'utf8'), 'old');
  assert.equal(await readFile(temp, 'utf8'), 'new content', 'the new data was complete, only the rename was missing');
  assert.ok(isAtomicTempFile(basename(temp), 'run.json'));

  await writeFileAtomic(f, 'again');
  assert.equal(await readFile(f, 'utf8'), 'again');
});

test('isAtomicTempFile recognises only our temporary names', () => {
  assert.ok(isAtomicTempFile('.meta.json.1234-0a1b2c3d.tmp'));
  assert.ok(isAtomicTempFile('.meta.json.1234-0a1b2c3d.tmp', 'meta.json'));
  assert.ok(!isAtomicTempFile('.meta.json.1234-0a1b2c3d.tmp', 'other.json'));
  assert.ok(!isAtomicTempFile('meta.json'));
  assert.ok(!isAtomicTempFile('.meta.json.tmp'));
});
