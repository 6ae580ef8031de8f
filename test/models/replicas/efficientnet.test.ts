import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReplica, replicaStamp } from '../../../src/models/replicas/index.js';
import { MTL_HEADS, assertClose, assertOutputs, assertWithin1Percent, card, runReplica } from './helpers.js';

// Targets from issue 2. The PyTorch counts are matched exactly. The folded counts come from
// torch.onnx.export of freshly initialised models, whose exporter also merges identical (all-zero)
// bias tensors into one initializer; a trained model has no identical biases, so the replica holds
// PyTorch's count minus one per batch-norm channel (B0 3,999,350; B2 7,678,482), within 1% of them.
const B0_MTL = card({ architecture: 'efficientnet_b0', size: 224, heads: MTL_HEADS });

test('EfficientNet-B0 with a 10-way head: PyTorch and folded parameter counts', () => {
  const r = buildReplica(B0_MTL);
  assert.equal(r.paramsTorch, 4_020_358);
  assert.equal(r.paramsFolded, 3_999_350);
  assertWithin1Percent(r.paramsTorch, 4_020_358, 'B0 torch');
  assertWithin1Percent(r.paramsFolded, 3_974_006, 'B0 folded');
  assert.deepEqual(r.input, { name: 'input', dims: ['batch', 3, 224, 224] });
  assert.deepEqual(replicaStamp(r.bytes), { architecture: 'efficientnet_b0', model: 'test_efficientnet_b0', seed: 0 });
});

test('EfficientNet-B0 MTL replica runs: one output [B,10]; seeds decide the weights', async () => {
  const a = buildReplica(B0_MTL, { seed: 7 });
  const same = buildReplica(B0_MTL, { seed: 7 });
  assert.ok(Buffer.from(a.bytes).equals(Buffer.from(same.bytes)), 'same seed gives identical bytes');
  const outA = await runReplica(a, B0_MTL);
  assertOutputs(outA, { output: [2, 10] });
  const outB = await runReplica(buildReplica(B0_MTL, { seed: 8 }), B0_MTL);
  assert.notDeepEqual(outA.output.data, outB.output.data, 'different seeds give different outputs');
  // Two different inputs give two different rows (the graph is not constant).
  assert.notDeepEqual(outA.output.data.subarray(0, 10), outA.output.data.subarray(10, 20));
});

test('hsemotion-onnx fork layout: embedding [B,1280], expression [B,8], valence and arousal [B]', async () => {
  const fork = card({
    architecture: 'efficientnet_b0',
    size: 224,
    family: 'hsemotion-onnx-fork',
    heads: {
      embedding: { output: 'embedding' },
      expression: { output: 'expression', kind: 'logits' },
      valence: { output: 'valence' },
      arousal: { output: 'arousal' },
    },
  });
  const r = buildReplica(fork, { seed: 3 });
  assert.equal(r.paramsTorch, 4_020_358, 'one Linear(1280, 10) feeds the three score outputs');
  const out = await runReplica(r, fork);
  assertOutputs(out, { expression: [2, 8], valence: [2], arousal: [2], embedding: [2, 1280] });

  // Same seed, MTL layout: the same network, so the fork's outputs are slices of the MTL output.
  const mtl = (await runReplica(buildReplica(B0_MTL, { seed: 3 }), B0_MTL)).output.data;
  for (let i = 0; i < 2; i++) {
    assertClose(out.expression.data.subarray(i * 8, i * 8 + 8), mtl.subarray(i * 10, i * 10 + 8), 'expression');
    assertClose([out.valence.data[i], out.arousal.data[i]], mtl.subarray(i * 10 + 8, i * 10 + 10), 'valence, arousal');
  }
});

test('probabilities in a shared output: softmax over the expression columns only', async () => {
  const probs = card({
    architecture: 'efficientnet_b0',
    size: 224,
    heads: { ...MTL_HEADS, expression: { output: 'output', start: 0, length: 8, kind: 'probabilities' } },
  });
  const out = (await runReplica(buildReplica(probs, { seed: 5 }), probs)).output.data;
  const logits = (await runReplica(buildReplica(B0_MTL, { seed: 5 }), B0_MTL)).output.data;
  for (let i = 0; i < 2; i++) {
    const row = logits.subarray(i * 10, i * 10 + 8);
    const max = Math.max(...row);
    const exp = Array.from(row, (v) => Math.exp(v - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    assertClose(out.subarray(i * 10, i * 10 + 8), exp.map((e) => e / sum), 'softmax columns');
    assertClose(out.subarray(i * 10 + 8, i * 10 + 10), logits.subarray(i * 10 + 8, i * 10 + 10), 'valence, arousal');
  }
});

test('EfficientNet-B2 at 260 with 8 classes: counts and a run', async () => {
  const b2 = card({ architecture: 'efficientnet_b2', size: 260, heads: { expression: { output: 'output', kind: 'logits' } } });
  const r = buildReplica(b2);
  assert.equal(r.paramsTorch, 7_712_266);
  assert.equal(r.paramsFolded, 7_678_482);
  assertWithin1Percent(r.paramsTorch, 7_712_266, 'B2 torch');
  assertWithin1Percent(r.paramsFolded, 7_636_854, 'B2 folded');
  assertOutputs(await runReplica(r, b2), { output: [2, 8] });
});
