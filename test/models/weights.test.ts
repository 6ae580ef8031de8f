import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError } from '../../src/errors.js';
import { cacheDir, requireWeights, resolveWeights, type WeightsFound } from '../../src/models/weights.js';
import { getModel, loadZoo } from '../../src/models/zoo.js';
import { testCard } from './card-fixture.js';
import { expectBenchError } from '../expect-error.js';

const tmp = mkdtempSync(join(tmpdir(), 'fer-weights-'));
process.env.FER_BENCH_CACHE = join(tmp, 'default-cache');

const GOOD = Buffer.from('the published weights');
const GOOD_SHA = createHash('sha256').update(GOOD).digest('hex');

/** A fresh layout: two models dirs and a cache, all empty. */
function layout(name: string) {
  const root = join(tmp, name);
  const dirs = { repo: join(root, 'repo-models'), cwd: join(root, 'cwd-models'), cache: join(root, 'cache') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return { ...dirs, opts: { modelsDirs: [dirs.repo, dirs.cwd], cacheDir: dirs.cache } };
}


test('cacheDir: FER_BENCH_CACHE, else XDG_CACHE_HOME/fer-bench/models, else ~/.cache/fer-bench/models', () => {
  assert.equal(cacheDir({ FER_BENCH_CACHE: '/x/y', XDG_CACHE_HOME: '/xdg' }), '/x/y');
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/xdg' }), '/xdg/fer-bench/models');
  assert.equal(cacheDir({}), join(homedir(), '.cache', 'fer-bench', 'models'));
});

test('search order: models/ before the cache; verified against the published sha256', async () => {
  const l = layout('order');
  const card = testCard({}, { sha256: GOOD_SHA });
  writeFileSync(join(l.cache, 'test_model.onnx'), GOOD);
  let found = (await resolveWeights(card, l.opts)) as WeightsFound;
  assert.deepEqual([found.status, found.source, found.verified, found.path], ['found', 'cache', true, join(l.cache, 'test_model.onnx')]);

  writeFileSync(join(l.cwd, 'test_model.onnx'), GOOD);
  found = (await resolveWeights(card, l.opts)) as WeightsFound;
  assert.deepEqual([found.source, found.path], ['models-dir', join(l.cwd, 'test_model.onnx')]);

  mkdirSync(join(l.repo, 'weights'));
  writeFileSync(join(l.repo, 'weights', 'test_model.onnx'), GOOD);
  found = (await resolveWeights(card, l.opts)) as WeightsFound;
  assert.equal(found.path, join(l.repo, 'weights', 'test_model.onnx'));
  assert.equal(found.sha256, GOOD_SHA);
  assert.equal(found.sizeBytes, GOOD.length);
});

test('a corrupt copy is skipped for a good one, and reported when it is the only one', async () => {
  const l = layout('corrupt');
  const card = testCard({}, { sha256: GOOD_SHA });
  writeFileSync(join(l.repo, 'test_model.onnx'), 'truncated');
  let found = (await resolveWeights(card, l.opts)) as WeightsFound;
  assert.deepEqual([found.source, found.verified, found.expectedSha256], ['models-dir', false, GOOD_SHA]);
  await assert.rejects(
    requireWeights(card, l.opts),
    expectBenchError('CHECKSUM_MISMATCH', new RegExp(`${join(l.repo, 'test_model.onnx')}`), new RegExp(`expected ${GOOD_SHA}`), /bench pull test_model/),
  );

  writeFileSync(join(l.cache, 'test_model.onnx'), GOOD);
  found = (await requireWeights(card, l.opts)) as WeightsFound;
  assert.deepEqual([found.source, found.verified], ['cache', true]);
});

test('without a published checksum the file is used and marked so', async () => {
  const l = layout('nosha');
  writeFileSync(join(l.cwd, 'test_model.onnx'), 'anything');
  const found = await requireWeights(testCard(), l.opts);
  assert.equal(found.verified, 'no-published-checksum');
  assert.equal(found.sha256, createHash('sha256').update('anything').digest('hex'));
});

test('an explicit path is the only place looked at', async () => {
  const l = layout('explicit');
  writeFileSync(join(l.cache, 'test_model.onnx'), GOOD);
  const mine = join(tmp, 'mine.onnx');
  writeFileSync(mine, 'mine');
  const found = await requireWeights(testCard(), { ...l.opts, path: mine });
  assert.deepEqual([found.source, found.path], ['explicit', mine]);
  await assert.rejects(
    requireWeights(testCard(), { ...l.opts, path: join(tmp, 'nope.onnx') }),
    expectBenchError('WEIGHTS_MISSING', /nope\.onnx does not exist/, /--weights/),
  );
});

test('missing weights: the error says where it looked and how to get them', async () => {
  const l = layout('missing');
  const card = testCard({}, { url: 'https://example.org/test_model.onnx' });
  const lookup = await resolveWeights(card, l.opts);
  assert.equal(lookup.status, 'missing');
  assert.deepEqual(lookup.status === 'missing' && lookup.searched.slice(0, 2), [join(l.repo, 'test_model.onnx'), join(l.repo, 'weights', 'test_model.onnx')]);

  await assert.rejects(
    requireWeights(card, l.opts),
    expectBenchError('WEIGHTS_MISSING', /no weights for test_model/, new RegExp(l.cache), /run `bench pull test_model`/, /example\.org/),
  );
  await assert.rejects(requireWeights(card, { ...l.opts, allowReplica: true }), expectBenchError('WEIGHTS_MISSING', /--replica/));
  await assert.rejects(requireWeights(card, l.opts), (e: unknown) => !/--replica/.test((e as BenchError).fix ?? ''));

  // A partial download is mentioned, since pull resumes it.
  writeFileSync(join(l.cache, 'test_model.onnx.part'), 'half');
  await assert.rejects(requireWeights(card, l.opts), expectBenchError('WEIGHTS_MISSING', /partial download/, /resumes/));
});

test('missing .pt weights point at the export hint', async () => {
  const l = layout('pt');
  const card = getModel('enet_b0_7', loadZoo({ userZoo: false }));
  await assert.rejects(
    requireWeights(card, { ...l.opts, allowReplica: true }),
    expectBenchError('WEIGHTS_MISSING', /enet_b0_7\.pt/, /bench pull enet_b0_7/, /convert_pt_to_onnx/, /--replica/),
  );
});

test('an empty file is refused', async () => {
  const l = layout('empty');
  writeFileSync(join(l.cwd, 'test_model.onnx'), '');
  await assert.rejects(requireWeights(testCard(), l.opts), expectBenchError('WEIGHTS_MISSING', /empty/));
});

test('face-api weights are found inside the installed package', async () => {
  const l = layout('bundled');
  const card = getModel('faceapi_expression', loadZoo({ userZoo: false }));
  const found = await requireWeights(card, l.opts);
  assert.equal(found.source, 'bundled');
  assert.equal(found.verified, 'no-published-checksum');
  assert.match(found.path, /@vladmandic[/\\]face-api[/\\]model[/\\]face_expression_model-weights_manifest\.json$/);
});
