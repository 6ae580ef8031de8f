/**
 * Child process for the kill -9 suite: what `bench merge` does (src/cli/commands/merge.ts) — merge the
 * segments into one store, score it, save the run record atomically under `runs` — then writes the scored
 * part (`scored`, shard-fixture.ts) to `out` and prints `done`. Prints `opened` once loaded (the
 * parent's kill clock starts there). A BenchError is printed as `error <its JSON>`, exit 2.
 * Usage: merge.child.ts '<json of { segments, storeDir, runs, out }>'
 */
import { mergeSegments } from '../../src/bench/merge.js';
import { saveRunRecord } from '../../src/bench/run-store.js';
import { affectnetProtocol } from '../../src/datasets/label-map.js';
import { reportChildError } from './child-error.js';
import { writeFileAtomic } from '../../src/util/atomic-write.js';
import { scored } from '../bench/shard-fixture.js';

const args = JSON.parse(process.argv[2]!) as { segments: string[]; storeDir: string; runs: string; out: string };
process.stdout.write('opened\n');
try {
  const { record } = await mergeSegments(args.segments, { storeDir: args.storeDir, protocol: affectnetProtocol(8), ci: { resamples: 50, seed: 5 } });
  await saveRunRecord(args.runs, record);
  await writeFileAtomic(args.out, scored(record) + '\n');
  process.stdout.write('done\n');
} catch (e) {
  reportChildError(e);
}
