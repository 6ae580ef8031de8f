import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReplica } from '../../../src/models/replicas/index.js';
import { MTL_HEADS, assertOutputs, card, runReplica } from './helpers.js';

test('MobileFaceNet at 112 (mbf_va_mtl): 512-d embedding, 10-way head, [B,10] output', async () => {
  const c = card({ architecture: 'mobilefacenet', size: 112, heads: MTL_HEADS });
  const r = buildReplica(c);
  // Common PyTorch MobileFaceNet(512): 1,200,512 parameters; + Linear(512, 10) = 1,205,642.
  assert.equal(r.paramsTorch, 1_200_512 + 5_130);
  assert.equal(r.paramsFolded, r.paramsTorch - 10_176); // 10,176 batch-norm channels folded
  assertOutputs(await runReplica(r, c), { output: [2, 10] });
});
