/**
 * How every command ends: human text or `--json`, and user errors printed as one clear message with a
 * non-zero exit code instead of a stack trace.
 */
import { isBenchError } from '../errors.js';

export interface OutputOptions {
  json?: boolean;
}

/** Prints `value` as pretty JSON on stdout (the only thing on stdout with --json). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Wraps a command action: BenchErrors become a message (or a JSON error object) and exit code 2. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (isBenchError(e)) {
        const wantsJson = process.argv.includes('--json');
        if (wantsJson) printJson({ error: e.toJSON() });
        else process.stderr.write(e.describe() + '\n');
        process.exitCode = 2;
        return;
      }
      throw e;
    }
  };
}
