/**
 * Engine parity, the check EmotiEffLib runs between its Torch and ONNX backends: one model with fixed
 * seeded weights, written as a Keras 2 .h5 and as ONNX, run by the TF.js engine (wasm) and by
 * onnxruntime-node; same top-1 for every item, outputs within 1e-4.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '../../../src/models/engines/engine.js';
import { createOnnxEngine } from '../../../src/models/engines/onnx.js';
import { createTfjsEngine } from '../../../src/models/engines/tfjs.js';
import { kerasToOnnx } from '../../fixtures/keras/keras-to-onnx.js';
import { tinyBatch, tinyCard, writeTinyH5 } from '../../fixtures/keras/tiny-mobilenet.js';

const dir = mkdtempSync(join(tmpdir(), 'fer-bench-parity-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TOLERANCE = 1e-4;

function argmaxRows(t: Tensor): number[] {
  const [batch, width] = t.dims;
  return Array.from({ length: batch }, (_, b) => {
    const row = t.data.subarray(b * width, (b + 1) * width);
    return row.indexOf(Math.max(...row));
  });
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  assert.deepEqual([...a.dims], [...b.dims]);
  return a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);
}

test('the same Keras model on TF.js (wasm) and onnxruntime-node: same top-1, outputs within 1e-4', async () => {
  const h5 = join(dir, 'tiny.h5');
  const content = await writeTinyH5(h5);
  const onnx = kerasToOnnx(content.modelConfig, content.weights, ['emotion_preds', 'global_pooling']);

  const tfjs = await createTfjsEngine(tinyCard(), { path: h5 });
  const ort = await createOnnxEngine(tinyCard('tiny_mobilenet.onnx'), { bytes: onnx });
  assert.deepEqual([...tfjs.outputNames].sort(), [...ort.outputNames].sort());

  for (const seed of [1, 2, 3]) {
    const x = tinyBatch(4, seed);
    const a = await tfjs.run(x);
    const b = await ort.run(x);
    const top1 = argmaxRows(a.emotion_preds);
    assert.deepEqual(top1, argmaxRows(b.emotion_preds), `top-1, batch seed ${seed}`);
    for (const name of ['emotion_preds', 'global_pooling']) {
      const d = maxAbsDiff(a[name], b[name]);
      assert.ok(d <= TOLERANCE, `${name}: max |tfjs − ort| = ${d}`);
    }
  }
  // The seeded model is not degenerate: its items do not all get the same class.
  const spread = new Set(argmaxRows((await tfjs.run(tinyBatch(16, 9))).emotion_preds));
  assert.ok(spread.size > 1, `predicted classes ${[...spread]}`);
  await tfjs.dispose();
  await ort.dispose();
});
