/**
 * Child process for the kill -9 test: opens the fixture store under argv[2] and appends records
 * 0..total-1 that are not done yet, in small batches, printing `flushed <n>` after every write so the
 * parent knows when to kill it. `shuffle` appends in a scrambled order (as a worker pool would).
 * A BenchError (a full disk, a lock held by another writer) is printed as `error <its JSON>`, exit 2.
 * Usage: store-writer.child.ts <baseDir> <total> <batch> <inorder|shuffle> [pauseMs]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openStore } from '../../src/bench/store.js';
import { reportChildError } from '../faults/child-error.js';
import { fixtureId, fixtureKey, fixtureRecord, shuffled } from './store-fixture.js';

const [baseDir, totalArg, batchArg, order, pauseArg] = process.argv.slice(2);
const total = Number(totalArg);
const batch = Number(batchArg);
const pauseMs = Number(pauseArg ?? 0);

try {
  const store = await openStore({ baseDir, key: fixtureKey(), batchSize: batch, log: (m) => process.stderr.write(m + '\n') });
  process.stdout.write(`opened ${store.done.size} repaired ${store.stats.repairedTail ? 1 : 0}\n`);
  const todo = (order === 'shuffle' ? shuffled(total) : Array.from({ length: total }, (_, i) => i)).filter((i) => !store.done.has(fixtureId(i)));
  for (let k = 0; k < todo.length; k += batch) {
    await store.append(todo.slice(k, k + batch).map((i) => fixtureRecord(i, 24)));
    process.stdout.write(`flushed ${store.stats.written}\n`);
    if (pauseMs) await sleep(pauseMs);
  }
  await store.markComplete({ total });
  await store.close();
  process.stdout.write('done\n');
} catch (e) {
  reportChildError(e);
}
