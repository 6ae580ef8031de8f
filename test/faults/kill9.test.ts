/**
 * kill -9 at seeded random moments: a real child process runs an image evaluation, a video evaluation
 * (real clips, RetinaFace) or a merge of shard segments, and is SIGKILLed at a random time after it
 * started working (evaluations: after its first stored batch, anywhere up to its exit, final scoring and
 * output writes included; merges: after loading); the next run resumes the same store, and may be killed again. After every kill the
 * store must be readable, with no id twice and nothing foreign, and the child's outputs (written
 * atomically) absent or whole; the run that finally completes must give metrics byte-identical to an
 * uninterrupted run's, and the same records.
 *
 * FER_FAULT_POINTS (default 4) kill points per scenario, FER_FAULT_SEED (default 13) to replay a failure.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunRecord } from '../../src/report/results.js';
import type { EvalRunRecord } from '../../src/bench/evaluate.js';
import { listStores, readStore } from '../../src/bench/store.js';
import { runSegment } from '../../src/bench/segment.js';
import { openCorpus, type Corpus } from '../../src/datasets/corpus.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { FIXTURE_PHOTOS, writeFaceClip } from '../../src/media/video/fixture.js';
import { openModel } from '../../src/models/open.js';
import { scored, untimed } from '../bench/shard-fixture.js';
import { writeTinyModel, type TinyModel } from '../bench/tiny-model.js';
import type { TestClip } from '../bench/video-setup.js';
import type { ChildArgs } from './eval.child.js';
import { EVAL_CHILD, FAULT_SEED, MERGE_CHILD, assertFinished, checkInterrupted, faultPoints, runChild, seededFractions, type ChildRun } from './harness.js';

let root: string;
let tiny: TinyModel;
let images: Corpus;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-kill9-'));
  tiny = await writeTinyModel(join(root, 'model'));
  const fixture = await writeAffectNetFixture({ dir: join(root, 'AffectNet'), layout: 'csv', perClass: 6, imageSize: 32, seed: 4, faults: { truncatedJpeg: 2, missingFile: 1 } });
  images = await openCorpus('affectnet', { root: fixture.root, split: 'val' });
});

after(() => rm(root, { recursive: true, force: true }));

interface Scenario {
  name: string;
  /** Runs the child on the store folder `base`, writing its scored record to `out`; killed after `killAfterMs`. */
  run(base: string, out: string, killAfterMs?: number): Promise<ChildRun>;
  /** Ids a store may hold. */
  allowed(id: string): boolean;
  /** Extra checks after a kill or a finished run of chain `base` (e.g. the run records written). */
  check?(base: string, want: string): Promise<void>;
}

/**
 * The reference run, then kills at seeded random moments in (0, its duration), chained: each run resumes
 * the store the previous kill left. A run that finishes before its kill point closes the chain (its
 * result is checked) and the next point starts a new one.
 */
async function killAndResume(t: TestContext, s: Scenario, seed: number): Promise<void> {
  const dir = join(root, s.name);
  const ref = await s.run(join(dir, 'reference'), join(dir, 'reference.json'));
  assertFinished(ref, `${s.name}: the uninterrupted run`);
  const want = await readFile(join(dir, 'reference.json'), 'utf8');
  const [refStore] = await listStores(join(dir, 'reference'));
  const refRecords = untimed((await readStore(refStore!.dir)).records);
  await s.check?.(join(dir, 'reference'), want);

  // Ascending: each resumed run is given longer, so the chain gets further (a later kill on a fuller store).
  const points = seededFractions(seed, faultPoints()).map((f) => Math.round(f * ref.ms!)).sort((a, b) => a - b);
  let chain = 0;
  let killed = 0;
  const notes: string[] = [];
  const finish = async (base: string, out: string, r: ChildRun) => {
    assertFinished(r, `${s.name}: a resumed run`);
    assert.equal(await readFile(out, 'utf8'), want, `${s.name}: the resumed run's metrics are byte-identical to the uninterrupted run's (seed ${seed})`);
    const [store] = await listStores(base);
    const got = await readStore(store!.dir);
    assert.equal(got.duplicates, 0);
    assert.equal(got.torn, null);
    assert.deepEqual(untimed(got.records), refRecords, `${s.name}: same records as the uninterrupted run`);
    await s.check?.(base, want);
  };
  for (const ms of points) {
    const base = join(dir, `chain-${chain}`);
    const out = join(dir, `chain-${chain}.json`);
    const r = await s.run(base, out, ms);
    if (r.signal !== 'SIGKILL') {
      notes.push(`${ms} ms: finished first`);
      await finish(base, out, r);
      chain++;
      continue;
    }
    killed++;
    const left = await checkInterrupted(base, s.allowed);
    notes.push(`${ms} ms: ${left ? `${left.records.length} records${left.torn ? ' + torn line' : ''}${left.meta.complete ? ', complete' : ''}` : 'no store yet'}`);
    if (existsSync(out)) assert.equal(await readFile(out, 'utf8'), want, 'an output is whole or absent');
    await s.check?.(base, want);
  }
  const base = join(dir, `chain-${chain}`);
  if (existsSync(base)) await finish(base, join(dir, `chain-${chain}.json`), await s.run(base, join(dir, `chain-${chain}.json`)));
  t.diagnostic(`${s.name} (seed ${seed}, uninterrupted ${Math.round(ref.ms!)} ms): ${killed} kills — ${notes.join('; ')}`);
  assert.ok(killed >= Math.ceil(points.length / 2), `${s.name}: most kill points landed mid-run (${killed} of ${points.length})`);
}

