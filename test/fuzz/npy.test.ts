import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { npyNumber, parseNpy, type NpyArray } from '../../src/datasets/npy.js';
import { expectBenchError } from '../expect-error.js';
import { assertBenchFailure, FUZZ_TEST_TIMEOUT, fuzzParams, mutatedBytes } from './fuzz.js';

const DIR = new URL('../fixtures/npy/', import.meta.url).pathname;
const FIXTURES = readdirSync(DIR)
  .filter((n) => n.endsWith('.npy'))
  .sort()
  .map((n) => readFileSync(path.join(DIR, n)));
const FILE = '/fuzz/x.npy';

/** A parsed array is self-consistent: as many elements as its shape says. */
function checkArray(a: NpyArray): void {
  assert.equal(a.data.length, a.shape.reduce((x, y) => x * y, 1));
}

/** parseNpy then npyNumber (what the AffectNet loader does): a result or a BenchError naming the file. */
function parseBoth(bytes: Uint8Array): void {
  let a: NpyArray;
  try {
    a = parseNpy(bytes, FILE);
  } catch (e) {
    assertBenchFailure(e, FILE);
    return;
  }
  checkArray(a);
  try {
    assert.equal(typeof npyNumber(a, FILE), 'number');
  } catch (e) {
    assertBenchFailure(e, FILE);
  }
}

/** A version-1 file around an arbitrary header text and body. */
function npyWith(header: string, body: Uint8Array, version = 1): Uint8Array {
  const h = Buffer.from(header, version === 3 ? 'utf8' : 'latin1');
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + h.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  out.set(h, pre);
  out.set(body, pre + h.length);
  return out;
}

test('fuzz .npy: mutated NumPy files parse or fail as a BenchError naming the file', { timeout: FUZZ_TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(fc.constantFrom(...FIXTURES).chain((b) => mutatedBytes(b)), (bytes) => parseBoth(bytes)),
    fuzzParams(400, 101),
  );
});

test('fuzz .npy: arbitrary header dicts (dtype, shape, order) parse or fail as a BenchError', { timeout: FUZZ_TEST_TIMEOUT }, () => {
  const descr = fc.oneof(
    fc.stringMatching(/^[<>|=][biufUOSV]\d{1,12}$/),
    fc.constantFrom('<U0', '<U1', '<i8', '|b1', '<f2', '>U1', '<c16', "<U1'", ''),
  );
  const dim = fc.oneof(fc.nat(5).map(String), fc.constantFrom('0', '-1', '1e3', '1.5', '99999999999999999999', '4294967296', '3L', 'x', ''));
  const shape = fc.array(dim, { maxLength: 4 }).map((d) => `(${d.join(', ')}${d.length === 1 ? ',' : ''})`);
  const header = fc
    .record({ descr, order: fc.constantFrom('False', 'True', 'maybe'), shape })
    .map(({ descr, order, shape }) => `{'descr': '${descr}', 'fortran_order': ${order}, 'shape': ${shape}, }\n`);
  fc.assert(
    fc.property(header, fc.uint8Array({ maxLength: 64 }), fc.constantFrom(1, 2, 3), (h, body, v) => parseBoth(npyWith(h, body, v))),
    fuzzParams(400, 102),
  );
});

test('fuzz .npy: regressions found by the fuzzer', () => {
  // A zero-width string dtype with a huge shape passed the size check (0 bytes needed) and then looped
  // over 1e15 elements.
  assert.throws(() => parseNpy(npyWith("{'descr': '<U0', 'fortran_order': False, 'shape': (1000000000000000,), }\n", new Uint8Array()), FILE), expectBenchError('UNSUPPORTED_FORMAT', /U0/, /numpy\.save/));
  // A '<U' code unit above U+10FFFF made String.fromCodePoint throw a RangeError.
  const body = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
  assert.throws(() => parseNpy(npyWith("{'descr': '<U1', 'fortran_order': False, 'shape': (), }\n", body), FILE), expectBenchError('UNSUPPORTED_FORMAT', /code point/, /numpy\.save/));
});
