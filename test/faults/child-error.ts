/** How the fault suite's children report a BenchError to the parent: one `error <its JSON>` line, exit code 2. Anything else is rethrown (a bug: stack trace, exit 1). */
import { isBenchError } from '../../src/errors.js';

export function reportChildError(e: unknown): void {
  if (!isBenchError(e)) throw e;
  process.stdout.write(`error ${JSON.stringify(e.toJSON())}\n`);
  process.exitCode = 2;
}
