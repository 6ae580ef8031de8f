import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { addEmbeddingOutput, ensureEmbeddingGraph } from '../../src/models/embedding-graph.js';
import { createOnnxEngine } from '../../src/models/engines/onnx.js';
import { readHeads } from '../../src/models/engines/heads.js';
import { buildReplica, OnnxGraph } from '../../src/models/replicas/index.js';
import { SeededRandom } from '../../src/models/replicas/random.js';
import { sha256 } from '../../src/util/hash.js';
import { tinyModelBytes } from '../bench/tiny-model.js';
import { tempDir } from '../datasets/tmpdir.js';
import { expectBenchError } from '../expect-error.js';
import { card, MTL_HEADS } from './replicas/helpers.js';

const S = 8;
const D = 5;
const K = 4;
const rand = new SeededRandom(7);
const W1 = rand.normalArray(3 * D, 1); // [3, D]
const W2 = rand.normalArray(D * K, 1); // [D, K], MatMul layout
const B2 = rand.normalArray(K, 1);

/** A tiny classifier whose last layer is MatMul + Add (the other export form), behind an Identity. */
function matmulModel(): Uint8Array {
  const g = new OnnxGraph({ name: 'tiny_matmul' });
  const x = g.input('input', ['batch', 3, S, S]);
  g.output('output', ['batch', K]);
  const flat = g.op('Flatten', [g.op('GlobalAveragePool', [x])], { axis: 1 });
  const hidden = g.op('Relu', [g.op('MatMul', [flat, g.param('w1', W1, [3, D])])]);
  const logits = g.op('Add', [g.op('MatMul', [hidden, g.param('w2', W2, [D, K])]), g.param('b2', B2, [K])]);
  g.node('Identity', [logits], ['output']);
  return g.toBytes();
}

async function run(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(Buffer.from(bytes));
  try {
    const out = await session.run({ input: new ort.Tensor('float32', x, dims) });
    return Object.fromEntries(session.outputNames.map((n) => [n, out[n].data as Float32Array]));
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** emb [B, D] · W^T + b with W as [out, D]. */
function affine(emb: Float32Array, w: Float32Array, b: Float32Array | undefined, d: number, out: number): Float64Array {
  const n = emb.length / d;
  const y = new Float64Array(n * out);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < out; o++) {
      let s = b ? b[o] : 0;
      for (let j = 0; j < d; j++) s += emb[i * d + j] * w[o * d + j];
      y[i * out + o] = s;
    }
  }
  return y;
}

test('MatMul+Add classifier: the edit exposes its input, logits unchanged, W·embedding + b = logits', async () => {
  const src = matmulModel();
  const { bytes, cut } = addEmbeddingOutput(src, { scoresOutput: 'output' });
  assert.equal(cut.opType, 'MatMul');
  assert.equal(cut.dim, D);
  const x = new SeededRandom(3).normalArray(3 * 3 * S * S, 1);
  const before = await run(src, x, [3, 3, S, S]);
  const after = await run(bytes, x, [3, 3, S, S]);
  assert.deepEqual(Object.keys(after), ['output', 'embedding']);
  assert.equal(maxAbsDiff(before.output, after.output), 0);
  assert.equal(after.embedding.length, 3 * D);
  assert.ok(after.embedding.every((v) => v >= 0), 'the embedding is the ReLU output');
  // The test's own weights, transposed to [K, D]: independent of what the edit read from the file.
  const wT = new Float32Array(K * D);
  for (let j = 0; j < D; j++) for (let k = 0; k < K; k++) wT[k * D + j] = W2[j * K + k];
  const y = affine(after.embedding, wT, B2, D, K);
  assert.ok(maxAbsDiff(Float32Array.from(y), after.output) < 1e-5);
});

