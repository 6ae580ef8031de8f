import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReplica } from '../../../src/models/replicas/index.js';
import { HSE7, assertOutputs, assertWithin1Percent, card, runReplica } from './helpers.js';

test('ResNet-50 (torchvision layout) with 7 classes: 23,522,375 parameters PyTorch-style, and a run', async () => {
  const c = card({ architecture: 'resnet50', size: 224, classes: [...HSE7], heads: { expression: { output: 'output', kind: 'logits' } } });
  const r = buildReplica(c);
  assert.equal(r.paramsTorch, 23_522_375);
  assertWithin1Percent(r.paramsTorch, 23_522_375, 'ResNet-50 torch');
  assert.equal(r.paramsFolded, 23_522_375 - 26_560); // 53 batch norms, 26,560 channels
  assertOutputs(await runReplica(r, c), { output: [2, 7] });
});

test("EMO-AffectNet layout: VGGFace2 ResNet-50, 512-d 'features' then 7-way softmax", async () => {
  const c = card({
    architecture: 'resnet50',
    family: 'emo-affectnet',
    size: 224,
    classes: [...HSE7],
    heads: { expression: { output: 'output', kind: 'probabilities' }, embedding: { output: 'features' } },
  });
  const r = buildReplica(c);
  assert.equal(r.paramsTorch, 23_508_032 + 2048 * 512 + 512 + 512 * 7 + 7);
  const out = await runReplica(r, c);
  assertOutputs(out, { output: [2, 7], features: [2, 512] });
  assert.ok(out.features.data.every((v) => v >= 0), 'features come after a ReLU');
  for (let i = 0; i < 2; i++) {
    assert.ok(Math.abs(out.output.data.subarray(i * 7, i * 7 + 7).reduce((a, b) => a + b, 0) - 1) < 1e-5);
  }
  // The layout can be forced: the torchvision trunk with EMO-AffectNet's head has the same count.
  const tv = buildReplica(c, { resnet: { layout: 'torchvision', head: 'features512' } });
  assert.equal(tv.paramsTorch, r.paramsTorch);
  assert.ok(!Buffer.from(tv.bytes).equals(Buffer.from(r.bytes)));
});
