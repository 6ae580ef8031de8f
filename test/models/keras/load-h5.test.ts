import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm, { type Group } from 'h5wasm/node';
import type * as tfTypes from '@tensorflow/tfjs';
import { BenchError } from '../../../src/errors.js';
import { tf } from '../../../src/models/engines/tfjs-backend.js';
import { h5Ready } from '../../../src/models/keras/h5.js';
import { loadKerasH5, readKerasH5 } from '../../../src/models/keras/load-h5.js';
import { KerasFunctionalBuilder } from '../../../src/models/keras/config-builder.js';
import { modelFromKerasConfig } from '../../../src/models/keras/load-h5.js';
import { adaptModelConfig, modelLayers, type JsonObject } from '../../../src/models/keras/model-config.js';
import { seedKerasWeights } from '../../../src/models/replicas/tfjs-mobilenet.js';
import { tinyBatch, writeTinyH5 } from '../../fixtures/keras/tiny-mobilenet.js';
import { savedWeightsOf, writeKerasH5, type KerasH5Content } from '../../fixtures/keras/keras-h5-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'fer-bench-keras-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let good: string;
let content: KerasH5Content;
before(async () => {
  good = join(dir, 'tiny.h5');
  content = await writeTinyH5(good);
});

function isBench(code: string, ...patterns: RegExp[]) {
  return (e: unknown) => e instanceof BenchError && e.code === code && patterns.every((p) => p.test(e.message));
}

async function predict(model: tfTypes.LayersModel, batch = tinyBatch(2)): Promise<Float32Array[]> {
  const x = tf.tensor(batch.data, batch.dims);
  const ys = [model.predict(x)].flat() as tfTypes.Tensor[];
  const out = await Promise.all(ys.map(async (y) => (await y.data()) as Float32Array));
  tf.dispose([x, ...ys]);
  return out;
}

test('a Keras 2 .h5 is rebuilt from model_config with every saved array in place', async () => {
  const { model, info } = await readKerasH5(good);
  assert.equal(info.kerasVersion, '2.4.0');
  assert.equal(info.backend, 'tensorflow');
  assert.deepEqual(
    [...new Set(info.layerClasses)].sort(),
    ['BatchNormalization', 'Conv2D', 'Dense', 'DepthwiseConv2D', 'Dropout', 'GlobalAveragePooling2D', 'InputLayer', 'ReLU', 'ZeroPadding2D'],
  );
  assert.equal(model.layers.length, modelLayers(content.modelConfig).length);
  assert.deepEqual(model.outputNames, ['emotion_preds']);
  for (const [layer, saved] of content.weights) {
    const values = model.getLayer(layer).getWeights();
    assert.equal(values.length, saved.length, layer);
    saved.forEach((w, i) => {
      assert.deepEqual(values[i].shape, w.shape, `${w.name} shape`);
      assert.deepEqual(values[i].dataSync(), w.data, `${w.name} values`);
    });
  }
  const [probs] = await predict(model);
  for (let b = 0; b < 2; b++) {
    const sum = probs.subarray(b * 7, b * 7 + 7).reduce((a, v) => a + v, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5, 'softmax rows sum to 1');
  }
  model.dispose();
});

test('named inner layers become extra outputs (the embedding head)', async () => {
  const model = await loadKerasH5(good, { outputs: ['global_pooling', 'feats', 'emotion_preds'] });
  assert.deepEqual(model.outputNames, ['emotion_preds', 'global_pooling', 'feats']);
  assert.deepEqual(model.outputs.map((o) => o.shape), [[null, 7], [null, 32], [null, 12]]);
  const [, pooled, feats] = await predict(model);
  assert.equal(pooled.length, 2 * 32);
  assert.ok(feats.every((v) => v >= 0), 'feats is a ReLU layer');
  model.dispose();
});

test('an output layer the model does not have is MODEL_IO_MISMATCH with close names', async () => {
  await assert.rejects(loadKerasH5(good, { outputs: ['global_pool'] }), isBench('MODEL_IO_MISMATCH', /no layer "global_pool"/, /Did you mean: global_pooling/));
});

test('an unsupported layer type names the layer and its class', async () => {
  const path = join(dir, 'lambda.h5');
  await writeTinyH5(path, (c) => {
    const feats = modelLayers(c.modelConfig).find((l) => l.name === 'feats')!;
    feats.class_name = 'Lambda';
    (feats.config as JsonObject).function = ['4wEAAAAAAAAAAQAAAAQAAABTAAAAcwgAAAB8AGQBFABTACkCTukCAAAAqQApAdoBeHIBAAAAcgEAAAD6', null, null];
  });
  await assert.rejects(loadKerasH5(path), (e: unknown) => isBench('UNSUPPORTED_LAYER', /layer "feats" \(Lambda\)/)(e) && (e as BenchError).file === path);
});

test('a truncated .h5 is BAD_H5', async () => {
  const path = join(dir, 'truncated.h5');
  const bytes = readFileSync(good);
  writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  await assert.rejects(loadKerasH5(path), (e: unknown) => isBench('BAD_H5', /truncated file/)(e) && (e as BenchError).file === path);
});

test('a weight listed in weight_names but missing from the file names the layer and the weight', async () => {
  const path = join(dir, 'missing-weight.h5');
  await writeTinyH5(path, (c) => (c.omitDatasets = ['conv_dw_1_bn/moving_variance:0']));
  await assert.rejects(loadKerasH5(path), isBench('BAD_H5', /weight "conv_dw_1_bn\/moving_variance:0" of layer "conv_dw_1_bn"/));
});

