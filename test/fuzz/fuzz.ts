/**
 * What every fuzz test shares: bounded, seeded fast-check runs, the one property (a parser returns a
 * result or throws a BenchError with a fix, and a file when it read one), and structure-aware mutators
 * that start from a valid fixture.
 *
 * Defaults keep the whole suite near 30 s on a shared 2-core machine. `FER_FUZZ_RUNS=2000` runs more cases
 * per property (the time limit then grows with it); `FER_FUZZ_SEED=<n>` replays another sequence.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import type { Corpus } from '../../src/datasets/corpus.js';
import type { ClassName } from '../../src/datasets/emotions.js';
import { FLAG_REASONS, SKIP_REASONS } from '../../src/datasets/skips.js';
import { BenchError } from '../../src/errors.js';

const envRuns = Number(process.env.FER_FUZZ_RUNS);
const envSeed = Number(process.env.FER_FUZZ_SEED);

/**
 * fast-check parameters: `runs` cases (or FER_FUZZ_RUNS), seeded (the seed is printed on failure, so a
 * failing case replays), stopped after `ms` at most (a run cut short by the limit counts as passed).
 */
export function fuzzParams<T>(runs: number, seed: number, ms = 4000): fc.Parameters<T> {
  const numRuns = Number.isInteger(envRuns) && envRuns > 0 ? envRuns : runs;
  return {
    numRuns,
    seed: Number.isInteger(envSeed) ? envSeed + seed : seed,
    plugins: [fc.interruptAfterTimeLimit(Math.round((ms * numRuns) / runs))],
    // The failing exception's message, not only the input, so a crash is readable from the test output.
    includeErrorInReport: true,
  };
}

/** Per-test time limit for node:test, so an asynchronous hang fails the test instead of stalling it. */
export const FUZZ_TEST_TIMEOUT = 120_000;

/**
 * The failure half of the property: `e` is a BenchError with a fix sentence, naming `file` when one was
 * read (a string: exactly that file; true: some file). Anything else is rethrown, so fast-check reports the
 * real exception and its stack.
 */
export function assertBenchFailure(e: unknown, file?: string | true): asserts e is BenchError {
  if (!(e instanceof BenchError)) throw e;
  assert.ok(typeof e.fix === 'string' && e.fix.trim().length > 0, `BenchError without a fix: ${e.message}`);
  if (file === true) assert.ok(e.file, `BenchError without a file: ${e.message}`);
  else if (file !== undefined) assert.equal(e.file, file, `BenchError names ${e.file}, not ${file}: ${e.message}`);
}

/** Runs `fn`; a result goes to `check`, a throw must be a BenchError (see `assertBenchFailure`). */
export async function resultOrBenchError<T>(fn: () => T | Promise<T>, check: (v: T) => void, file?: string | true): Promise<void> {
  let v: T;
  try {
    v = await fn();
  } catch (e) {
    assertBenchFailure(e, file);
    return;
  }
  check(v);
}

// ---- structure-aware mutators -------------------------------------------------------------------

type ByteOp =
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; n: number }
  | { op: 'truncate'; at: number };

const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function applyByteOp(b: Uint8Array, o: ByteOp): Uint8Array {
  const at = b.length === 0 ? 0 : o.at % (b.length + (o.op === 'insert' ? 1 : 0));
  switch (o.op) {
    case 'set': {
      if (b.length === 0) return b;
      const c = Uint8Array.from(b);
      c[at] = o.value;
      return c;
    }
    case 'insert':
      return Uint8Array.from([...b.subarray(0, at), ...o.bytes, ...b.subarray(at)]);
    case 'delete':
      return Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + o.n)]);
    case 'truncate':
      return b.subarray(0, at);
  }
}

/** `base` with 1..`maxOps` byte flips, insertions, deletions or a truncation. */
export function mutatedBytes(base: Uint8Array, maxOps = 4): fc.Arbitrary<Uint8Array> {
  return fc.array(byteOp, { minLength: 1, maxLength: maxOps }).map((ops) => ops.reduce(applyByteOp, base));
}

/** Strings a hostile file would hold in a field: separators, quotes, path tricks, odd numbers, any unicode. */
export const hostileField: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', ' ', '"', '""', '"a', 'a"b', ',', ';', '\t', '\0', '\r', '../x.jpg', '/etc/passwd', '..\\..\\x', '.', '-1', '-2', '0', '1e309', 'NaN', '-0', '1e-400', '99999999999999999999', '0x10', '__proto__', 'constructor', 'happy', 'Neutral'),
  fc.double().map(String),
  fc.integer({ min: -20, max: 20 }).map(String),
);

type LineOp =
  | { op: 'delete'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'swap'; at: number; with: number }
  | { op: 'field'; at: number; field: number; value: string }
  | { op: 'dropField'; at: number; field: number }
  | { op: 'addField'; at: number; value: string }
  | { op: 'insert'; at: number; line: string }
  | { op: 'cut'; at: number; chars: number };

const lineOp: fc.Arbitrary<LineOp> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  { arbitrary: fc.record({ op: fc.constant('field' as const), at: fc.nat(), field: fc.nat(), value: hostileField }), weight: 4 },
  fc.record({ op: fc.constant('dropField' as const), at: fc.nat(), field: fc.nat() }),
  fc.record({ op: fc.constant('addField' as const), at: fc.nat(), value: hostileField }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), line: fc.array(hostileField, { maxLength: 8 }).map((f) => f.join(',')) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat(), chars: fc.nat() }),
);

