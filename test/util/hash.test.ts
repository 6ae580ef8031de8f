import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, compareCodeUnits, fileSafe, sha256, sha256File, sha256Json, shortHash } from '../../src/util/hash.js';

test('sha256 matches the standard test vector', () => {
  assert.equal(sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(sha256(new TextEncoder().encode('abc')), sha256('abc'));
});

test('sha256File streams a multi-chunk file to the same hash as hashing it whole', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fer-hash-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const bytes = Buffer.alloc(3 * (1 << 20) + 12345);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
  const f = join(dir, 'w.bin');
  await writeFile(f, bytes);
  assert.equal(await sha256File(f), createHash('sha256').update(bytes).digest('hex'));
  await writeFile(join(dir, 'empty'), '');
  assert.equal(await sha256File(join(dir, 'empty')), sha256(''));
  await assert.rejects(sha256File(join(dir, 'missing')), /ENOENT/);
});

test('canonicalJson sorts keys at every depth and drops undefined members', () => {
  const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, u: undefined };
  const b = { a: { c: 'x', d: [3, { y: 2, z: 1 }] }, b: 1 };
  assert.equal(canonicalJson(a), '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(sha256Json(a), sha256Json(b));
  assert.equal(canonicalJson([undefined, null]), '[null,null]');
  assert.equal(canonicalJson({ 'é': 1, Z: 2, a: 3 }), '{"Z":2,"a":3,"é":1}', 'code-unit order, not locale order');
  assert.equal(canonicalJson({ d: new Date(0) }), '{"d":"1970-01-01T00:00:00.000Z"}');
  assert.equal(canonicalJson(0.1 + 0.2), '0.30000000000000004');
  assert.notEqual(sha256Json({ a: 1 }), sha256Json({ a: '1' }));
});

test('canonicalJson refuses what JSON would silently change', () => {
  assert.throws(() => canonicalJson({ a: [1, NaN] }), /\$\.a\[1\] is NaN/);
  assert.throws(() => canonicalJson({ a: Infinity }), /Infinity/);
  assert.throws(() => canonicalJson({ a: 1n }), /bigint/);
  assert.throws(() => canonicalJson({ f: () => 1 }), /function/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => canonicalJson(cyclic), /cycle/);
  const shared = { x: 1 };
  assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}', 'a shared object is not a cycle');
});

test('shortHash, fileSafe and compareCodeUnits', () => {
  assert.equal(shortHash(sha256('abc')), 'ba7816bf8f01');
  assert.equal(shortHash(sha256('abc'), 8), 'ba7816bf');
  assert.throws(() => shortHash('xyz'));
  assert.equal(fileSafe('enet_b0 8/best:vgaf'), 'enet_b0-8-best-vgaf');
  assert.equal(fileSafe('../..'), 'unnamed');
  assert.deepEqual(['b', 'B', 'a', 'é'].sort(compareCodeUnits), ['B', 'a', 'b', 'é']);
});
