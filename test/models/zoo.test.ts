import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BenchError } from '../../src/errors.js';
import { defaultZoo, defaultZooPath, getModel, headlineResult, listModels, loadZoo, ZOO_ENV } from '../../src/models/zoo.js';
import { planOutputs } from '../../src/models/replicas/outputs.js';

const HSE8 = ['anger', 'contempt', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'];
const HSE7 = HSE8.filter((c) => c !== 'contempt');
const tmp = mkdtempSync(join(tmpdir(), 'fer-zoo-'));
const baseZoo = () => loadZoo({ userZoo: false });

/** Writes a zoo file holding `models` and returns its path. */
function zooFile(name: string, models: unknown[]): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify({ schemaVersion: 1, models }));
  return path;
}

/** A valid raw card (manifest form) copied from the built-in zoo, renamed. */
function rawCard(from: string, name: string): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(defaultZooPath(), 'utf8')) as { models: Array<Record<string, unknown>> };
  return { ...structuredClone(raw.models.find((m) => m.name === from)!), name };
}

function badManifest(fn: () => unknown, ...parts: Array<string | RegExp>): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BenchError, String(e));
    assert.equal(e.code, 'BAD_MANIFEST');
    for (const p of parts) assert.match(e.message, typeof p === 'string' ? new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : p);
    return true;
  });
}

test('the built-in zoo validates and holds every model the issue names', () => {
  const names = baseZoo().models.map((m) => m.name);
  for (const n of [
    'enet_b0_8_best_afew', 'enet_b0_8_best_vgaf', 'enet_b0_8_va_mtl', 'enet_b0_7', 'enet_b2_7', 'enet_b2_8', 'enet_b2_8_best',
    'mobilenet_7', 'mbf_va_mtl', 'mobilevit_va_mtl', 'hsemotion_1280', 'emo_affectnet_resnet50', 'faceapi_expression',
  ]) {
    assert.ok(names.includes(n), `missing ${n}`);
  }
});

test('every card is internally consistent and buildable as a replica', () => {
  for (const card of baseZoo().models) {
    const expr = card.heads.expression;
    assert.equal(expr.length ?? card.classes.length, card.classes.length, card.name);
    if (card.weights.format === 'torch-pt') assert.ok(card.exportHint && /onnx/i.test(card.exportHint), `${card.name} needs an ONNX export hint`);
    assert.ok(card.weights.url || card.weights.bundled, `${card.name} has no source`);
    for (const p of card.published) assert.ok(p.source.length > 10, `${card.name}: published entry without a source`);
    if (card.family !== 'face-api') assert.ok(card.published.length > 0, `${card.name} has no published results`);
    planOutputs(card); // throws BAD_MANIFEST on a head layout no network has
  }
});

