/**
 * Child process for the disk-full tests: writes a JSON document of about `bytes` bytes to `target` with
 * writeJsonAtomic (how meta.json and run records are written), printing `error <json>` (exit 2) when
 * that fails with a BenchError.
 * Usage: atomic-writer.child.ts <target> <bytes>
 */
import { reportChildError } from './child-error.js';
import { writeJsonAtomic } from '../../src/util/atomic-write.js';

const [target, bytes] = process.argv.slice(2);
try {
  await writeJsonAtomic(target!, { filler: 'x'.repeat(Number(bytes)) });
  process.stdout.write('written\n');
} catch (e) {
  reportChildError(e);
}