test('EfficientNet-B0 replica (Gemm transB=1): 1280-d embedding, logits bit-identical, Gemm reproduces them', async () => {
  const c = card({ architecture: 'efficientnet_b0', size: 224, heads: MTL_HEADS });
  const replica = buildReplica(c, { seed: 5 });
  const { bytes, cut } = addEmbeddingOutput(replica.bytes, { scoresOutput: 'output' });
  assert.equal(cut.opType, 'Gemm');
  assert.equal(cut.dim, 1280);
  assert.equal(cut.weight.out, 10);
  const x = new SeededRandom(1).normalArray(2 * 3 * 224 * 224, 1);
  const before = await run(replica.bytes, x, [2, 3, 224, 224]);
  const after = await run(bytes, x, [2, 3, 224, 224]);
  assert.equal(maxAbsDiff(before.output, after.output), 0);
  assert.equal(after.embedding.length, 2 * 1280);
  const y = affine(after.embedding, cut.weight.data, cut.bias, 1280, 10);
  assert.ok(maxAbsDiff(Float32Array.from(y), after.output) < 1e-5, `max diff ${maxAbsDiff(Float32Array.from(y), after.output)}`);
});

test('a graph without a final Gemm/MatMul is refused, naming the path walked', () => {
  // The evaluation tests' tiny model ends in Mul/Add of channel slices.
  assert.throws(() => addEmbeddingOutput(tinyModelBytes(), { scoresOutput: 'output', where: 'tiny.onnx' }), expectBenchError('MODEL_IO_MISMATCH', /tiny\.onnx: no final Gemm\/MatMul classifier feeds output "output"/, /the Add node "Add_node_1" sits between/));
  assert.throws(() => addEmbeddingOutput(matmulModel(), { scoresOutput: 'logits' }), expectBenchError('MODEL_IO_MISMATCH', /no output "logits" \(it has: output\)/));
  assert.throws(() => addEmbeddingOutput(matmulModel(), { scoresOutput: 'output', embeddingOutput: 'input' }), expectBenchError('MODEL_IO_MISMATCH', /already has a tensor named "input"/));
  assert.throws(() => addEmbeddingOutput(Uint8Array.from([0xff, 0xff, 0xff]), { scoresOutput: 'output' }), expectBenchError('UNSUPPORTED_FORMAT'));
});

test('the edit is written once beside the weights with both sha256s; a replaced source or damaged edit is redone', async () => {
  const dir = await tempDir('embedding-graph');
  const cache = await tempDir('embedding-cache');
  const src = join(dir, 'tiny.onnx');
  await writeFile(src, matmulModel());
  const first = await ensureEmbeddingGraph(src, { scoresOutput: 'output', cacheDir: cache });
  assert.equal(first.written, 'new');
  assert.equal(first.path, join(dir, 'tiny.embedding.onnx'));
  assert.equal(first.sourceSha256, sha256(await readFile(src)));
  assert.equal(first.sha256, sha256(await readFile(first.path)));
  const record = JSON.parse(await readFile(join(dir, 'tiny.embedding.json'), 'utf8'));
  assert.equal(record.sha256, first.sha256);
  assert.equal(record.dim, D);

  const again = await ensureEmbeddingGraph(src, { scoresOutput: 'output', cacheDir: cache });
  assert.equal(again.written, false);
  assert.equal(again.sha256, first.sha256);

  // New weights under the same name: the old edit is stale and is made again from the new file.
  const g = new OnnxGraph({ name: 'other' });
  const x = g.input('input', ['batch', 3, S, S]);
  g.output('output', ['batch', 2]);
  g.node('Gemm', [g.op('Flatten', [g.op('GlobalAveragePool', [x])], { axis: 1 }), g.param('w', new Float32Array(6).fill(0.5), [2, 3]), g.param('b', new Float32Array(2), [2])], ['output'], { transB: 1 });
  await writeFile(src, g.toBytes());
  const stale = await ensureEmbeddingGraph(src, { scoresOutput: 'output', cacheDir: cache });
  assert.equal(stale.written, 'stale-source');
  assert.equal(stale.dim, 3);
  assert.notEqual(stale.sourceSha256, first.sourceSha256);

  const edited = await readFile(stale.path);
  edited[edited.length - 3] ^= 0xff;
  await writeFile(stale.path, edited);
  const repaired = await ensureEmbeddingGraph(src, { scoresOutput: 'output', cacheDir: cache });
  assert.equal(repaired.written, 'damaged');
  assert.equal(sha256(await readFile(repaired.path)), repaired.sha256);
});

