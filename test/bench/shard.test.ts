// Shards of one evaluation: the assignment (deterministic, contiguous, balanced), the scheduler's
// environment, and the merge: byte-identical to a single-process run, refusing what does not belong.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, LEGACY_SKIP_LOG_FILE } from '../../src/bench/evaluate.js';
import { mergeSegments } from '../../src/bench/merge.js';
import { runCorpus, storeKey } from '../../src/bench/runner.js';
import { runSegment } from '../../src/bench/segment.js';
import { parseShardSpec, shardBlock, shardCorpus, shardFromEnv } from '../../src/bench/shard.js';
import { openStore, readStore } from '../../src/bench/store.js';
import { openCorpus, type Corpus } from '../../src/datasets/corpus.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { affectnetProtocol } from '../../src/datasets/label-map.js';
import { openModel, type OpenedModel } from '../../src/models/open.js';
import { getModel, loadZoo } from '../../src/models/zoo.js';
import { canonicalJson, compareCodeUnits, sha256 } from '../../src/util/hash.js';
import { tempDir } from '../datasets/tmpdir.js';
import { scored, untimed } from './shard-fixture.js';
import { expectBenchError } from '../expect-error.js';
import { tinyCardInput, tinyModelBytes, writeTinyModel, type TinyModel } from './tiny-model.js';

const CI = { resamples: 300, seed: 7 };
const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, 'shard-task.child.ts');

const sortedLines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean).sort();