test('HSEmotion cards: ONNX I/O, class order, preprocessing and URLs', () => {
  const zoo = baseZoo();
  for (const card of zoo.models.filter((m) => m.family === 'hsemotion' && m.weights.format === 'onnx')) {
    assert.equal(card.weights.name, `${card.name}.onnx`);
    assert.equal(
      card.weights.url,
      `https://github.com/HSE-asavchenko/face-emotion-recognition/blob/main/models/affectnet_emotions/onnx/${card.name}.onnx?raw=true`,
    );
    assert.equal(card.input.name, 'input');
    assert.equal(card.input.layout, 'NCHW');
    assert.equal(card.input.colorOrder, 'RGB');
    assert.equal(card.input.scale, 1 / 255);
    assert.equal(card.heads.expression.output, 'output');
    assert.equal(card.input.size, card.name.startsWith('enet_b2') ? 260 : card.name.startsWith('mbf') ? 112 : 224, card.name);
    assert.deepEqual(card.input.mean, card.name.startsWith('mbf') ? [0.5, 0.5, 0.5] : [0.485, 0.456, 0.406]);
    assert.deepEqual(card.classes, card.name.includes('_7') ? HSE7 : HSE8, card.name);
    if (card.name.endsWith('_mtl')) {
      assert.deepEqual(card.heads.valence, { output: 'output', start: 8, length: 1 });
      assert.deepEqual(card.heads.arousal, { output: 'output', start: 9, length: 1 });
    }
    assert.ok(card.notes.some((n) => /PIL/.test(n)), `${card.name}: note on PIL vs cv2 resize`);
    // The published numbers came from the PyTorch path (PIL bilinear with antialias): that is the default.
    assert.equal(card.input.resize, 'pil', card.name);
  }
  assert.equal(getModel('enet_b0_8_va_mtl', zoo).weights.sha256, 'c43e056ad388d4a8dc911832b8291435b2af537f967e5870ebd731574ec7e812');
  assert.equal(zoo.models.filter((m) => m.weights.sha256).length, 1, 'only the one known checksum is recorded');

  const b07 = getModel('enet_b0_7', zoo);
  assert.equal(b07.weights.format, 'torch-pt');
  assert.match(b07.exportHint!, /convert_pt_to_onnx\.py.*opset_version=11.*input_names=\['input'\]/s);

  const m7 = getModel('mobilenet_7', zoo);
  assert.equal(m7.weights.format, 'keras-h5');
  assert.equal(m7.weights.url, 'https://github.com/HSE-asavchenko/face-emotion-recognition/blob/main/models/affectnet_emotions/mobilenet_7.h5?raw=true');
  assert.deepEqual(
    { name: m7.input.name, size: m7.input.size, layout: m7.input.layout, order: m7.input.colorOrder, scale: m7.input.scale, mean: m7.input.mean, std: m7.input.std },
    { name: 'input_1', size: 224, layout: 'NHWC', order: 'RGB', scale: 1, mean: [103.939, 116.779, 123.68], std: [1, 1, 1] },
  );
  assert.deepEqual(m7.heads.expression, { output: 'emotion_preds', length: 7, kind: 'probabilities' });
  assert.equal(m7.heads.embedding?.output, 'global_pooling');
  assert.equal(m7.architecture, 'mobilenet_v1');
});

test('published numbers: README headline first, with sources', () => {
  const zoo = baseZoo();
  const acc = (name: string, protocol: string) => headlineResult(getModel(name, zoo), 'affectnet', protocol, 'accuracy');
  assert.equal(acc('enet_b2_8_best', '8-class')?.value, 63.125);
  assert.equal(acc('enet_b0_8_va_mtl', '8-class')?.value, 61.93);
  assert.match(acc('enet_b0_8_va_mtl', '8-class')!.source, /HSEmotion README \(av-savchenko\/face-emotion-recognition@207ed49\)/);
  assert.equal(acc('mobilenet_7', '7-class')?.value, 64.71);
  assert.equal(acc('mobilenet_7', '8-class'), undefined);
  assert.equal(acc('mbf_va_mtl', '8-class')?.value, 62.325);
  assert.match(acc('mbf_va_mtl', '8-class')!.source, /train_emotions-pytorch\.ipynb/);
  const mtl = getModel('enet_b0_8_va_mtl', zoo);
  assert.equal(headlineResult(mtl, 'abaw4-mtl', 'validation-trained-head', 'p_mtl')?.value, 1.276);
  assert.equal(headlineResult(mtl, 'abaw4-lsd', 'validation-6-class-zero-shot', 'macro_f1')?.value, 60.94);
  assert.equal(headlineResult(mtl, 'afew', 'faces-detected', 'accuracy')?.value, 56.73);
  assert.equal(headlineResult(mtl, 'vgaf', 'faces-detected', 'accuracy')?.value, 66.58);
  assert.equal(headlineResult(mtl, 'affectnet', 'validation-va', 'ccc_valence')?.value, 0.5937);
  assert.match(headlineResult(mtl, 'samsung-fold3', 'snapdragon888-cpu-android12', 'latency_ms')!.note!, /60 ± 32/);
  assert.equal(headlineResult(getModel('mobilevit_va_mtl', zoo), 'affectnet', 'validation-va', 'ccc_arousal')?.value, 0.565);
});

