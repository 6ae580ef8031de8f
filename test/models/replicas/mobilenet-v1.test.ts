import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReplica } from '../../../src/models/replicas/index.js';
import { HSE7, assertOutputs, card, runReplica } from './helpers.js';

// mobilenet_7.h5: Keras MobileNet (alpha 1, 224, NHWC) → global_pooling 1024 → feats 256 ReLU → emotion_preds 7 softmax.
const MOBILENET_7 = card({
  architecture: 'mobilenet_v1',
  size: 224,
  weights: { name: 'mobilenet_7.h5', format: 'keras-h5' },
  classes: [...HSE7],
  input: { name: 'input_1', layout: 'NHWC', scale: 1, mean: [103.939, 116.779, 123.68], std: [1, 1, 1] },
  heads: { expression: { output: 'emotion_preds', kind: 'probabilities' }, embedding: { output: 'global_pooling' } },
});

test('mobilenet_7 replica: parameter counts', () => {
  const r = buildReplica(MOBILENET_7);
  // Keras reports 3,228,864 for MobileNet without top, 21,888 of them batch-norm moving statistics;
  // plus Dense 1024→256 (262,400) and 256→7 (1,799), PyTorch-style: 3,471,175.
  assert.equal(r.paramsTorch, 3_228_864 - 21_888 + 262_400 + 1_799);
  assert.equal(r.paramsFolded, r.paramsTorch - 21_888 / 2);
  assert.deepEqual(r.input, { name: 'input_1', dims: ['batch', 224, 224, 3] });
});

test('mobilenet_7 replica runs on NHWC input: softmax emotion_preds [B,7] and global_pooling [B,1024]', async () => {
  const out = await runReplica(buildReplica(MOBILENET_7), MOBILENET_7);
  assertOutputs(out, { emotion_preds: [2, 7], global_pooling: [2, 1024] });
  for (let i = 0; i < 2; i++) {
    const row = out.emotion_preds.data.subarray(i * 7, i * 7 + 7);
    assert.ok(row.every((p) => p >= 0 && p <= 1));
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'probabilities sum to 1');
  }
  // Pooled ReLU6 activations.
  assert.ok(out.global_pooling.data.every((v) => v >= 0 && v <= 6));
});

test('mobilenet_7 embedding may name the 256-d feats layer instead', async () => {
  const feats = card({ ...MOBILENET_7, size: 224, input: MOBILENET_7.input, heads: { ...MOBILENET_7.heads, embedding: { output: 'feats' } } });
  const r = buildReplica(feats, { batch: 1 });
  assert.deepEqual(r.outputs, [
    { name: 'emotion_preds', dims: [1, 7] },
    { name: 'feats', dims: [1, 256] },
  ]);
  assertOutputs(await runReplica(r, feats, 1), { emotion_preds: [1, 7], feats: [1, 256] });
});