test('the ONNX engine runs the edit for a card whose embedding comes from the classifier input', async () => {
  const dir = await tempDir('embedding-engine');
  const src = join(dir, 'tiny.onnx');
  await writeFile(src, matmulModel());
  const c = card({
    architecture: 'efficientnet_b0',
    size: S,
    classes: ['anger', 'fear', 'happiness', 'neutral'],
    heads: { expression: { output: 'output', length: K, kind: 'logits' }, embedding: { output: 'embedding', length: D, from: 'classifier-input' } },
  });
  const engine = await createOnnxEngine(c, { path: src });
  try {
    assert.deepEqual([...engine.outputNames], ['output', 'embedding']);
    assert.equal(engine.embeddingGraph?.path, join(dir, 'tiny.embedding.onnx'));
    const x = new SeededRandom(9).normalArray(2 * 3 * S * S, 1);
    const items = readHeads(c, await engine.run({ data: x, dims: [2, 3, S, S] }), 2);
    assert.equal(items[1].embedding?.length, D);
    const plain = await run(matmulModel(), x, [2, 3, S, S]);
    assert.deepEqual(Array.from(items[1].scores), Array.from(plain.output.subarray(K, 2 * K)));
  } finally {
    await engine.dispose();
  }
  // In-memory bytes (replicas) are edited in memory only when they lack the output.
  const mem = await createOnnxEngine(c, { bytes: matmulModel() });
  assert.deepEqual([...mem.outputNames], ['output', 'embedding']);
  assert.equal(mem.embeddingGraph, undefined);
  await mem.dispose();
  // A card whose embedding length is not the classifier's input width is refused, not sliced.
  const wrong = card({ ...c, architecture: 'efficientnet_b0', size: S, heads: { ...c.heads, embedding: { output: 'embedding', length: 1280, from: 'classifier-input' } } });
  await assert.rejects(createOnnxEngine(wrong, { path: src }), expectBenchError('MODEL_IO_MISMATCH', /classifier's input is 5-d, the card of .* says its embedding is 1280-d/, /length to 5/));
});

test('when the edit cannot be written beside the weights it goes to the cache, and is found there next time', async () => {
  const { mkdir } = await import('node:fs/promises');
  const dir = await tempDir('embedding-ro');
  const cache = await tempDir('embedding-cache');
  const src = join(dir, 'tiny.onnx');
  await writeFile(src, matmulModel());
  // A directory where the edited file would go stands in for a read-only folder (root ignores permissions).
  await mkdir(join(dir, 'tiny.embedding.onnx'));
  const first = await ensureEmbeddingGraph(src, { scoresOutput: 'output', cacheDir: cache });
  assert.equal(first.path, join(cache, 'tiny.embedding.onnx'));
  assert.equal(first.written, 'new');
  const again = await ensureEmbeddingGraph(src, { scoresOutput: 'output', cacheDir: cache });
  assert.equal(again.path, first.path);
  assert.equal(again.written, false);
  // Neither place writable: one error naming both.
  const cacheBlocked = await tempDir('embedding-cache2');
  await mkdir(join(cacheBlocked, 'tiny.embedding.onnx'));
  await assert.rejects(ensureEmbeddingGraph(src, { scoresOutput: 'output', cacheDir: cacheBlocked }), expectBenchError('BAD_INPUT', /cannot write the embedding graph of .*tiny\.onnx: beside the weights .* nor in /, /writable/));
});
