/**
 * Two real processes started at once on one store, for an image and for a video evaluation: one takes
 * the writer lock and holds it (it waits at its first batch until the test lets it go); the other must
 * be refused with a typed error naming the store and the holder's pid and host, having written nothing.
 * The winner then finishes, and the store holds every item once, every line whole and checksummed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { listStores, readStore } from '../../src/bench/store.js';
import { verifyStore } from '../../src/bench/store/repair.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { FIXTURE_PHOTOS, writeFaceClip } from '../../src/media/video/fixture.js';
import { writeTinyModel, type TinyModel } from '../bench/tiny-model.js';
import type { ChildArgs } from './eval.child.js';
import { EVAL_CHILD, assertFinished, runChild, type ChildRun } from './harness.js';

let root: string;
let tiny: TinyModel;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-two-writers-'));
  tiny = await writeTinyModel(join(root, 'model'));
});

after(() => rm(root, { recursive: true, force: true }));

/** Starts both at once; the one that prints `holding` is let go once the other has exited. */
async function race(name: string, rest: Partial<ChildArgs>): Promise<{ winner: ChildRun; loser: ChildRun; storeDir: string }> {
  const storeDir = join(root, name, 'predictions');
  const holdFile = join(root, name, 'go');
  const args = (k: number): ChildArgs => ({ zooPath: tiny.zooPath, onnxPath: tiny.onnxPath, storeDir, out: join(root, name, `out-${k}.json`), batch: 2, holdFile, ...rest });
  const runs = [0, 1].map((k) => runChild(EVAL_CHILD, args(k)));
  // The first to exit is the loser (the winner waits for the go file); then the winner may go on.
  const first = await Promise.race(runs.map((p, k) => p.then((r) => ({ r, k }))));
  await writeFile(holdFile, '');
  const second = await runs[1 - first.k]!;
  return { winner: second, loser: first.r, storeDir };
}

function checkRefused(loser: ChildRun, winner: ChildRun): void {
  assert.equal(loser.code, 2, `the second writer must be refused:\n${loser.stdout}\n${loser.stderr}`);
  assert.doesNotMatch(loser.stdout, /^progress /m, 'the refused process ran nothing');
  const line = /^error (.+)$/m.exec(loser.stdout);
  assert.ok(line, loser.stdout);
  const err = JSON.parse(line[1]!) as { code: string; message: string; file: string; fix: string };
  assert.equal(err.code, 'BAD_INPUT');
  assert.match(err.message, new RegExp(`^prediction store .*predictions/[^ ]+ is being written by process ${winner.pid} on ${hostname()}`));
  assert.match(err.file, /writer\.lock$/);
  assert.match(err.fix, /wait for that run to finish/);
  assertFinished(winner, 'the lock holder');
  assert.match(winner.stdout, /^holding$/m, 'the winner held the lock while the other tried');
}

async function checkWhole(storeDir: string, expected: number): Promise<void> {
  const [store] = await listStores(storeDir);
  const check = await verifyStore(store!.dir);
  assert.deepEqual([check.damaged, check.unverified], [[], 0], 'every line whole and checksummed: nothing interleaved');
  const { records, duplicates, torn, meta } = await readStore(store!.dir);
  assert.deepEqual([records.length, check.verified, duplicates, torn], [expected, expected, 0, null]);
  assert.equal(meta.complete?.records, expected);
}

test('two image evaluations started at once on one store: the second is refused, naming the holder', { timeout: 60_000 }, async () => {
  const fixture = await writeAffectNetFixture({ dir: join(root, 'AffectNet'), layout: 'csv', perClass: 3, imageSize: 32, seed: 8 });
  const { winner, loser, storeDir } = await race('image', { image: { root: fixture.root } });
  checkRefused(loser, winner);
  await checkWhole(storeDir, 24);
});

test('two video evaluations started at once on one store: the second is refused, naming the holder', { timeout: 60_000 }, async () => {
  const dir = join(root, 'clips');
  await writeFaceClip(join(dir, 'a.mp4'), { segments: [{ photo: FIXTURE_PHOTOS.astronaut, frames: 3, from: { zoom: 2.5 }, to: { zoom: 2 } }] });
  await writeFaceClip(join(dir, 'b.mp4'), { segments: [{ photo: FIXTURE_PHOTOS.astronaut, frames: 2, from: { zoom: 3 }, to: { zoom: 2.2 } }] });
  const video = { dir, clips: [{ id: 'a', label: 'happiness' as const }, { id: 'b', label: 'neutral' as const }], classes: ['happiness', 'neutral'] };
  const { winner, loser, storeDir } = await race('video', { video });
  checkRefused(loser, winner);
  await checkWhole(storeDir, 2 + 3 + 2); // the clips' records and their frames'
});
