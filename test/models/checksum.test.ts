import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rememberSha256, sha256File, sha256Memo, verification } from '../../src/models/checksum.js';

const tmp = mkdtempSync(join(tmpdir(), 'fer-sha-'));

test('sha256File matches the known digest of "abc"', async () => {
  const f = join(tmp, 'abc.txt');
  writeFileSync(f, 'abc');
  assert.equal(await sha256File(f), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('verification: true, false, or no published checksum', () => {
  assert.equal(verification('ab'.repeat(32), 'ab'.repeat(32)), true);
  assert.equal(verification('ab'.repeat(32), 'AB'.repeat(32)), true);
  assert.equal(verification('ab'.repeat(32), 'cd'.repeat(32)), false);
  assert.equal(verification('ab'.repeat(32), undefined), 'no-published-checksum');
});

test('the memo is reused while path, size and mtime are unchanged, and refreshed when they change', async () => {
  const f = join(tmp, 'weights.bin');
  const memo = join(tmp, 'memo', '.sha256-memo.json');
  writeFileSync(f, 'first');
  const real = await sha256Memo(f, memo);
  assert.equal(real, await sha256File(f));
  const stored = JSON.parse(readFileSync(memo, 'utf8'));
  assert.equal(stored.files[f].sha256, real);

  // A planted entry with the same size and mtime is trusted: proof that the file is not re-hashed.
  await rememberSha256(f, 'f'.repeat(64), memo);
  assert.equal(await sha256Memo(f, memo), 'f'.repeat(64));

  // Touching the file (new mtime) invalidates the entry.
  const later = new Date(Date.now() + 5000);
  utimesSync(f, later, later);
  assert.equal(await sha256Memo(f, memo), real);

  // Same mtime, different size: also re-hashed.
  writeFileSync(f, 'second!');
  utimesSync(f, later, later);
  assert.equal(await sha256Memo(f, memo), await sha256File(f));
});

test('a corrupt or unwritable memo only costs time', async () => {
  const f = join(tmp, 'w2.bin');
  writeFileSync(f, 'data');
  const memo = join(tmp, 'corrupt.json');
  writeFileSync(memo, '{not json');
  assert.equal(await sha256Memo(f, memo), await sha256File(f));
  // A memo path inside a file cannot be created: hashing still works.
  assert.equal(await sha256Memo(f, join(f, 'memo.json')), await sha256File(f));
});