function applyLineOp(sep: string) {
  return (lines: string[], o: LineOp): string[] => {
    const out = [...lines];
    const n = out.length;
    if (n === 0 && o.op !== 'insert') return out;
    const at = o.at % Math.max(n, 1);
    switch (o.op) {
      case 'delete':
        out.splice(at, 1);
        break;
      case 'duplicate':
        out.splice(at, 0, out[at]);
        break;
      case 'swap': {
        const w = o.with % n;
        [out[at], out[w]] = [out[w], out[at]];
        break;
      }
      case 'field':
      case 'dropField': {
        const f = out[at].split(sep);
        const i = o.field % f.length;
        if (o.op === 'field') f[i] = o.value;
        else f.splice(i, 1);
        out[at] = f.join(sep);
        break;
      }
      case 'addField':
        out[at] = `${out[at]}${sep}${o.value}`;
        break;
      case 'insert':
        out.splice(o.at % (n + 1), 0, o.line.split(',').join(sep));
        break;
      case 'cut':
        out[at] = out[at].slice(0, o.chars % (out[at].length + 1));
        break;
    }
    return out;
  };
}

/**
 * `base` (a valid text file: CSV rows, space-separated label lists) with 1..`maxOps` line edits: lines
 * deleted, duplicated, swapped, cut short or inserted; fields replaced by hostile strings, dropped or added.
 */
export function mutatedLines(base: string, opts: { sep?: string; maxOps?: number } = {}): fc.Arbitrary<string> {
  const sep = opts.sep ?? ',';
  const lines = base.split('\n');
  return fc
    .array(lineOp, { minLength: 1, maxLength: opts.maxOps ?? 4 })
    .map((ops) => ops.reduce(applyLineOp(sep), lines).join('\n'));
}

/** A JSON value with one path (object key / array index chain) replaced, deleted, or retyped. */
export function mutatedJson(base: unknown, maxOps = 3): fc.Arbitrary<unknown> {
  const replacement: fc.Arbitrary<unknown> = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    hostileField,
    fc.constantFrom(null, true, -1, 0, 1e9, -1e9, 1.5, [], {}, [null], ''),
  );
  const op = fc.record({ path: fc.array(fc.nat(), { minLength: 2, maxLength: 8 }), kind: fc.constantFrom('set', 'delete', 'set', 'set'), value: replacement });
  return fc.array(op, { minLength: 1, maxLength: maxOps }).map((ops) => {
    let doc = structuredClone(base);
    for (const o of ops) doc = editJsonAt(doc, o.path, o.kind === 'delete' ? DELETE : o.value);
    return doc;
  });
}

const DELETE = Symbol('delete');

/** Walks `path` (each step an index into the current node's keys/items, modulo their count) and edits there. */
function editJsonAt(doc: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || doc === null || typeof doc !== 'object') return value === DELETE ? null : value;
  const keys = Array.isArray(doc) ? doc.map((_, i) => i) : Object.keys(doc);
  if (keys.length === 0) return value === DELETE ? doc : value;
  const k = keys[path[0] % keys.length] as string & number;
  const node = doc as Record<string | number, unknown>;
  // Stop early at random depths, so shallow fields are edited as often as deep ones.
  if (path.length === 1 || node[k] === null || typeof node[k] !== 'object') {
    if (value === DELETE) {
      if (Array.isArray(doc)) doc.splice(k as number, 1);
      else delete node[k];
    } else node[k] = value;
    return doc;
  }
  node[k] = editJsonAt(node[k], path.slice(1), value);
  return doc;
}

// ---- corpus results -------------------------------------------------------------------------------

/**
 * What every loaded corpus must satisfy, however hostile its manifest: unique ids, labels inside the label
 * space, sources under `root`, boxes with positive finite sides, and every skip under a known reason with
 * the file it came from.
 */
export function checkCorpus(c: Corpus, root: string, reasons: readonly string[] = Object.keys(SKIP_REASONS)): void {
  const ids = new Set<string>();
  const realRoot = path.resolve(root);
  for (const s of c.samples) {
    assert.ok(!ids.has(s.id), `duplicate id ${s.id}`);
    ids.add(s.id);
    assert.ok(c.classes.includes(s.label as ClassName), `label ${s.label} outside ${c.classes.join(',')}`);
    const p = s.source.kind === 'frames-dir' ? s.source.dir : s.source.path;
    const rel = path.relative(realRoot, p);
    assert.ok(rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel), `${p} outside ${realRoot}`);
    if (s.source.kind === 'image' && s.source.box) {
      const b = s.source.box;
      assert.ok([b.x, b.y, b.width, b.height].every(Number.isFinite) && b.width > 0 && b.height > 0, JSON.stringify(b));
    }
    if (s.source.kind === 'video' && s.source.start !== undefined) assert.ok(s.source.start >= 0 && s.source.end! > s.source.start);
  }
  for (const k of [...c.skipped, ...c.flagged]) {
    assert.ok(reasons.includes(k.reason) || Object.hasOwn(FLAG_REASONS, k.reason), `unknown reason ${k.reason}`);
    assert.ok(k.file, `skip ${k.reason} ${k.id} names no file`);
  }
  assert.match(c.manifestSha256, /^[0-9a-f]{64}$/);
}
