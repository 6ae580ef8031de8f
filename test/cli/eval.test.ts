/**
 * `bench eval` as a user runs it: the real command in a child process, a user zoo (FER_BENCH_ZOO) with
 * the tiny model of test/bench/tiny-model.ts, its weights found in the download cache (FER_BENCH_CACHE),
 * a generated AffectNet in the official CSV layout. Also the user errors: exit code 2, one message, no stack.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvalRunRecord } from '../../src/bench/evaluate.js';
import { resizeKernelOf } from '../../src/bench/records.js';
import { PREDICTIONS_FILE, readStore } from '../../src/bench/store.js';
import { AFFECTNET_CLASSES } from '../../src/datasets/affectnet-labels.js';
import { writeAffectNetFixture, type AffectNetFixtureSplit } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { argmaxKept, runBenchCli, STACK_LINE, TINY_CLASSES, TINY_MODEL, TINY_PUBLISHED, writeTinyModel, type TinyModel } from '../bench/tiny-model.js';

let root: string;
let tiny: TinyModel;
let fx: AffectNetFixtureSplit;
let corpusRoot: string;
let env: Record<string, string>;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-cli-eval-'));
  // The weights sit in the cache directory, as `bench pull` would leave them.
  tiny = await writeTinyModel(join(root, 'cache'));
  env = { FER_BENCH_ZOO: tiny.zooPath, FER_BENCH_CACHE: join(root, 'cache') };
  const fixture = await writeAffectNetFixture({
    dir: join(root, 'AffectNet'),
    layout: 'csv',
    perClass: 3,
    imageSize: 48,
    faults: { truncatedJpeg: 1, missingFile: 1, malformedRow: 1, expression8to10: 1 },
  });
  fx = fixture.splits.val!;
  corpusRoot = fixture.root;
});

after(() => rm(root, { recursive: true, force: true }));

const evalArgs = (...extra: string[]) => [
  'eval',
  '-m',
  TINY_MODEL,
  '--dataset',
  'affectnet',
  '--root',
  corpusRoot,
  '--store-dir',
  join(root, 'predictions'),
  '--out',
  join(root, 'runs'),
  '--resamples',
  '100',
  '--workers',
  '1',
  ...extra,
];

let record8: EvalRunRecord & { file: string };

test('bench eval --json with a user zoo model: the run record on stdout, saved, and its accuracy is the stored predictions\'', async () => {
  const ran = await runBenchCli(evalArgs('--classes', '8', '--json'), { env });
  assert.equal(ran.code, 0, ran.stderr);
  record8 = JSON.parse(ran.stdout) as EvalRunRecord & { file: string };
  assert.equal(record8.kind, 'eval');
  assert.equal(record8.protocol, '8-class');
  assert.equal(record8.provenance.model.name, TINY_MODEL);
  assert.equal(record8.provenance.model.sha256, tiny.sha256);
  assert.equal(record8.provenance.model.file, tiny.onnxPath, 'weights found in FER_BENCH_CACHE');
  assert.deepEqual(record8.coverage, {
    total: fx.items.length + fx.skipped.length,
    scored: fx.items.length - fx.truncated.length,
    skipped: fx.skipped.length + fx.truncated.length,
    skippedByReason: { ...fx.skippedByReason, 'decode-failed': fx.truncated.length },
    excluded: {},
    va: { valence: { scored: fx.items.length - fx.truncated.length, excluded: {} }, arousal: { scored: fx.items.length - fx.truncated.length, excluded: {} } },
  });
  for (const m of ['accuracy', 'macroF1', 'uar', 'valence_ccc', 'arousal_ccc']) assert.ok(Number.isFinite(record8.metrics?.[m]?.value), m);
  assert.equal(record8.metrics!.accuracy.ci?.resamples, 100);
  assert.equal(record8.published?.find((p) => p.metric === 'accuracy')?.value, TINY_PUBLISHED.acc8);

  // Accuracy recomputed from the prediction store the record points to.
  const store = await readStore(record8.predictionStore);
  const scored = store.records.filter((r) => !r.skip && r.label !== null);
  const hits = scored.filter((r) => TINY_CLASSES[argmaxKept(r.scores!)] === AFFECTNET_CLASSES[r.label!]).length;
  assert.equal(scored.length, record8.coverage!.scored);
  assert.equal(record8.metrics!.accuracy.value, hits / scored.length);

  // The saved record is the one printed (the printed one adds where it went).
  assert.ok(record8.file.startsWith(join(root, 'runs')));
  const { file, ...printed } = record8;
  const { checksum, ...saved } = JSON.parse(await readFile(file, 'utf8')) as { checksum: string };
  assert.match(checksum, /^crc32:[0-9a-f]{8}$/, 'the saved record carries its checksum');
  assert.deepEqual(saved, printed);
});

test('bench eval --classes 7 (human report) reuses the stored predictions and shows published values with Δ', async () => {
  assert.ok(record8, 'runs after the --json test');
  const predictions = join(record8.predictionStore, PREDICTIONS_FILE);
  const before = await readFile(predictions);
  const ran = await runBenchCli(evalArgs('--classes', '7', '--no-save'), { env });
  assert.equal(ran.code, 0, ran.stderr);
  assert.deepEqual(await readFile(predictions), before, 'nothing was run again');
  assert.match(ran.stderr, new RegExp(`^${TINY_MODEL} on affectnet/val: ${fx.items.length} images in \\d+\\.\\d s; all reused from the prediction store$`, 'm'));
  const out = ran.stdout;
  assert.match(out, new RegExp(`^${TINY_MODEL} on affectnet/val \\(protocol 7-class\\)$`, 'm'));
  const contempt = fx.items.filter((it) => it.label === 'contempt' && !fx.truncated.includes(it.id)).length;
  assert.match(out, new RegExp(`excluded by protocol: not-in-protocol ${contempt}$`, 'm'));
  assert.match(out, /decode-failed 1/);
  assert.match(out, new RegExp(`^ {2}corpus {4}layout csv, release official, manifest ${record8.provenance.dataset!.manifestSha256.slice(0, 12)}$`, 'm'));
  const acc = out.split('\n').find((l) => l.trimStart().startsWith('accuracy '));
  assert.ok(acc, out);
  // Percent with one decimal, as score and table print them.
  const [, measured, published, delta] = /accuracy\s+(\d+\.\d)\s+\[.*\]\s+(\d+\.\d)\s+([+-]\d+\.\d)$/.exec(acc!) ?? [];
  assert.equal(published, TINY_PUBLISHED.acc7.toFixed(1), acc);
  assert.ok(Math.abs(Number(measured) - Number(published) - Number(delta)) <= 0.11, acc);
  assert.match(out, /published: test card/);
  assert.match(out, /confusion \(rows: true, columns: predicted\)/);
  assert.doesNotMatch(out, / +$/m, 'no trailing blanks');
  assert.doesNotMatch(out, /contempt/i, 'no Contempt row or column under 7 classes');
  assert.ok(out.includes(`\n  predictions ${record8.predictionStore}\n`), 'names the prediction store');
  assert.doesNotMatch(out, /^ {2}record /m, '--no-save writes no record');
  assert.deepEqual((await readdir(join(root, 'runs'))).length, 1);
});

test('bench eval with a wrong --root: exit code 2, the BAD_LAYOUT message, no stack trace', async () => {
  const nowhere = join(root, 'not-affectnet');
  const ran = await runBenchCli(['eval', '-m', TINY_MODEL, '--dataset', 'affectnet', '--root', nowhere, '--store-dir', join(root, 'p2')], { env });
  assert.equal(ran.code, 2);
  assert.equal(ran.stdout, '');
  assert.match(ran.stderr, /^error\[BAD_LAYOUT\]: AffectNet root .*not-affectnet does not exist/);
  assert.match(ran.stderr, /looked for:\n\s+- csv: Manually_Annotated_file_lists/);
  assert.match(ran.stderr, /fix: point --root at your AffectNet folder/);
  assert.doesNotMatch(ran.stderr, STACK_LINE);
  assert.equal(existsSync(join(root, 'p2')), false);

  // With --json the error is a JSON object on stdout instead.
  const json = await runBenchCli(['eval', '-m', TINY_MODEL, '--dataset', 'affectnet', '--root', nowhere, '--json'], { env });
  assert.equal(json.code, 2);
  const { error } = JSON.parse(json.stdout) as { error: { code: string; file: string; fix: string } };
  assert.equal(error.code, 'BAD_LAYOUT');
  assert.equal(error.file, nowhere);
  assert.doesNotMatch(json.stderr, STACK_LINE);
});

test('bench eval --missing takes only drop or count-wrong: a BAD_OPTION user error, exit code 2', async () => {
  const ran = await runBenchCli(evalArgs('--missing', 'keep', '--no-save'), { env });
  assert.equal(ran.code, 2);
  assert.match(ran.stderr, /^error\[BAD_OPTION\]: --missing "keep": allowed: drop, count-wrong\n/);
  assert.match(ran.stderr, /fix: write --missing <policy> \(one of drop, count-wrong\)/);
  assert.equal(ran.stdout, '');
});

test('bench eval with an unknown model: exit code 2 and "Did you mean", user zoo names included', async () => {
  const ran = await runBenchCli(['eval', '-m', 'tiny_fer_va', '--dataset', 'affectnet', '--root', corpusRoot], { env });
  assert.equal(ran.code, 2);
  assert.match(ran.stderr, /^error\[UNKNOWN_MODEL\]: unknown model "tiny_fer_va"\. Did you mean: tiny_fer_va_mtl/);
  assert.doesNotMatch(ran.stderr, STACK_LINE);

  const builtIn = await runBenchCli(['eval', '-m', 'enet_b0_8_va', '--dataset', 'affectnet', '--root', corpusRoot], { env });
  assert.equal(builtIn.code, 2);
  assert.match(builtIn.stderr, /Did you mean: enet_b0_8_va_mtl/);
  assert.doesNotMatch(builtIn.stderr, STACK_LINE);
});

test('bench eval --group-ci on a corpus without groups is refused before the run; so is bench score --store --group-ci', async () => {
  const ran = await runBenchCli(evalArgs('--group-ci', '--store-dir', join(root, 'p-group'), '--no-save'), { env });
  assert.equal(ran.code, 2, ran.stderr);
  assert.match(ran.stderr, new RegExp(`--group-ci resamples groups, but ${fx.items.length} of ${fx.items.length} scored items have no group`));
  assert.match(ran.stderr, /group column/);
  assert.equal(existsSync(join(root, 'p-group')), false, 'nothing was run');
  assert.ok(record8, 'runs after the --json test');
  const score = await runBenchCli(['score', '--store', record8.predictionStore, '--group-ci', '--resamples', '50'], { env });
  assert.equal(score.code, 2, score.stderr);
  assert.match(score.stderr, /--group-ci resamples groups, but \d+ of \d+ scored items have no group/);
  assert.doesNotMatch(score.stderr, STACK_LINE);
});

test('a folder holding only happy/ scores under an explicit class list; the text report warns about the absent classes', async () => {
  const sharp = (await import('sharp')).default;
  const { mkdir } = await import('node:fs/promises');
  const folder = join(root, 'only-happy');
  await mkdir(join(folder, 'happy'), { recursive: true });
  for (let i = 0; i < 3; i++) {
    await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 200, g: 180 - i * 20, b: 60 } } }).jpeg().toFile(join(folder, 'happy', `${i}.jpg`));
  }
  const classes = 'anger,contempt,disgust,fear,happiness,neutral,sadness,surprise';
  const args = ['eval', '-m', TINY_MODEL, '--dataset', 'folder', '--root', folder, '--classes', classes, '--store-dir', join(root, 'p-happy'), '--resamples', '0', '--workers', '1', '--no-save'];
  const ran = await runBenchCli(args, { env });
  assert.equal(ran.code, 0, ran.stderr);
  // The corpus is named after its folder, not `folder`.
  assert.match(ran.stdout, new RegExp(`^${TINY_MODEL} on only-happy/val \\(protocol classes:${classes.replaceAll(',', '\\+')}\\)$`, 'm'));
  assert.match(ran.stdout, /^ {2}corpus {4}layout folder, release unknown, so no published value applies, manifest [0-9a-f]{12}$/m);
  assert.match(ran.stdout, /warning {3}absent from the corpus \(no items, no recall; still in the prediction space\): anger, contempt, disgust, fear, neutral, sadness, surprise/);
  const json = await runBenchCli([...args, '--json', '--name', 'happy-lab'], { env });
  const rec = JSON.parse(json.stdout) as EvalRunRecord;
  assert.equal(rec.provenance.dataset?.corpus, 'happy-lab');
  assert.equal(rec.classes?.length, 8);
  assert.equal(rec.coverage?.scored, 3);
});

test('bench eval --classes 8 --missing drop on a model without Contempt: refused, naming the 7-class protocol', async () => {
  const { writeFile } = await import('node:fs/promises');
  const { tinyCardInput } = await import('../bench/tiny-model.js');
  // The tiny card with Contempt removed from its classes would not match its 8 logits, so declare a
  // 7-class card over the first 7 logits of the same file.
  const card = tinyCardInput(tiny.sha256);
  const seven = {
    ...card,
    name: 'tiny_seven',
    classes: card.classes!.filter((c) => c !== 'contempt'),
    heads: { expression: { output: 'output', start: 0, length: 7, kind: 'logits' as const } },
  };
  const zoo = join(root, 'zoo-seven.json');
  await writeFile(zoo, JSON.stringify({ schemaVersion: 1, models: [seven] }));
  const args = ['eval', '-m', 'tiny_seven', '--weights', tiny.onnxPath, '--dataset', 'affectnet', '--root', corpusRoot, '--classes', '8', '--store-dir', join(root, 'p-seven'), '--resamples', '0', '--workers', '1', '--no-save'];
  const drop = await runBenchCli([...args, '--missing', 'drop'], { env: { ...env, FER_BENCH_ZOO: zoo } });
  assert.equal(drop.code, 2, drop.stderr);
  assert.match(drop.stderr, /would remove contempt .* from the 8-class protocol/);
  assert.match(drop.stderr, /that is the 7-class protocol: use --classes 7/);
  // The default counts Contempt items wrong and says so.
  const wrong = await runBenchCli(args, { env: { ...env, FER_BENCH_ZOO: zoo } });
  assert.equal(wrong.code, 0, wrong.stderr);
  assert.match(wrong.stdout, /\(protocol 8-class\)/);
  assert.match(wrong.stdout, /warning {3}the model has no contempt: those items are counted wrong \(protocol 8-class\)/);
});

test('bench eval --resize runs another pipeline: recorded, its own store, flagged beside the published value', async () => {
  assert.ok(record8, 'runs after the --json test');
  const ran = await runBenchCli(evalArgs('--classes', '8', '--resize', 'pil', '--json', '--no-save'), { env });
  assert.equal(ran.code, 0, ran.stderr);
  const rec = JSON.parse(ran.stdout) as EvalRunRecord;
  assert.equal(resizeKernelOf(rec.provenance.preprocessing), 'pil');
  assert.equal(resizeKernelOf(record8.provenance.preprocessing), 'cv2', 'the card default');
  assert.notEqual(rec.predictionStore, record8.predictionStore, 'another pipeline is another store');
  // The published entry names the pipeline behind it (the card's), so a reader sees the mismatch.
  assert.equal(rec.published?.find((p) => p.metric === 'accuracy')?.resize, 'cv2');
  const { formatEvalReport } = await import('../../src/cli/format-eval.js');
  assert.match(formatEvalReport(rec, null), /warning {3}resize pil differs from the published pipeline \(cv2\)/);
});

test('the label map is checked before the model is opened: a protocol the corpus lacks fails before the (unavailable) device does', async () => {
  const ran = await runBenchCli(evalArgs('--classes', 'calm,other', '--device', 'webgpu', '--no-save', '--json'), { env });
  assert.equal(ran.code, 2, ran.stderr);
  const { error } = JSON.parse(ran.stdout) as { error: { code: string; message: string } };
  assert.equal(error.code, 'BAD_INPUT');
  assert.match(error.message, /label map leaves 0 classes to evaluate/);

  // The same command with a protocol that works reaches the model, and the device is what fails then.
  const device = await runBenchCli(evalArgs('--classes', '8', '--device', 'webgpu', '--no-save', '--json'), { env });
  assert.equal(device.code, 2, device.stderr);
  assert.equal((JSON.parse(device.stdout) as { error: { code: string } }).error.code, 'DEVICE_UNAVAILABLE');
});

test('--min-face counts a tiny face under face-too-small in coverage; without it the same item is scored', async () => {
  const { writeFile } = await import('node:fs/promises');
  const [a, b, c] = fx.items.filter((i) => !fx.truncated.includes(i.id));
  const manifest = join(root, 'faces.csv');
  await writeFile(manifest, ['path,label,x,y,width,height,id', `${a.path},${a.label},0,0,1,1,tiny`, `${b.path},${b.label},,,,,b`, `${c.path},${c.label},,,,,c`, ''].join('\n'));
  const args = (...extra: string[]) => ['eval', '-m', TINY_MODEL, '--dataset', 'csv', '--manifest', manifest, '--root', corpusRoot, '--store-dir', join(root, 'p-min-face'), '--resamples', '0', '--workers', '1', '--no-save', '--json', ...extra];
  const withMin = await runBenchCli(args('--min-face', '8'), { env });
  assert.equal(withMin.code, 0, withMin.stderr);
  const r = JSON.parse(withMin.stdout) as EvalRunRecord;
  assert.deepEqual(r.coverage!.skippedByReason, { 'face-too-small': 1 });
  assert.equal(r.coverage!.scored, 2);
  const without = JSON.parse((await runBenchCli(args(), { env })).stdout) as EvalRunRecord;
  assert.deepEqual(without.coverage!.skippedByReason, {});
  assert.equal(without.coverage!.scored, 3);
  // Different preprocessing, different prediction stores.
  assert.notEqual(r.predictionStore, without.predictionStore);
});
