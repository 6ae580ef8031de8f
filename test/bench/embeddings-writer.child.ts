/**
 * Child process for the embedding store's kill -9 test: appends records 0..total-1 of the deterministic
 * fixture (item-<i div 10>, frame i mod 10) that are not in the file yet, in batches of 10, printing
 * `flushed <n>` after every write so the parent knows when to kill it.
 * Usage: embeddings-writer.child.ts <file> <total> [pauseMs]
 */
import { openEmbeddingWriter } from '../../src/bench/store/embeddings.js';
import { CRASH_DIM, crashRecord } from './embeddings-fixture.js';

const [file, totalArg, pauseArg] = process.argv.slice(2);
const pauseMs = Number(pauseArg ?? 0);
const total = Number(totalArg);
const w = await openEmbeddingWriter(file, { dim: CRASH_DIM });
process.stdout.write(`opened repaired ${w.repaired ? 1 : 0}\n`);
const todo = Array.from({ length: total }, (_, i) => crashRecord(i)).filter((r) => !w.existing.get(r.id)?.some((e) => e.frame === r.frame));
for (let k = 0; k < todo.length; k += 10) {
  await w.append(todo.slice(k, k + 10));
  process.stdout.write(`flushed ${k + 10}\n`);
  // The pause only keeps the child from finishing before the parent's kill lands.
  if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
}
await w.close();
process.stdout.write('done\n');
