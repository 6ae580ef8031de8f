/**
 * ONNX external data: a model whose tensors keep their bytes in a file outside the model's folder
 * (absolute location, `..`, a symlinked file or folder) is refused before onnxruntime opens it; one
 * whose external data sits in its folder loads and runs. The test models are built with OnnxGraph; the
 * "outside" file is a valid weights file, and the message asserted is ours, not onnxruntime's (1.30 has
 * its own path validation, which would say "path validation failed").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import { ModelCard } from '../../src/models/card.js';
import { createOnnxEngine } from '../../src/models/engines/onnx.js';
import { externalDataRefs, refuseEscapingExternalData } from '../../src/models/onnx-external-data.js';
import { OnnxGraph } from '../../src/models/replicas/onnx-graph.js';
import { tinyCardInput } from '../bench/tiny-model.js';
import { tempDir } from '../datasets/tmpdir.js';
import { expectBenchError } from '../expect-error.js';

const { onnx } = onnxProto;
const SIZE = 2;
const CLASSES = 8;
const W = Float32Array.from({ length: 3 * SIZE * SIZE * CLASSES }, (_, i) => ((i * 7) % 11) / 10 - 0.5);

/** input [N,3,2,2] → Flatten → MatMul W [12, 8] → output [N, 8]; W's bytes live in `location`. */
function externalModel(location: string): Uint8Array {
  const g = new OnnxGraph();
  g.input('input', ['N', 3, SIZE, SIZE]);
  g.output('output', ['N', CLASSES]);
  const w = g.initializer('w', W, [3 * SIZE * SIZE, CLASSES]);
  g.node('MatMul', [g.op('Flatten', ['input'], { axis: 1 }), w], ['output']);
  const model = g.toModel();
  for (const t of model.graph!.initializer!) {
    t.rawData = undefined;
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [
      { key: 'location', value: location },
      { key: 'offset', value: '0' },
      { key: 'length', value: String(W.byteLength) },
    ];
  }
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

const weightBytes = () => new Uint8Array(W.buffer.slice(0));

const card = ModelCard.parse({
  ...tinyCardInput(),
  name: 'tiny_external',
  input: { ...tinyCardInput().input, size: SIZE },
  heads: { expression: { output: 'output', start: 0, length: CLASSES, kind: 'logits' } },
  published: [],
});

/** A model folder and, beside it, another folder holding a valid copy of the weights. */
async function folders(): Promise<{ dir: string; outside: string }> {
  const top = await tempDir('onnx-ext');
  const dir = path.join(top, 'model');
  const outside = path.join(top, 'elsewhere');
  await mkdir(dir);
  await mkdir(path.join(outside, 'sub'), { recursive: true });
  await writeFile(path.join(outside, 'w.bin'), weightBytes());
  await writeFile(path.join(outside, 'sub', 'w.bin'), weightBytes());
  return { dir, outside };
}

test('external data in the model folder loads and runs', async () => {
  const { dir } = await folders();
  await mkdir(path.join(dir, 'data'));
  await writeFile(path.join(dir, 'data', 'w.bin'), weightBytes());
  const file = path.join(dir, 'm.onnx');
  await writeFile(file, externalModel('data/w.bin'));
  assert.deepEqual(externalDataRefs(onnx.ModelProto.decode(externalModel('data/w.bin'))), [{ tensor: 'w', location: 'data/w.bin' }]);
  const engine = await createOnnxEngine(card, { path: file });
  try {
    const x = Float32Array.from({ length: 3 * SIZE * SIZE }, (_, i) => i / 12);
    const out = (await engine.run({ data: x, dims: [1, 3, SIZE, SIZE] })).output;
    const want = Array.from({ length: CLASSES }, (_, j) => x.reduce((s, v, i) => s + v * W[i * CLASSES + j], 0));
    Array.from(out.data).forEach((v, j) => assert.ok(Math.abs(v - want[j]) < 1e-5, `${v} vs ${want[j]}`));
  } finally {
    await engine.dispose();
  }
});

test('external data outside the model folder (absolute, .., symlinked file or folder) is refused before onnxruntime opens it', async () => {
  const { dir, outside } = await folders();
  await symlink(path.join(outside, 'w.bin'), path.join(dir, 'link.bin'));
  await symlink(path.join(outside, 'sub'), path.join(dir, 'sub'));
  const cases: Array<[string, RegExp]> = [
    [path.join(outside, 'w.bin'), /absolute path/],
    ['../elsewhere/w.bin', /outside/],
    ['..\\elsewhere\\w.bin', /outside/],
    ['link.bin', /link\.bin is a symlink to .*elsewhere/],
    ['sub/w.bin', /its folder is really .*elsewhere.sub/],
  ];
  for (const [location, why] of cases) {
    const file = path.join(dir, 'm.onnx');
    await writeFile(file, externalModel(location));
    await assert.rejects(createOnnxEngine(card, { path: file }), expectBenchError('UNSUPPORTED_FORMAT', /tensor 'w' keeps its data in an external file outside/, why, /m\.onnx/, /relative location without '\.\.'/), location);
  }
});

test('external data is found in Constant attributes and subgraphs too; models without it are not decoded', async () => {
  const { dir } = await folders();
  const bad: onnxProto.onnx.ITensorProto = { name: 'c', dataType: 1, dims: [1], dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, externalData: [{ key: 'location', value: '../../etc/passwd' }] };
  const constant = { opType: 'Constant', output: ['k'], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: bad }] };
  const inIf = { opType: 'If', input: ['cond'], output: ['y'], attribute: [{ name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: { node: [constant] } }] };
  for (const node of [constant, inIf]) {
    const bytes = onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, graph: { node: [node] } })).finish();
    const file = path.join(dir, 'c.onnx');
    await writeFile(file, bytes);
    await assert.rejects(refuseEscapingExternalData(file), expectBenchError('UNSUPPORTED_FORMAT', /tensor 'c'/, /outside/));
  }
  // Not ONNX at all, or no external data: nothing to refuse here (onnxruntime says what is wrong, if anything).
  await writeFile(path.join(dir, 'junk.onnx'), 'location location');
  await refuseEscapingExternalData(path.join(dir, 'junk.onnx'));
  await refuseEscapingExternalData(path.join(dir, 'missing.onnx'));
});
