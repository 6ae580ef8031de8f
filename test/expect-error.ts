import assert from 'node:assert/strict';
import { BenchError } from '../src/errors.js';

/** An `assert.rejects`/`assert.throws` validator: a BenchError with this code whose message, file or fix match every pattern. */
export function expectBenchError(code: string, ...parts: RegExp[]) {
  return (e: unknown) => {
    assert.ok(e instanceof BenchError, String(e));
    assert.equal(e.code, code);
    const text = `${e.message}\n${e.file ?? ''}\n${e.fix ?? ''}`;
    for (const p of parts) assert.match(text, p);
    return true;
  };
}
