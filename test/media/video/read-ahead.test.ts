import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAhead } from '../../../src/media/video/read-ahead.js';

/** A source that records how far it has been pulled and whether it was closed. */
function source(n: number, failAt = -1) {
  const state = { produced: 0, closed: false };
  async function* gen() {
    try {
      for (let i = 0; i < n; i++) {
        if (i === failAt) throw new Error(`broken at ${i}`);
        state.produced++;
        yield i;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, it: gen() };
}

test('yields everything in order', async () => {
  const { it } = source(10);
  const out: number[] = [];
  for await (const x of readAhead(it, 3)) out.push(x);
  assert.deepEqual(out, [...Array(10).keys()]);
});

test('the source is never more than depth items ahead of the consumer', async () => {
  const { state, it } = source(100);
  let seen = 0;
  for await (const _ of readAhead(it, 2)) {
    seen++;
    // Let every pending request settle before checking how far the source got.
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.ok(state.produced <= seen + 2, `produced ${state.produced} with ${seen} consumed`);
    assert.ok(state.produced >= Math.min(100, seen + 1));
  }
  assert.equal(seen, 100);
});

test('stopping early closes the source', async () => {
  const { state, it } = source(100);
  for await (const x of readAhead(it, 2)) if (x === 4) break;
  assert.equal(state.closed, true);
  assert.ok(state.produced <= 7);
});

test('an error reaches the consumer after the items before it, and nothing is left unhandled', async () => {
  const { it } = source(10, 6);
  const out: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const x of readAhead(it, 3)) out.push(x);
    })(),
    /broken at 6/,
  );
  assert.deepEqual(out, [0, 1, 2, 3, 4, 5]);
  // The consumer stops before the failing item is reached: its rejection is still handled.
  const early = source(10, 3);
  for await (const x of readAhead(early.it, 3)) if (x === 1) break;
});