describe('the shard of a task', () => {
  test('--shard i/n, auto from a Slurm array or a Kubernetes Indexed Job, auto/n', () => {
    assert.deepEqual(parseShardSpec('2/4', {}), { index: 2, count: 4 });
    assert.deepEqual(parseShardSpec('0/1', {}), { index: 0, count: 1 });
    const slurm = { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3' };
    assert.deepEqual(parseShardSpec('auto', slurm), { index: 3, count: 4 });
    // A task resubmitted on its own (sbatch --array=2): the count cannot come from the array, but auto/n works.
    const alone = { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '1', SLURM_ARRAY_TASK_MIN: '2', SLURM_ARRAY_TASK_MAX: '2' };
    assert.throws(() => parseShardSpec('auto', alone), expectBenchError('BAD_INPUT', /not 0\.\.count-1/, /auto\/n/));
    assert.deepEqual(parseShardSpec('auto/4', alone), { index: 2, count: 4 });
    assert.throws(() => parseShardSpec('auto', { ...slurm, SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '4', SLURM_ARRAY_TASK_ID: '4' }), expectBenchError('BAD_INPUT', /not 0\.\.count-1/));
    assert.deepEqual(shardFromEnv({ JOB_COMPLETION_INDEX: '1', FER_BENCH_SHARD_COUNT: '3' }), { index: 1, count: 3 });
    assert.deepEqual(parseShardSpec('auto/5', { JOB_COMPLETION_INDEX: '4' }), { index: 4, count: 5 });
    assert.throws(() => parseShardSpec('auto', { JOB_COMPLETION_INDEX: '1' }), expectBenchError('BAD_INPUT', /count is not/, /FER_BENCH_SHARD_COUNT/));
    assert.throws(() => parseShardSpec('auto', {}), expectBenchError('BAD_INPUT', /not inside an array task/));
    assert.throws(() => parseShardSpec('auto/4', { JOB_COMPLETION_INDEX: '4' }), expectBenchError('BAD_INPUT', /index 4 is not below the count 4/));
    for (const bad of ['4/4', '1', 'a/4', '1/0', '-1/4', '1/2/3', '']) assert.throws(() => parseShardSpec(bad, {}), expectBenchError('BAD_INPUT', /--shard|shard/), bad);
  });

  test('blocks are contiguous, cover every item once and differ in size by at most one', () => {
    for (let total = 0; total <= 40; total++) {
      for (let count = 1; count <= 9; count++) {
        let next = 0;
        const sizes: number[] = [];
        for (let index = 0; index < count; index++) {
          const { start, end } = shardBlock(total, { index, count });
          assert.equal(start, next, `${total} items, shard ${index}/${count}`);
          next = end;
          sizes.push(end - start);
        }
        assert.equal(next, total);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${total}/${count}: ${sizes}`);
      }
    }
  });
});

describe('sharded evaluation and merge', () => {
  let root: string;
  let tiny: TinyModel;
  let opened: OpenedModel;
  let corpus: Corpus;
  let fixtureRoot: string;

  before(async () => {
    root = await tempDir('shards');
    tiny = await writeTinyModel(join(root, 'model'));
    process.env.FER_BENCH_ZOO = tiny.zooPath; // re-scoring looks the card up for its published numbers
    opened = await openModel(tiny.card, { weightsPath: tiny.onnxPath });
    const fixture = await writeAffectNetFixture({
      dir: join(root, 'AffectNet'),
      layout: 'csv',
      perClass: 6,
      imageSize: 48,
      seed: 5,
      faults: { missingFile: 2, truncatedJpeg: 3, malformedRow: 1, expression8to10: 3, badLandmarks: 1 },
    });
    fixtureRoot = fixture.root;
    corpus = await openCorpus('affectnet', { root: fixture.root, split: 'val' });
  });
  after(async () => {
    await opened?.engine.dispose();
  });

  const runShards = async (base: string, count: number, source = corpus) => {
    const dirs: string[] = [];
    for (let index = 0; index < count; index++) dirs.push((await runSegment(opened, source, { index, count }, { storeDir: base, workers: 1, batchSize: 4 })).storeDir);
    return dirs;
  };

  test('the assignment depends on the ids only: the loader order does not change it, and skips live in shard 0', () => {
    const reversed: Corpus = { ...corpus, samples: [...corpus.samples].reverse() };
    const ids = corpus.samples.map((s) => s.id).sort(compareCodeUnits);
    let seen = 0;
    for (let index = 0; index < 4; index++) {
      const a = shardCorpus(corpus, { index, count: 4 });
      const b = shardCorpus(reversed, { index, count: 4 });
      const mine = a.samples.map((s) => s.id).sort(compareCodeUnits);
      assert.deepEqual(b.samples.map((s) => s.id).sort(compareCodeUnits), mine);
      assert.deepEqual(mine, ids.slice(seen, seen + mine.length), 'the i-th contiguous block in id order');
      seen += mine.length;
      // The corpus's own order is kept inside the block.
      assert.deepEqual(a.samples.map((s) => s.id), corpus.samples.filter((s) => mine.includes(s.id)).map((s) => s.id));
      assert.equal(a.manifestSha256, corpus.manifestSha256);
      assert.equal(a.skipped.length, index === 0 ? corpus.skipped.length : 0);
      assert.equal(a.flagged.length, index === 0 ? corpus.flagged.length : 0);
      assert.equal(a.shard?.corpusItems, corpus.samples.length);
    }
    assert.equal(seen, ids.length);
    assert.ok(corpus.skipped.length >= 6 && corpus.flagged.length === 1, 'the fixture has loader skips and a flag to place');
  });

  test('4 shards merged: the store and the record of a single-process run, byte for byte (AffectNet-8 and -7)', async () => {
    const single = await evaluate(opened, corpus, { protocol: affectnetProtocol(8), storeDir: join(root, 'single'), ci: CI, workers: 1 });
    const dirs = await runShards(join(root, 'seg4'), 4);
    assert.deepEqual(dirs.map((d) => basename(d).replace(/^.*-shard/, 'shard')), ['shard0of4', 'shard1of4', 'shard2of4', 'shard3of4']);

    // Given in any order.
    const merged = await mergeSegments([...dirs].reverse(), { protocol: affectnetProtocol(8), ci: CI });
    assert.equal(scored(merged.record), scored(single));
    assert.ok(merged.record.coverage!.skippedByReason['decode-failed'] === 3 && merged.record.coverage!.skippedByReason['missing-file'] === 2);
    assert.equal(basename(merged.storeDir), basename(single.predictionStore), 'the merged store is the single run\'s store');
    assert.equal(dirname(merged.storeDir), join(root, 'seg4'));
    assert.deepEqual(merged.record.shards.map((s) => [s.index, s.count, s.records]), dirs.map((_, i) => [i, 4, shardCorpus(corpus, { index: i, count: 4 }).samples.length]));

    const a = await readStore(merged.storeDir);
    const b = await readStore(single.predictionStore);
    assert.equal(canonicalJson(a.meta.key), canonicalJson(b.meta.key));
    assert.equal(JSON.stringify(untimed(a.records)), JSON.stringify(untimed(b.records)));
    assert.equal(a.meta.complete?.records, corpus.samples.length);
    assert.deepEqual(await sortedLines(join(merged.storeDir, LEGACY_SKIP_LOG_FILE)), await sortedLines(single.skipLog!));

    // Another protocol from the same merged store, as from the single run's.
    const seven = await mergeSegments(dirs, { protocol: affectnetProtocol(7), ci: CI });
    const single7 = await evaluate(opened, corpus, { protocol: affectnetProtocol(7), storeDir: join(root, 'single'), ci: CI, workers: 1 });
    assert.equal(scored(seven.record), scored(single7));
    assert.notEqual(scored(seven.record), scored(merged.record));
  });

  test('3 uneven shards give the same record too', async () => {
    const single = await evaluate(opened, corpus, { protocol: affectnetProtocol(8), storeDir: join(root, 'single'), ci: CI, workers: 1 });
    const dirs = await runShards(join(root, 'seg3'), 3);
    const merged = await mergeSegments(dirs, { protocol: affectnetProtocol(8), ci: CI });
    assert.equal(scored(merged.record), scored(single));
  });

  test('refused: a missing shard, a shard given twice, an incomplete one, a whole store', async () => {
    const base = join(root, 'seg4');
    const dirs = await runShards(base, 4); // all reused from the previous test
    await assert.rejects(mergeSegments([dirs[0], dirs[1], dirs[3]]), expectBenchError('BAD_INPUT', /shard 2 of 4 missing/, /--shard 2\/4/));
    await assert.rejects(mergeSegments([dirs[0]]), expectBenchError('BAD_INPUT', /shards 1, 2, 3 of 4 missing/));
    const copy = join(root, 'copy', basename(dirs[2]));
    await cp(dirs[2], copy, { recursive: true });
    await assert.rejects(mergeSegments([...dirs, copy], { storeDir: join(root, 'out') }), expectBenchError('BAD_INPUT', /shard 2\/4 is given twice/));
    await assert.rejects(mergeSegments([dirs[0], dirs[1], copy, dirs[3]]), expectBenchError('BAD_INPUT', /2 folders/, /--store-dir/));

    // An interrupted segment: records on disk, never marked complete.
    const part = shardCorpus(corpus, { index: 1, count: 4 });
    const interrupted = await openStore({ key: storeKey(opened, part, 0), baseDir: join(root, 'partial') });
    await interrupted.append((await readStore(dirs[1])).records.slice(0, 3));
    await interrupted.close();
    await assert.rejects(mergeSegments([dirs[0], interrupted.dir, dirs[2], dirs[3]], { storeDir: join(root, 'out') }), expectBenchError('BAD_INPUT', /shard 1\/4 is incomplete/, /--shard 1\/4 resumes/));

    const whole = await evaluate(opened, corpus, { storeDir: join(root, 'single'), ci: { resamples: 0 }, workers: 1 });
    await assert.rejects(mergeSegments([whole.predictionStore, ...dirs]), expectBenchError('BAD_INPUT', /whole evaluation, not a shard/));
  });

  test('refused: segments of another model sha256, preprocessing or harness version, or shard count', async () => {
    const dirs = await runShards(join(root, 'seg4'), 4);
    const at = (i: number, d: string) => dirs.map((x, j) => (j === i ? d : x));

    // The same model with one byte of its producer name changed: another file, another sha256.
    const bytes = Buffer.from(tinyModelBytes());
    const p = bytes.indexOf('fer-bench-test');
    bytes[p] = 'F'.charCodeAt(0);
    const otherPath = join(root, 'other.onnx');
    await writeFile(otherPath, bytes);
    const otherZoo = join(root, 'other-zoo.json');
    await writeFile(otherZoo, JSON.stringify({ schemaVersion: 1, models: [tinyCardInput(sha256(bytes))] }));
    const other = await openModel(getModel(tiny.card.name, loadZoo({ userZoo: otherZoo })), { weightsPath: otherPath });
    try {
      const seg = await runSegment(other, corpus, { index: 1, count: 4 }, { storeDir: join(root, 'seg4'), workers: 1 });
      await assert.rejects(mergeSegments(at(1, seg.storeDir)), expectBenchError('BAD_INPUT', /shard 1\/4 is not a shard of the same evaluation/, /different model sha256/));
    } finally {
      await other.engine.dispose();
    }

    const margin = await runSegment(opened, corpus, { index: 2, count: 4 }, { storeDir: join(root, 'seg4'), workers: 1, margin: 0.1 });
    await assert.rejects(mergeSegments(at(2, margin.storeDir)), expectBenchError('BAD_INPUT', /different preprocessing/));

    // What an older or newer fer-bench would have written.
    const part = shardCorpus(corpus, { index: 3, count: 4 });
    const old = await runCorpus(opened, { ...part, shard: { ...part.shard!, harness: 'fer-bench@0.0.9+0123abc' } }, { storeDir: join(root, 'seg4'), workers: 1 });
    await assert.rejects(mergeSegments(at(3, old.storeDir)), expectBenchError('BAD_INPUT', /different harness version \(fer-bench@\S+ vs fer-bench@0\.0\.9\+0123abc\)/));
    // An interrupted segment an older version left next to the new one: the version is what is reported.
    const stale = await openStore({ key: storeKey(opened, { ...part, shard: { ...part.shard!, harness: 'fer-bench@0.0.9+0123abc' } }, 0), baseDir: join(root, 'stale') });
    await stale.close();
    await assert.rejects(mergeSegments([...dirs, stale.dir], { storeDir: join(root, 'out') }), expectBenchError('BAD_INPUT', /shard 3\/4 is not a shard of the same evaluation.*different harness version/));

    const three = await runShards(join(root, 'seg3'), 3);
    await assert.rejects(mergeSegments([...dirs.slice(0, 2), three[2]], { storeDir: join(root, 'out') }), expectBenchError('BAD_INPUT', /shard count \(4 vs 3\)/));
  });

  test('a task killed mid-run resumes its segment; while it runs, a second task with its index is refused by the store lock', { timeout: 120_000 }, async (t) => {
    const base = join(root, 'killed');
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, tiny.zooPath, tiny.onnxPath, fixtureRoot, base, '2', '4', '4'], { cwd: join(here, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => void child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        if (/^holding$/m.test(out)) resolve();
      });
      child.on('close', (code) => reject(new Error(`the task exited (${code}) before holding:\n${out}\n${err}`)));
    });
    // Same index, same evaluation, while the first task still holds the segment.
    await assert.rejects(runSegment(opened, corpus, { index: 2, count: 4 }, { storeDir: base, workers: 1 }), expectBenchError('BAD_INPUT', /being written by process \d+/));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));

    const resumed = await runSegment(opened, corpus, { index: 2, count: 4 }, { storeDir: base, workers: 1 });
    assert.ok(resumed.reused >= 4 && resumed.reused < resumed.items, `reused ${resumed.reused} of ${resumed.items}`);
    assert.equal(resumed.ran + resumed.reused, resumed.items);
    const dirs = [resumed.storeDir];
    for (const index of [0, 1, 3]) dirs.push((await runSegment(opened, corpus, { index, count: 4 }, { storeDir: base, workers: 1 })).storeDir);
    const merged = await mergeSegments(dirs, { protocol: affectnetProtocol(8), ci: CI });
    const single = await evaluate(opened, corpus, { protocol: affectnetProtocol(8), storeDir: join(root, 'single'), ci: CI, workers: 1 });
    assert.equal(scored(merged.record), scored(single));
  });
});
