import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError } from '../../../src/errors.js';
import { ModelCard } from '../../../src/models/card.js';
import { createTfjsEngine } from '../../../src/models/engines/tfjs.js';
import { initTfjsBackend, tf } from '../../../src/models/engines/tfjs-backend.js';
import { fileSaveHandler } from '../../../src/models/engines/tfjs-file-io.js';
import { modelFromKerasConfig } from '../../../src/models/keras/load-h5.js';
import { adaptModelConfig } from '../../../src/models/keras/model-config.js';
import { seedKerasWeights } from '../../../src/models/replicas/tfjs-mobilenet.js';
import { tinyBatch, tinyCard, tinyMobilenetConfig, writeTinyH5 } from '../../fixtures/keras/tiny-mobilenet.js';

const dir = mkdtempSync(join(tmpdir(), 'fer-bench-tfjs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let h5: string;
before(async () => {
  h5 = join(dir, 'tiny.h5');
  await writeTinyH5(h5);
});

const isBench = (code: string, pattern?: RegExp) => (e: unknown) => e instanceof BenchError && e.code === code && (!pattern || pattern.test(e.message));

async function tinyModel() {
  const model = await modelFromKerasConfig(adaptModelConfig(tinyMobilenetConfig(), 'tiny'), 'tiny');
  seedKerasWeights(model, 7);
  return model;
}

/** Whether @tensorflow/tfjs-node is installed (then `auto` picks it; it cannot install offline). */
const hasTfjsNode = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();
const autoBackend = hasTfjsNode ? 'tensorflow' : 'wasm';

test('initTfjsBackend picks tfjs-node when installed, else wasm, and says which', async () => {
  const info = await initTfjsBackend();
  assert.equal(info.backend, autoBackend);
  assert.equal(info.version, tf.version.tfjs);
  assert.equal(tf.getBackend(), autoBackend);
  assert.deepEqual(await initTfjsBackend(), info, 'idempotent');
});

test('asking for tfjs-node when it is not installed is DEVICE_UNAVAILABLE with the fix', { skip: hasTfjsNode }, async () => {
  await assert.rejects(initTfjsBackend({ backend: 'tensorflow' }), isBench('DEVICE_UNAVAILABLE', /@tensorflow\/tfjs-node/));
  assert.equal(tf.getBackend(), 'wasm', 'the active backend is unchanged');
});

test('a Keras .h5 runs behind the Engine contract, with the embedding head as an extra output', async () => {
  const engine = await createTfjsEngine(tinyCard(), { path: h5 });
  assert.deepEqual(engine.info, { engine: 'tfjs', version: tf.version.tfjs, backend: autoBackend, device: 'cpu', threads: hasTfjsNode ? 0 : 1 });
  assert.equal(engine.inputName, 'input_1');
  assert.deepEqual(engine.inputShape, [-1, 32, 32, 3]);
  assert.deepEqual(engine.outputNames, ['emotion_preds', 'global_pooling']);
  const out = await engine.run(tinyBatch(3));
  assert.deepEqual(out.emotion_preds.dims, [3, 7]);
  assert.deepEqual(out.global_pooling.dims, [3, 32]);
  assert.ok(out.emotion_preds.data instanceof Float32Array);
  const again = await engine.run(tinyBatch(3));
  assert.deepEqual(again.emotion_preds.data, out.emotion_preds.data, 'deterministic');
  const tensorsBefore = tf.memory().numTensors;
  await engine.run(tinyBatch(1));
  assert.equal(tf.memory().numTensors, tensorsBefore, 'run() leaves no tensors behind');
  await engine.dispose();
});

test('an in-memory model and the same model saved as TF.js model.json give the same outputs', async () => {
  const memory = await createTfjsEngine(tinyCard(), { model: await tinyModel() });
  const saved = await tinyModel();
  await saved.save(fileSaveHandler(join(dir, 'tfjs-layers')));
  saved.dispose();
  const fromDisk = await createTfjsEngine(tinyCard(), { path: join(dir, 'tfjs-layers') });
  const x = tinyBatch(2, 5);
  const a = await memory.run(x);
  const b = await fromDisk.run(x);
  assert.deepEqual(b.emotion_preds.data, a.emotion_preds.data);
  assert.deepEqual(b.global_pooling.data, a.global_pooling.data);
  await memory.dispose();
  await fromDisk.dispose();
});

/** A TF.js graph model as tensorflowjs_converter writes one: mean over H, W → MatMul → Softmax. */
function writeGraphModel(path: string, w: Float32Array): void {
  const dim = (...sizes: number[]) => ({ dim: sizes.map((s) => ({ size: String(s) })) });
  const node = [
    { name: 'input_1', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dim(-1, 4, 4, 3) } } },
    { name: 'axes', op: 'Const', attr: { value: { tensor: { dtype: 'DT_INT32', tensorShape: dim(2) } }, dtype: { type: 'DT_INT32' } } },
    { name: 'mean', op: 'Mean', input: ['input_1', 'axes'], attr: { keep_dims: { b: false }, T: { type: 'DT_FLOAT' }, Tidx: { type: 'DT_INT32' } } },
    { name: 'w', op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dim(3, 7) } }, dtype: { type: 'DT_FLOAT' } } },
    { name: 'logits', op: 'MatMul', input: ['mean', 'w'], attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: { type: 'DT_FLOAT' } } },
    { name: 'Identity', op: 'Softmax', input: ['logits'], attr: { T: { type: 'DT_FLOAT' } } },
  ];
  const weights = [
    { name: 'axes', shape: [2], dtype: 'int32' },
    { name: 'w', shape: [3, 7], dtype: 'float32' },
  ];
  const bin = Buffer.concat([Buffer.from(Int32Array.of(1, 2).buffer), Buffer.from(w.buffer)]);
  writeFileSync(join(path, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: { node, versions: { producer: 1 } }, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }] }));
  writeFileSync(join(path, 'group1-shard1of1.bin'), bin);
}