test('a weight with the wrong shape names the layer, the weight and both shapes', async () => {
  const path = join(dir, 'shape.h5');
  await writeTinyH5(path, (c) => {
    const [kernel] = c.weights.get('conv_pw_1')!;
    c.weights.set('conv_pw_1', [{ ...kernel, shape: [1, 1, 16, 8] }]);
  });
  await assert.rejects(loadKerasH5(path), isBench('BAD_H5', /layer "conv_pw_1" \(Conv2D\)/, /conv_pw_1\/kernel:0 has shape \[1, 1, 16, 8\], the layer expects \[1, 1, 8, 16\]/));
});

test('a layer with too few saved weights says how many it needs', async () => {
  const path = join(dir, 'count.h5');
  await writeTinyH5(path, (c) => c.weights.set('feats', c.weights.get('feats')!.slice(0, 1)));
  await assert.rejects(loadKerasH5(path), isBench('BAD_H5', /layer "feats" \(Dense\) needs 2 weights \(kernel \[32, 12\], bias \[12\]\) but the file has 1/));
});

test('weights for a layer the config does not build are refused', async () => {
  const path = join(dir, 'extra.h5');
  await writeTinyH5(path, (c) => {
    const config = c.modelConfig.config as JsonObject;
    const layers = config.layers as JsonObject[];
    // Drop the stem's batch norm from the architecture, keep its saved arrays.
    const i = layers.findIndex((l) => l.name === 'conv1_bn');
    layers.splice(i, 1);
    const relu = layers.find((l) => l.name === 'conv1_relu')!;
    relu.inbound_nodes = [[['conv1', 0, 0, {}]]];
  });
  // layer_names comes from the (edited) config, so the orphan arrays are not listed: rebuild them by hand.
  await h5Ready();
  const f = new h5wasm.File(path, 'a');
  const mw = f.get('model_weights') as Group;
  const names = (mw.attrs.layer_names.value as string[]).concat('conv1_bn');
  mw.delete_attribute('layer_names');
  mw.create_attribute('layer_names', names, [names.length], 'S16');
  const g = mw.create_group('conv1_bn');
  const saved = content.weights.get('conv1_bn')!;
  g.create_attribute('weight_names', saved.map((w) => w.name), [saved.length], 'S32');
  const sub = g.create_group('conv1_bn');
  for (const w of saved) sub.create_dataset({ name: w.name.split('/')[1], data: w.data, shape: w.shape, dtype: '<f' });
  f.close();
  await assert.rejects(loadKerasH5(path), isBench('BAD_H5', /weights for layers its model_config does not build: conv1_bn/));
});

test('a weights-only file (save_weights) and a non-Keras HDF5 file are told apart', async () => {
  await h5Ready();
  const weightsOnly = join(dir, 'weights-only.h5');
  let f = new h5wasm.File(weightsOnly, 'w');
  f.create_attribute('layer_names', ['dense'], [1], 'S5');
  f.close();
  await assert.rejects(loadKerasH5(weightsOnly), isBench('BAD_H5', /weights only \(Keras save_weights\)/));

  const other = join(dir, 'other.h5');
  f = new h5wasm.File(other, 'w');
  f.create_dataset({ name: 'data', data: new Float32Array(3), shape: [3], dtype: '<f' });
  f.close();
  await assert.rejects(loadKerasH5(other), isBench('BAD_H5', /not a Keras model file/));
});

test('the other layer classes of Keras 2 CNNs (Xception-style residual block) rebuild and run', async () => {
  const glorot = { class_name: 'GlorotUniform', config: { seed: null } };
  const k = new KerasFunctionalBuilder('xception_block');
  const x = k.input('input_1', [16, 16, 3]);
  const stem = k.conv2d(x, 'conv', { filters: 8, kernel: 3, padding: 'same', useBias: true, activation: 'relu' });
  const sep = k.layer('SeparableConv2D', 'sep', {
    filters: 8, kernel_size: [3, 3], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], depth_multiplier: 1,
    activation: 'linear', use_bias: false, depthwise_initializer: glorot, pointwise_initializer: glorot, bias_initializer: { class_name: 'Zeros', config: {} },
    depthwise_regularizer: null, pointwise_regularizer: null, bias_regularizer: null, activity_regularizer: null,
    depthwise_constraint: null, pointwise_constraint: null, bias_constraint: null,
  }, [stem]);
  const bn = k.batchNorm(sep, 'sep_bn');
  const added = k.layer('Add', 'add', {}, [bn, stem]);
  const act = k.activation(added, 'act', 'relu');
  const pool = k.layer('MaxPooling2D', 'pool', { pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' }, [act]);
  const avg = k.layer('AveragePooling2D', 'avg', { pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' }, [act]);
  const cat = k.layer('Concatenate', 'cat', { axis: -1 }, [pool, avg]);
  const flat = k.layer('Flatten', 'flat', { data_format: 'channels_last' }, [cat]);
  const out = k.dense(flat, 'predictions', { units: 7, activation: 'softmax' });
  const config = k.build([out]);

  const built = await modelFromKerasConfig(adaptModelConfig(config, 'x'), 'x');
  seedKerasWeights(built, 3);
  const path = join(dir, 'xception-block.h5');
  await writeKerasH5(path, { modelConfig: config, weights: savedWeightsOf(built) });
  const loaded = await loadKerasH5(path);
  const input = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 5);
  const [a, b] = [built, loaded].map((m) => (m.predict(input) as tfTypes.Tensor).dataSync());
  assert.equal(a.length, 14);
  assert.deepEqual(b, a, 'the reloaded model computes what the saved one did');
  tf.dispose(input);
  built.dispose();
  loaded.dispose();
});
