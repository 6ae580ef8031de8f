import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { leadingField, parseCsvLine } from '../../src/datasets/csv.js';
import { relativePosix, resolveUnder } from '../../src/datasets/paths.js';

test('parseCsvLine: plain, quoted, doubled quotes, commas inside quotes, empty fields', () => {
  assert.deepEqual(parseCsvLine('a,b,,c'), { fields: ['a', 'b', '', 'c'] });
  assert.deepEqual(parseCsvLine('"a,1","say ""hi""",x'), { fields: ['a,1', 'say "hi"', 'x'] });
  assert.deepEqual(parseCsvLine('x,""'), { fields: ['x', ''] });
  assert.deepEqual(parseCsvLine('x,"q"'), { fields: ['x', 'q'] });
  assert.deepEqual(parseCsvLine('ab"c,d'), { fields: ['ab"c', 'd'] }); // stray quote kept, as pandas does
});

test('parseCsvLine: broken quotes are errors with a column', () => {
  assert.deepEqual(parseCsvLine('a,"open'), { error: 'unterminated quoted field starting at column 3' });
  assert.deepEqual(parseCsvLine('"a"b,c'), { error: "unexpected 'b' after a closing quote at column 4" });
});

test('leadingField names a broken row by its first field, quotes removed', () => {
  assert.equal(leadingField('12/ab.jpg,1,"2'), '12/ab.jpg');
  assert.equal(leadingField('"12/a""b.jpg",1,"2'), '12/a"b.jpg');
});

test('resolveUnder refuses paths that leave the base, accepts those inside', () => {
  const base = path.resolve('/data/corpus');
  assert.deepEqual(resolveUnder(base, '12/a.jpg'), { ok: true, abs: path.join(base, '12/a.jpg') });
  assert.deepEqual(resolveUnder(base, '12\\a.jpg'), { ok: true, abs: path.join(base, '12/a.jpg') });
  assert.deepEqual(resolveUnder(base, 'x/../12/a.jpg'), { ok: true, abs: path.join(base, '12/a.jpg') });
  assert.deepEqual(resolveUnder(base, `${base}/in.jpg`), { ok: true, abs: path.join(base, 'in.jpg') });
  for (const bad of ['../a.jpg', '12/../../a.jpg', '..\\..\\etc\\passwd', '/etc/passwd', '', '.', 'a\0.jpg', '/data/corpus2/a.jpg']) {
    assert.equal(resolveUnder(base, bad).ok, false, bad);
  }
  assert.equal(relativePosix(base, path.join(base, 'a', 'b.jpg')), 'a/b.jpg');
});