test('a TF.js graph model (model.json + shard) loads from disk through the file IO handler', async () => {
  const graphDir = mkdtempSync(join(dir, 'graph-'));
  const w = Float32Array.from({ length: 21 }, (_, i) => Math.sin(i) / 50);
  writeGraphModel(graphDir, w);
  const card = ModelCard.parse({ ...tinyCard(), input: { ...tinyCard().input, size: 4 }, heads: { expression: { output: 'Identity', kind: 'probabilities' } } });
  const engine = await createTfjsEngine(card, { path: join(graphDir, 'model.json') });
  assert.deepEqual(engine.outputNames, ['Identity']);
  const x = { data: Float32Array.from({ length: 48 }, (_, i) => i), dims: [1, 4, 4, 3] };
  const out = await engine.run(x);
  // The same arithmetic by hand.
  const mean = [0, 1, 2].map((c) => x.data.filter((_, i) => i % 3 === c).reduce((a, b) => a + b, 0) / 16);
  const logits = Array.from({ length: 7 }, (_, j) => mean.reduce((a, m, c) => a + m * w[c * 7 + j], 0));
  const z = logits.map((l) => Math.exp(l - Math.max(...logits)));
  const expected = z.map((v) => v / z.reduce((a, b) => a + b, 0));
  out.Identity.data.forEach((p, j) => assert.ok(Math.abs(p - expected[j]) < 1e-5, `class ${j}: ${p} vs ${expected[j]}`));
  await engine.dispose();
});

test('missing or short weight shards name the file', async () => {
  const graphDir = mkdtempSync(join(dir, 'shards-'));
  writeGraphModel(graphDir, new Float32Array(21));
  const card = ModelCard.parse({ ...tinyCard(), input: { ...tinyCard().input, size: 4 }, heads: { expression: { output: 'Identity', kind: 'probabilities' } } });
  writeFileSync(join(graphDir, 'group1-shard1of1.bin'), Buffer.alloc(40));
  await assert.rejects(createTfjsEngine(card, { path: graphDir }), isBench('UNSUPPORTED_FORMAT', /hold 40 bytes but its weightsManifest needs 92/));
  rmSync(join(graphDir, 'group1-shard1of1.bin'));
  await assert.rejects(createTfjsEngine(card, { path: graphDir }), isBench('WEIGHTS_MISSING', /weight shard group1-shard1of1.bin/));
  await assert.rejects(createTfjsEngine(card, { path: join(dir, 'nowhere', 'model.json') }), isBench('WEIGHTS_MISSING'));
});

test('a card that does not match the model is MODEL_IO_MISMATCH', async () => {
  const wrongInput = ModelCard.parse({ ...tinyCard(), input: { ...tinyCard().input, name: 'image' } });
  await assert.rejects(createTfjsEngine(wrongInput, { path: h5 }), isBench('MODEL_IO_MISMATCH', /input "image" not found \(the model's input is "input_1"\)/));
  const wrongSize = ModelCard.parse({ ...tinyCard(), input: { ...tinyCard().input, size: 224 } });
  await assert.rejects(createTfjsEngine(wrongSize, { path: h5 }), isBench('MODEL_IO_MISMATCH', /shape \[-1, 32, 32, 3\], the card expects \[-1, 224, 224, 3\]/));
  const wrongHead = ModelCard.parse({ ...tinyCard(), heads: { expression: { output: 'emotion_pred', kind: 'probabilities' } } });
  await assert.rejects(createTfjsEngine(wrongHead, { path: h5 }), isBench('MODEL_IO_MISMATCH', /Did you mean: emotion_preds/));
});

test('a batch of the wrong shape is BAD_INPUT, not a tfjs crash', async () => {
  const engine = await createTfjsEngine(tinyCard(), { path: h5 });
  await assert.rejects(engine.run({ data: new Float32Array(3 * 32 * 32), dims: [1, 3, 32, 32] }), isBench('BAD_INPUT', /\[-1, 32, 32, 3\], got \[1, 3, 32, 32\]/));
  await assert.rejects(engine.run({ data: new Float32Array(10), dims: [1, 32, 32, 3] }), isBench('BAD_INPUT', /with 10 values/));
  await engine.dispose();
});

test('devices other than the CPU and unknown file kinds are refused up front', async () => {
  await assert.rejects(createTfjsEngine(tinyCard(), { path: h5 }, { device: 'cuda' }), isBench('DEVICE_UNAVAILABLE'));
  await assert.rejects(createTfjsEngine(tinyCard(), { path: join(dir, 'model.keras') }), isBench('UNSUPPORTED_FORMAT', /Keras 3/));
});
