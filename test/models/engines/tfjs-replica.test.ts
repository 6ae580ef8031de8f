import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openModel } from '../../../src/models/open.js';
import { buildTfjsMobilenetReplica } from '../../../src/models/replicas/tfjs-mobilenet.js';
import { getModel } from '../../../src/models/zoo.js';

const card = getModel('mobilenet_7');

test('the mobilenet_7 replica has the published model\'s graph: 91 layers, 3,493,063 parameters', async () => {
  const model = await buildTfjsMobilenetReplica(card, { seed: 0 });
  // train_emotions.ipynb prints "Total params: 3,493,063" for the loaded mobilenet_7.h5.
  assert.equal(model.countParams(), 3_493_063);
  assert.equal(model.layers.length, 91);
  assert.deepEqual(model.inputNames, ['input_1']);
  assert.deepEqual(model.outputNames, ['emotion_preds']);
  assert.deepEqual(model.getLayer('global_pooling').outputShape, [null, 1024]);
  assert.deepEqual(model.getLayer('feats').outputShape, [null, 256]);
  model.dispose();
});

test('the replica\'s weights are seeded: same seed same weights, another seed others', async () => {
  const [a, b, c] = await Promise.all([0, 0, 1].map((seed) => buildTfjsMobilenetReplica(card, { seed })));
  const kernel = (m: typeof a) => m.getLayer('conv_pw_13').getWeights()[0].dataSync();
  assert.deepEqual(kernel(a), kernel(b));
  assert.notDeepEqual(kernel(a), kernel(c));
  [a, b, c].forEach((m) => m.dispose());
});

test('`--replica` opens mobilenet_7 on the TF.js engine without the .h5, with both heads', async () => {
  const opened = await openModel(card, { replica: true, seed: 3 });
  const { engine } = opened;
  assert.equal(opened.weights.replica, true);
  assert.equal(engine.info.engine, 'tfjs');
  assert.deepEqual(engine.inputShape, [-1, 224, 224, 3]);
  assert.deepEqual(engine.outputNames, ['emotion_preds', 'global_pooling']);
  const data = Float32Array.from({ length: 224 * 224 * 3 }, (_, i) => ((i * 37) % 255) - 115);
  const out = await engine.run({ data, dims: [1, 224, 224, 3] });
  assert.deepEqual(out.emotion_preds.dims, [1, 7]);
  assert.deepEqual(out.global_pooling.dims, [1, 1024]);
  const sum = out.emotion_preds.data.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5, 'softmax probabilities');
  assert.ok(out.global_pooling.data.every((v) => v >= 0 && v <= 6), 'global_pooling averages ReLU6 outputs');
  await engine.dispose();
});
