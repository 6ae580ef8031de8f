import { test } from 'node:test';
import assert from 'node:assert/strict';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { OnnxGraph, readModelMetadata } from '../../../src/models/replicas/index.js';

const { onnx } = onnxProto;

/** y = Gemm(Flatten(LeakyRelu(Conv1x1(x) + b, alpha 2)), W) with known weights, batch free. */
function tinyGraph(): OnnxGraph {
  const g = new OnnxGraph({ producer: 'test' });
  const y = g.output('y', ['n', 2]);
  const x = g.input('x', ['n', 2, 1, 2]);
  const w = g.initializer('w', new Float32Array([1, -1]), [1, 2, 1, 1]);
  const b = g.param('b', new Float32Array([0.5]), [1]);
  const conv = g.op('Conv', [x, w, b], { kernel_shape: [1, 1], pads: [0, 0, 0, 0], strides: [1, 1] });
  const act = g.op('LeakyRelu', [conv], { alpha: { float: 2 } }); // integral float: must be wrapped
  const flat = g.op('Flatten', [act], { axis: 1 });
  const gw = g.param('gw', new Float32Array([1, 0, 1, 1]), [2, 2]);
  g.node('Gemm', [flat, gw], [y], { transB: 1, alpha: 1.5 });
  g.setMetadata('purpose', 'unit test');
  return g;
}

test('OnnxGraph writes a model onnxruntime runs, with the values the weights imply', async () => {
  const g = tinyGraph();
  assert.equal(g.paramCount(), 2 + 1 + 4);
  const session = await ort.InferenceSession.create(Buffer.from(g.toBytes()));
  // One item: channels (3, 1) at pixel 0 and (0, 2) at pixel 1 → conv 3-1+0.5 = 2.5 and 0-2+0.5 = -1.5.
  const x = new ort.Tensor('float32', new Float32Array([3, 0, 1, 2]), [1, 2, 1, 2]);
  const { y } = await session.run({ x });
  await session.release();
  // LeakyRelu(alpha 2): [2.5, -3]; Gemm rows [1,0] and [1,1], times 1.5: [3.75, -0.75].
  assert.deepEqual(y.dims, [1, 2]);
  assert.deepEqual(Array.from(y.data as Float32Array), [3.75, -0.75]);
});

test('attribute types follow the value: INT, FLOAT, INTS, FLOATS, STRING, TENSOR', () => {
  const g = new OnnxGraph();
  const x = g.input('x', [1]);
  g.node('Custom', [x], ['o'], {
    i: 3,
    f: 0.5,
    forced: { float: 1 },
    ints: [1, 2],
    floats: [0.5, 1],
    fa: new Float32Array([1, 2]),
    forcedFloats: { floats: [1, 2] },
    s: 'abc',
    t: { tensor: { data: new BigInt64Array([4n, 5n]), dims: [2] } },
  }, { domain: 'test.custom' });
  g.output('o', [1]);
  const model = onnx.ModelProto.decode(g.toBytes());
  const T = onnx.AttributeProto.AttributeType;
  const attrs = model.graph?.node?.[0]?.attribute ?? [];
  const types = Object.fromEntries(attrs.map((a) => [a.name, a.type]));
  assert.deepEqual(types, {
    i: T.INT,
    f: T.FLOAT,
    forced: T.FLOAT,
    ints: T.INTS,
    floats: T.FLOATS,
    fa: T.FLOATS,
    forcedFloats: T.FLOATS,
    s: T.STRING,
    t: T.TENSOR,
  });
  assert.equal(Number(model.opsetImport[0].version), 13); // int64 fields decode as Long
});

test('wiring mistakes fail while building, naming the tensor', () => {
  const g = new OnnxGraph();
  const x = g.input('x', [1]);
  assert.throws(() => g.node('Relu', ['nope'], ['y']), /input 'nope' is not defined/);
  g.node('Relu', [x], ['y']);
  assert.throws(() => g.node('Relu', [x], ['y']), /output 'y' is already written/);
  assert.throws(() => g.input('x', [1]), /'x' is already used/);
  assert.throws(() => g.initializer('w', new Float32Array(3), [2, 2]), /dims \[2, 2\] hold 4 values but data has 3/);
  g.output('z', [1]);
  assert.throws(() => g.toBytes(), /output 'z' is declared but no node writes it/);
});

test('generated names avoid declared and reserved output names; constants are not parameters', () => {
  const g = new OnnxGraph();
  g.output('Relu_0', [1]);
  g.reserve('Relu_1');
  const x = g.input('x', [1]);
  const a = g.op('Relu', [x]);
  assert.equal(a, 'Relu_2');
  g.constant('k', new Float32Array(10), [10]);
  g.param('p', new Float32Array(3), [3]);
  assert.equal(g.paramCount(), 3);
});

test('readModelMetadata reads metadata_props without decoding the graph', () => {
  const g = tinyGraph();
  g.setMetadata('second', 'ü ✓');
  assert.deepEqual(readModelMetadata(g.toBytes()), { purpose: 'unit test', second: 'ü ✓' });
  assert.deepEqual(readModelMetadata(new OnnxGraph().toBytes()), {});
});