test('the fork, EMO-AffectNet and face-api cards', () => {
  const zoo = baseZoo();
  const fork = getModel('hsemotion_1280', zoo);
  assert.equal(fork.family, 'hsemotion-onnx-fork');
  assert.deepEqual(
    [fork.heads.embedding?.output, fork.heads.expression.output, fork.heads.valence?.output, fork.heads.arousal?.output],
    ['embedding', 'expression', 'valence', 'arousal'],
  );
  assert.equal(fork.heads.embedding?.length, 1280);
  assert.ok(fork.notes.some((n) => /BGR/.test(n)));

  const emo = getModel('emo_affectnet_resnet50', zoo);
  assert.equal(emo.weights.format, 'torch-pt');
  assert.equal(emo.weights.name, 'FER_static_ResNet50_AffectNet.pt');
  assert.ok(emo.exportHint);
  assert.deepEqual(emo.classes, ['neutral', 'happiness', 'sadness', 'surprise', 'fear', 'disgust', 'anger']);
  assert.equal(emo.input.colorOrder, 'BGR');
  assert.deepEqual(emo.input.mean, [91.4953, 103.8827, 131.0912]);
  assert.equal(emo.input.scale, 1);
  // The published 66.4 came from the notebook's keras load_img path (PIL NEAREST): that is the default;
  // run.py's cv2.INTER_AREA is named as the alternative (--resize cv2-area).
  assert.equal(emo.input.resize, 'pil-nearest');
  assert.equal(emo.input.fit, 'stretch');
  assert.ok(emo.notes.some((n) => /INTER_AREA/.test(n) && /'pil-nearest'/.test(n) && /--resize cv2-area/.test(n)));
  assert.equal(emo.architecture, 'resnet50');
  assert.equal(emo.heads.embedding?.length, 512);
  assert.equal(headlineResult(emo, 'affectnet', '7-class', 'accuracy')?.value, 66.4);
  // The March-2021 numbers are release `march2021` of the same protocols, never the official headline.
  const afew = getModel('enet_b0_8_best_afew', zoo);
  assert.equal(headlineResult(afew, 'affectnet', '8-class', 'accuracy')?.value, 60.95);
  assert.equal(headlineResult(afew, 'affectnet', '8-class', 'accuracy', { release: 'march2021' })?.value, 59.56);
  assert.equal(headlineResult(afew, 'affectnet', '7-class', 'accuracy', { release: 'march2021' })?.value, 63.94);
  assert.equal(headlineResult(afew, 'affectnet', '8-class', 'accuracy', { split: 'train' }), undefined);
  const ravdess = headlineResult(emo, 'ravdess', 'loco-lstm', 'uar');
  assert.equal(ravdess?.value, 65.8);
  assert.match(ravdess!.note!, /LSTM/);

  const fa = getModel('faceapi_expression', zoo);
  assert.equal(fa.weights.format, 'tfjs');
  assert.deepEqual(fa.classes, ['neutral', 'happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise']);
  assert.deepEqual([fa.input.size, fa.input.scale, fa.input.std], [112, 1, [255, 255, 255]]);
  assert.deepEqual(fa.input.mean, [122.782, 117.001, 104.298]);
  // face-api's toBatchTensor: padToSquare (centred), then tf.image.resizeBilinear.
  assert.deepEqual([fa.input.resize, fa.input.fit], ['tf-bilinear', 'pad-square']);
  // The 224 crops mobilenet_7's number was scored on were made with cv2.resize (corpora.md §1.2).
  assert.equal(getModel('mobilenet_7', zoo).input.resize, 'cv2');
  assert.equal(fa.heads.expression.kind, 'probabilities');
  assert.deepEqual(fa.published, []);
  // The bundled path names a real file of the installed package.
  const pkg = dirname(createRequire(import.meta.url).resolve(`${fa.weights.bundled!.package}/package.json`));
  assert.ok(existsSync(join(pkg, fa.weights.bundled!.path)));
});

