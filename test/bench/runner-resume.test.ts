/**
 * A real crash in the middle of an evaluation: a child process evaluates the tiny model over a few
 * hundred generated AffectNet images and is killed with SIGKILL after some batches reached the
 * prediction store; the evaluation is then resumed in this process. The result must equal an
 * uninterrupted run into another store: same metrics (same JSON bytes), same confusion matrix, same
 * per-item records (all but the per-item engine time, a wall-clock measurement).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, type EvalRunRecord } from '../../src/bench/evaluate.js';
import type { PredictionRecord } from '../../src/bench/records.js';
import { listStores, readStore } from '../../src/bench/store.js';
import { openCorpus } from '../../src/datasets/corpus.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { affectnetProtocol } from '../../src/datasets/label-map.js';
import { openModel } from '../../src/models/open.js';
import { writeTinyModel } from './tiny-model.js';

const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, 'eval-runner.child.ts');
const ROOT = join(here, '..', '..');
const BATCH = 4;
const CI = { resamples: 300, seed: 3 };

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** `done` of the last progress line read before the kill was sent. */
  killedAt: number | null;
}

/** Runs the child; SIGKILLs it once it reports at least `killAtDone` items done. */
function runChild(args: string[], killAtDone: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killedAt: number | null = null;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      if (killedAt !== null) return;
      const done = [...stdout.matchAll(/^progress (\d+) /gm)].map((m) => Number(m[1])).at(-1) ?? 0;
      if (done >= killAtDone && child.exitCode === null) {
        killedAt = done;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, killedAt }));
  });
}

const untimed = (records: readonly PredictionRecord[]) => records.map(({ latencyMs: _l, ...r }) => r);
const digest = (r: EvalRunRecord) => JSON.stringify({ classes: r.classes, metrics: r.metrics, confusion: r.confusion, coverage: r.coverage });

test('kill -9 in the middle of an evaluation, then resume: same metrics, confusion and records as an uninterrupted run', { timeout: 120_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'fer-runner-resume-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const tiny = await writeTinyModel(join(root, 'model'));
  const fixture = await writeAffectNetFixture({
    dir: join(root, 'AffectNet'),
    layout: 'csv',
    perClass: 40,
    imageSize: 48,
    seed: 11,
    faults: { truncatedJpeg: 3, missingFile: 2, expression8to10: 3, malformedRow: 2 },
  });
  const corpus = await openCorpus('affectnet', { root: fixture.root, split: 'val' });
  const total = corpus.samples.length;
  assert.ok(total >= 320);

  const crashedBase = join(root, 'crashed');
  // Killed once a quarter is reported; the child itself stops making progress at half (see the child).
  const run = await runChild([tiny.zooPath, tiny.onnxPath, fixture.root, crashedBase, String(BATCH), '4', String(Math.floor(total / 2))], Math.floor(total / 4));
  assert.equal(run.signal, 'SIGKILL', `the child should have been killed, not exited (${run.code}):\n${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, new RegExp(`^opened ${total}$`, 'm'));
  assert.doesNotMatch(run.stdout, /^done/m);

  // What the kill left: at least every batch reported before it, and not the whole corpus.
  const stores = await listStores(crashedBase);
  assert.equal(stores.length, 1);
  const left = await readStore(stores[0].dir);
  assert.equal(left.meta.complete, null, 'the killed run did not finish');
  assert.ok(run.killedAt !== null && left.records.length >= run.killedAt, `${left.records.length} records on disk, ${run.killedAt} reported`);
  assert.ok(left.records.length < total, `${left.records.length} of ${total}: the kill came too late`);
  t.diagnostic(`killed after ${run.killedAt} of ${total} items were reported; ${left.records.length} records on disk${left.torn ? ', plus a torn line' : ''}`);

  // Resume in this process.
  const opened = await openModel(tiny.card, { weightsPath: tiny.onnxPath });
  try {
    const progress: Array<{ done: number; reused: number }> = [];
    const resumed = await evaluate(opened, corpus, {
      protocol: affectnetProtocol(8),
      storeDir: crashedBase,
      batchSize: BATCH,
      workers: 1,
      ci: CI,
      onProgress: (p) => progress.push({ done: p.done, reused: p.reused }),
    });
    assert.equal(resumed.predictionStore, stores[0].dir);
    assert.equal(progress[0].reused, left.records.length, 'the records on disk were reused, not recomputed');
    assert.equal(progress.at(-1)!.done, total);

    // The reference: one uninterrupted run into a separate store.
    const reference = await evaluate(opened, corpus, { protocol: affectnetProtocol(8), storeDir: join(root, 'clean'), batchSize: BATCH, workers: 1, ci: CI });
    assert.notEqual(reference.predictionStore, resumed.predictionStore);

    assert.equal(digest(resumed), digest(reference));
    assert.deepEqual(resumed.metrics, reference.metrics);
    assert.deepEqual(resumed.confusion, reference.confusion);
    assert.equal(resumed.coverage!.skippedByReason['decode-failed'], 3);
    assert.ok(resumed.metrics!.accuracy.ci !== undefined);

    const order = corpus.samples.map((s) => s.id);
    const a = await readStore(resumed.predictionStore, order);
    const b = await readStore(reference.predictionStore, order);
    assert.equal(a.meta.complete?.records, total);
    assert.equal(a.records.length, total);
    assert.equal(a.duplicates, 0);
    assert.equal(a.torn, null);
    assert.deepEqual(untimed(a.records), untimed(b.records));
    assert.equal(JSON.stringify(untimed(a.records)), JSON.stringify(untimed(b.records)));
    // Sorted by id too (the store's own order-free view).
    assert.deepEqual(untimed((await readStore(resumed.predictionStore)).records), untimed((await readStore(reference.predictionStore)).records));
  } finally {
    await opened.engine.dispose();
  }
});
