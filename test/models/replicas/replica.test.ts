import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BenchError } from '../../../src/errors.js';
import { buildReplica, OnnxGraph, replicaStamp, REPLICA_METADATA_KEY } from '../../../src/models/replicas/index.js';
import { readModelMetadata } from '../../../src/models/replicas/onnx-graph.js';
import { MTL_HEADS, card } from './helpers.js';

function benchError(fn: () => unknown): BenchError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof BenchError, `expected a BenchError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a throw');
}

test('architectures without a builder are refused with a fix', () => {
  for (const architecture of ['mobilevit_s', 'faceapi_expression'] as const) {
    const e = benchError(() => buildReplica(card({ architecture, size: 224, heads: MTL_HEADS })));
    assert.equal(e.code, 'REPLICA_NOT_ALLOWED');
    assert.match(e.message, new RegExp(architecture));
    assert.ok(e.fix && e.fix.length > 0);
  }
});

test('head layouts no network has are refused before anything is built', () => {
  const gap = benchError(() =>
    buildReplica(card({
      architecture: 'mobilefacenet',
      size: 112,
      heads: { ...MTL_HEADS, arousal: { output: 'output', start: 10 } },
    })),
  );
  assert.equal(gap.code, 'BAD_MANIFEST');
  assert.match(gap.message, /arousal starts at 10, expected 9/);

  const length = benchError(() =>
    buildReplica(card({ architecture: 'mobilefacenet', size: 112, heads: { expression: { output: 'o', length: 7, kind: 'logits' } } })),
  );
  assert.equal(length.code, 'BAD_MANIFEST');

  const shared = benchError(() =>
    buildReplica(card({ architecture: 'mobilefacenet', size: 112, heads: { ...MTL_HEADS, embedding: { output: 'output' } } })),
  );
  assert.equal(shared.code, 'BAD_MANIFEST');
});

test('every replica is stamped; other models are not', () => {
  const r = buildReplica(card({ architecture: 'mobilefacenet', size: 112, heads: MTL_HEADS }), { seed: 12, batch: 4 });
  const meta = readModelMetadata(r.bytes);
  assert.equal(meta[REPLICA_METADATA_KEY], 'true');
  assert.equal(meta.params_torch, String(r.paramsTorch));
  assert.equal(meta.params_folded, String(r.paramsFolded));
  assert.deepEqual(replicaStamp(r.bytes), { architecture: 'mobilefacenet', model: 'test_mobilefacenet', seed: 12 });
  assert.deepEqual(r.input.dims, [4, 3, 112, 112]);
  assert.deepEqual(r.outputs, [{ name: 'output', dims: [4, 10] }]);

  const plain = new OnnxGraph();
  plain.node('Relu', [plain.input('x', [1])], ['y']);
  plain.output('y', [1]);
  assert.equal(replicaStamp(plain.toBytes()), undefined);
});
