/**
 * The model-side pieces of EMO-AffectNet's temporal protocol end to end, on a generated corpus of
 * "videos" (frames as tensors, each clip tinted by its class) with real engines: a backbone ONNX file
 * whose embedding comes from the graph edit (onnxruntime) → the embedding file → windows of 10, hop 5,
 * padded → the Keras LSTM head (TF.js) → video decisions → UAR per video. The LSTM's answers are checked
 * against an LSTM written out in this test (float64, Keras semantics incl. masking): an oracle that
 * shares no code with TF.js.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { confusionMatrix } from '../../src/bench/metrics/confusion.js';
import { classificationMetrics } from '../../src/bench/metrics/classification.js';
import { openEmbeddingReader, openEmbeddingWriter } from '../../src/bench/store/embeddings.js';
import { emoWindows, videoDecision, windowBatch } from '../../src/bench/temporal.js';
import { createOnnxEngine } from '../../src/models/engines/onnx.js';
import { readHeads } from '../../src/models/engines/heads.js';
import { OnnxGraph } from '../../src/models/replicas/onnx-graph.js';
import { SeededRandom } from '../../src/models/replicas/random.js';
import { openTemporalHead } from '../../src/models/temporal-head.js';
import { LSTM_REFERENCE, writeLstmHeadH5 } from '../fixtures/keras/lstm-head.js';
import { tempDir } from '../datasets/tmpdir.js';
import { card } from '../models/replicas/helpers.js';

const S = 8;
const { features: F, units1: U1, units2: U2, classes: K, steps: T } = LSTM_REFERENCE.dims;
const EMO7 = ['neutral', 'happiness', 'sadness', 'surprise', 'fear', 'disgust', 'anger'] as const;

/** Backbone: mean colour → ReLU(MatMul) = the F-d embedding → Gemm → 7 logits. */
function backbone(): Uint8Array {
  const r = new SeededRandom(11);
  const g = new OnnxGraph({ name: 'tiny_backbone' });
  const x = g.input('input', ['batch', 3, S, S]);
  g.output('logits', ['batch', K]);
  const flat = g.op('Flatten', [g.op('GlobalAveragePool', [x])], { axis: 1 });
  const feat = g.op('Relu', [g.op('Add', [g.op('MatMul', [flat, g.param('w1', r.normalArray(3 * F, 1), [3, F])]), g.param('b1', Float32Array.from({ length: F }, () => 0.3), [F])])]);
  g.node('Gemm', [feat, g.param('w2', r.normalArray(K * F, 1), [K, F]), g.param('b2', new Float32Array(K), [K])], ['logits'], { transB: 1 });
  return g.toBytes();
}

/** Videos: id, class, frame count (shorter than a window, exactly one, longer with a tail). */
const VIDEOS = [3, 10, 12, 23, 7, 16, 5, 31].map((frames, i) => ({ id: `Actor_${String(i + 1).padStart(2, '0')}/clip.mp4`, label: i % K, frames }));