const evalArgs = (base: string, out: string, batch: number, rest: Partial<ChildArgs>): ChildArgs => ({
  zooPath: tiny.zooPath,
  onnxPath: tiny.onnxPath,
  storeDir: base,
  out,
  batch,
  ...rest,
});

test('kill -9 during an image evaluation, resumed: byte-identical metrics, nothing lost or doubled', { timeout: 120_000 }, async (t) => {
  const ids = new Set(images.samples.map((s) => s.id));
  await killAndResume(t, {
    name: 'image',
    run: (base, out, killAfterMs) => runChild(EVAL_CHILD, evalArgs(base, out, 2, { image: { root: images.root } }), { killAfterMs, anchor: 'progress' }),
    allowed: (id) => ids.has(id),
  }, FAULT_SEED);
});

test('kill -9 during a video evaluation (real clips, RetinaFace), resumed: byte-identical metrics, nothing lost or doubled', { timeout: 120_000 }, async (t) => {
  const dir = join(root, 'clips');
  const { astronaut, coffee } = FIXTURE_PHOTOS;
  await writeFaceClip(join(dir, 'a.mp4'), { segments: [{ photo: astronaut, frames: 3, from: { zoom: 2.5 }, to: { zoom: 2 } }, { photo: coffee, frames: 1 }] });
  await writeFaceClip(join(dir, 'b.mp4'), { segments: [{ photo: astronaut, frames: 3, from: { zoom: 3 }, to: { zoom: 2.2, dx: 0.2 } }] });
  await writeFaceClip(join(dir, 'c.mp4'), { segments: [{ photo: astronaut, frames: 3, from: { zoom: 2 }, to: { zoom: 2.6 } }] });
  const clips: TestClip[] = [{ id: 'a', label: 'happiness' }, { id: 'b', label: 'neutral' }, { id: 'c', label: 'happiness' }];
  const video = { dir, clips, classes: ['happiness', 'neutral', 'sadness'] };
  await killAndResume(t, {
    name: 'video',
    run: (base, out, killAfterMs) => runChild(EVAL_CHILD, evalArgs(base, out, 2, { video }), { killAfterMs, anchor: 'progress' }),
    allowed: (id) => /^[abc](@\d{6})?$/.test(id),
  }, FAULT_SEED + 1);
});

test('kill -9 during a merge of shard segments, merged again: byte-identical metrics, run records whole or absent', { timeout: 120_000 }, async (t) => {
  // The two segments, run here (the merge is what is killed).
  const segments = join(root, 'segments');
  const opened = await openModel(tiny.card, { weightsPath: tiny.onnxPath, threads: 1 });
  const dirs: string[] = [];
  try {
    for (const index of [0, 1]) dirs.push((await runSegment(opened, images, { index, count: 2 }, { storeDir: segments, batchSize: 4, workers: 1, storeOptions: { fsync: false } })).storeDir);
  } finally {
    await opened.engine.dispose();
  }
  const ids = new Set(images.samples.map((s) => s.id));
  await killAndResume(t, {
    name: 'merge',
    run: (base, out, killAfterMs) => runChild(MERGE_CHILD, { segments: dirs, storeDir: base, runs: join(base, '..', `${base.split('/').at(-1)}-runs`), out }, { killAfterMs }),
    allowed: (id) => ids.has(id),
    async check(base, want) {
      // Every run record a merge wrote is whole (atomic), and scores as the uninterrupted merge.
      const runs = join(base, '..', `${base.split('/').at(-1)}-runs`);
      for (const f of existsSync(runs) ? await readdir(runs) : []) {
        assert.match(f, /\.json$/, `only whole run records in ${runs}, not ${f}`);
        const record = parseRunRecord(await readFile(join(runs, f), 'utf8'), f) as EvalRunRecord;
        assert.equal(scored(record) + '\n', want);
      }
    },
  }, FAULT_SEED + 2);
});