test('validation errors name the card and the field', () => {
  const bad = rawCard('enet_b2_8', 'my_model');
  (bad.input as Record<string, unknown>).size = 'big';
  badManifest(() => loadZoo(zooFile('bad-size.json', [bad])), 'models[0] (my_model) field input.size');

  const typo = { ...rawCard('enet_b2_8', 'typo_model'), sha265: 'x' };
  badManifest(() => loadZoo(zooFile('typo.json', [typo])), 'unknown field "sha265"');
  const nested = rawCard('enet_b2_8', 'nested_typo');
  (nested.weights as Record<string, unknown>).sha265 = 'x';
  badManifest(() => loadZoo(zooFile('nested.json', [nested])), 'models[0] (nested_typo) has an unknown field "weights.sha265". Did you mean: sha256?');
  const head = rawCard('enet_b0_8_va_mtl', 'head_typo');
  (head.heads as Record<string, Record<string, unknown>>).valence!.lenght = 1;
  badManifest(() => loadZoo(zooFile('head.json', [head])), 'unknown field "heads.valence.lenght"');

  const classes = rawCard('enet_b2_8', 'seven');
  classes.classes = HSE7;
  badManifest(() => loadZoo(zooFile('classes.json', [classes])), 'models[0] (seven)', 'heads.expression.length is 8 but classes lists 7');

  const pt = rawCard('enet_b0_7', 'no_hint');
  delete pt.exportHint;
  badManifest(() => loadZoo(zooFile('pt.json', [pt])), 'exportHint');

  badManifest(() => loadZoo(zooFile('dup.json', [rawCard('enet_b2_8', 'a'), rawCard('enet_b2_8', 'a')])), 'models[1] (a)', 'twice');
  badManifest(() => loadZoo(join(tmp, 'absent.json')), 'cannot read zoo file');
  writeFileSync(join(tmp, 'broken.json'), '{ "schemaVersion": 1, ');
  badManifest(() => loadZoo(join(tmp, 'broken.json')), 'not valid JSON');

  const file = zooFile('bad-size2.json', [bad]);
  assert.throws(() => loadZoo(file), (e: unknown) => e instanceof BenchError && e.file === file);
});

test('a user zoo replaces same-named cards and appends new ones (option and FER_BENCH_ZOO)', () => {
  const replaced = { ...rawCard('enet_b2_8', 'enet_b2_8'), description: 'my own enet_b2_8' };
  const added = rawCard('enet_b0_8_va_mtl', 'my_export');
  const user = zooFile('user.json', [replaced, added]);
  const base = baseZoo();
  const merged = loadZoo({ userZoo: user });
  assert.equal(merged.models.length, base.models.length + 1);
  assert.equal(merged.models.findIndex((m) => m.name === 'enet_b2_8'), base.models.findIndex((m) => m.name === 'enet_b2_8'));
  assert.equal(getModel('enet_b2_8', merged).description, 'my own enet_b2_8');
  assert.equal(merged.models.at(-1)?.name, 'my_export');

  const before = process.env[ZOO_ENV];
  process.env[ZOO_ENV] = user;
  try {
    assert.ok(listModels().some((m) => m.name === 'my_export'));
    assert.equal(getModel('my_export').name, 'my_export');
    assert.ok(defaultZoo().models.some((m) => m.name === 'my_export'));
  } finally {
    if (before === undefined) delete process.env[ZOO_ENV];
    else process.env[ZOO_ENV] = before;
  }
  assert.ok(!listModels().some((m) => m.name === 'my_export'), 'the memo follows the env variable');
});

test('an unknown model name suggests the close ones', () => {
  assert.throws(
    () => getModel('enet_b0_8_va_mt', baseZoo()),
    (e: unknown) => e instanceof BenchError && e.code === 'UNKNOWN_MODEL' && /Did you mean: enet_b0_8_va_mtl/.test(e.message) && /bench models/.test(e.fix ?? ''),
  );
  assert.throws(() => getModel('mobilenet7', baseZoo()), /Did you mean: mobilenet_7/);
});