function frame(label: number, f: number): Float32Array {
  const tint = [Math.cos(label), Math.sin(label * 1.7), Math.cos(label * 0.6 + 1)];
  const noise = new SeededRandom(label * 1000 + f);
  return Float32Array.from({ length: 3 * S * S }, (_, i) => tint[Math.floor(i / (S * S))] + 0.1 * noise.normal());
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Keras LSTM step over a sequence, skipping all-zero steps (Masking(0)); returns every step's h. */
function oracleLstm(seq: number[][], w: { kernel: number[]; recurrent_kernel: number[]; bias: number[] }, u: number, mask: boolean[]): number[][] {
  let h = new Array(u).fill(0);
  let c = new Array(u).fill(0);
  const outs: number[][] = [];
  seq.forEach((x, t) => {
    if (!mask[t]) {
      outs.push(h);
      return;
    }
    const z = new Array(4 * u).fill(0).map((_, j) => w.bias[j] + x.reduce((s, xi, i) => s + xi * w.kernel[i * 4 * u + j], 0) + h.reduce((s, hi, i) => s + hi * w.recurrent_kernel[i * 4 * u + j], 0));
    const gate = (k: number, j: number) => z[k * u + j];
    c = c.map((cj, j) => sigmoid(gate(1, j)) * cj + sigmoid(gate(0, j)) * Math.tanh(gate(2, j)));
    h = c.map((cj, j) => sigmoid(gate(3, j)) * Math.tanh(cj));
    outs.push(h);
  });
  return outs;
}

function oracleHead(window: number[][]): number[] {
  const mask = window.map((x) => x.some((v) => v !== 0));
  const h1 = oracleLstm(window, LSTM_REFERENCE.weights.lstm, U1, mask);
  const h2 = oracleLstm(h1, LSTM_REFERENCE.weights.lstm_1, U2, mask).at(-1)!;
  const { kernel, bias } = LSTM_REFERENCE.weights.dense;
  const logits = bias.map((b, k) => b + h2.reduce((s, hi, i) => s + hi * kernel[i * K + k], 0));
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

test('backbone embeddings → embedding file → EMO windows → LSTM head → video decisions and UAR', { timeout: 120_000 }, async () => {
  const dir = await tempDir('temporal-pipeline');
  const weights = join(dir, 'backbone.onnx');
  await writeFile(weights, backbone());
  const headFile = join(dir, 'lstm_head.h5');
  await writeLstmHeadH5(headFile);
  const c = card({
    architecture: 'resnet50',
    size: S,
    classes: [...EMO7],
    heads: { expression: { output: 'logits', length: K, kind: 'logits' }, embedding: { output: 'embedding', length: F, from: 'classifier-input' } },
  });

  // 1. Per-frame embeddings through the edited backbone, stored per (video, frame).
  const engine = await createOnnxEngine(c, { path: weights });
  const store = join(dir, 'embeddings.bin');
  const writer = await openEmbeddingWriter(store, { dim: F, meta: { model: 'tiny_backbone', sha256: engine.embeddingGraph!.sourceSha256 } });
  const computed = new Map<string, Float32Array[]>();
  for (const v of VIDEOS) {
    const frames = Array.from({ length: v.frames }, (_, f) => frame(v.label, f));
    const batch = new Float32Array(frames.length * 3 * S * S);
    frames.forEach((x, i) => batch.set(x, i * x.length));
    const items = readHeads(c, await engine.run({ data: batch, dims: [frames.length, 3, S, S] }), frames.length);
    const embs = items.map((it) => it.embedding!);
    computed.set(v.id, embs);
    await writer.append(embs.map((vector, f) => ({ id: v.id, frame: f, vector })));
  }
  await writer.close();
  await engine.dispose();

  // 2. Read back by id, window, score with the LSTM head, decide per video.
  const reader = await openEmbeddingReader(store);
  const head = await openTemporalHead(headFile, { steps: T, dim: F });
  const labels: number[] = [];
  const preds: number[] = [];
  for (const v of VIDEOS) {
    const stored = (await reader.read(v.id))!;
    assert.deepEqual(stored.map((s) => s.frame), Array.from({ length: v.frames }, (_, f) => f));
    stored.forEach((s, f) => assert.deepEqual(s.vector, computed.get(v.id)![f], `${v.id} frame ${f} round trip`));
    const features = stored.map((s) => s.vector);
    const { data, dims, windows } = windowBatch(features);
    assert.equal(windows.length, Math.ceil(v.frames / 5), `${v.id}: ⌈n/5⌉ windows`);
    assert.deepEqual(windows, emoWindows(v.frames));
    const probs = await head.predict({ data, dims });
    const rows = windows.map((_, w) => probs.subarray(w * K, (w + 1) * K));
    windows.forEach((w, wi) => {
      const expected = oracleHead(w.frames.map((p) => Array.from(features[p])));
      const diff = Math.max(...expected.map((e, k) => Math.abs(e - rows[wi][k])));
      assert.ok(diff < 1e-5, `${v.id} window ${wi}: TF.js vs the oracle LSTM differ by ${diff}`);
    });
    const decision = videoDecision(rows);
    // The decision is the argmax of the mean window probability (the normalised sum).
    const mean = Array.from({ length: K }, (_, k) => rows.reduce((s, r) => s + r[k], 0) / rows.length);
    assert.equal(decision.label, mean.indexOf(Math.max(...mean)));
    labels.push(v.label);
    preds.push(decision.label);
  }
  await head.dispose();
  await reader.close();

  // 3. UAR per video = mean recall over the classes present, by hand.
  const uar = classificationMetrics(confusionMatrix(labels, preds, K)).uar;
  const present = [...new Set(labels)];
  const byHand = present.reduce((s, k) => s + labels.filter((l, i) => l === k && preds[i] === k).length / labels.filter((l) => l === k).length, 0) / present.length;
  assert.ok(Math.abs(uar - byHand) < 1e-12);
});
