import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { tf } from '../../../src/models/engines/tfjs-backend.js';
import { readKerasH5 } from '../../../src/models/keras/load-h5.js';
import { adaptModelConfig } from '../../../src/models/keras/model-config.js';
import { LSTM_REFERENCE, lstmHeadConfig, writeLstmHeadH5 } from '../../fixtures/keras/lstm-head.js';
import { writeKerasH5 } from '../../fixtures/keras/keras-h5-writer.js';
import { expectBenchError } from '../../expect-error.js';

const dir = mkdtempSync(join(tmpdir(), 'fer-bench-lstm-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'lstm_head.h5');
before(() => writeLstmHeadH5(file));

const { steps: T, features: F, units1: U1, classes: K } = LSTM_REFERENCE.dims;

async function predict(model: tfTypes.LayersModel, data: Float32Array, n: number): Promise<Float32Array[]> {
  const x = tf.tensor(data, [n, T, F]);
  const ys = [model.predict(x)].flat() as tfTypes.Tensor[];
  const out = await Promise.all(ys.map(async (y) => (await y.data()) as Float32Array));
  tf.dispose([x, ...ys]);
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('the EMO-AffectNet head (Masking, LSTM, Dropout, Dense) loads from model_config and matches torch nn.LSTM', async () => {
  const { model, info } = await readKerasH5(file);
  assert.deepEqual([...new Set(info.layerClasses)], ['InputLayer', 'Masking', 'LSTM', 'Dropout', 'Dense']);
  const cases = LSTM_REFERENCE.cases;
  const [probs] = await predict(model, Float32Array.from(cases.flatMap((c) => c.input)), cases.length);
  cases.forEach((c, i) => {
    const got = probs.subarray(i * K, (i + 1) * K);
    const diff = maxAbsDiff(got, c.probabilities);
    assert.ok(diff < 1e-5, `${c.name}: max diff ${diff}`);
  });
  model.dispose();
});

test('masking matters: the zero-padded sequence is not scored as if its zeros were features', async () => {
  const { model } = await readKerasH5(file);
  const tail = LSTM_REFERENCE.cases.find((c) => c.name.startsWith('zero-padded'))!;
  const [masked] = await predict(model, Float32Array.from(tail.input), 1);
  // A hair above zero defeats Masking(0): the LSTM now runs over the padding, and the answer moves.
  const nudged = Float32Array.from(tail.input, (v) => (v === 0 ? 1e-6 : v));
  const [unmasked] = await predict(model, nudged, 1);
  assert.ok(maxAbsDiff(masked, tail.probabilities) < 1e-5);
  assert.ok(maxAbsDiff(unmasked, tail.probabilities) > 1e-3, 'the padded steps change the result when they are not masked');
  model.dispose();
});

test('the first LSTM returns its whole sequence (return_sequences), as torch computes it', async () => {
  const { model } = await readKerasH5(file, { outputs: ['lstm'] });
  const full = LSTM_REFERENCE.cases.find((c) => c.name === 'full')!;
  const [, seq] = await predict(model, Float32Array.from(full.input), 1);
  assert.equal(seq.length, T * U1);
  assert.ok(maxAbsDiff(seq, full.lstmSequence!) < 1e-5);
  model.dispose();
});

test('the published size (10 × 512 → 512 → 256 → 7) builds, and LSTM options TF.js cannot honour are refused', async () => {
  const published = lstmHeadConfig({ steps: 10, features: 512, units1: 512, units2: 256, classes: 7 });
  const { modelFromKerasConfig } = await import('../../../src/models/keras/load-h5.js');
  const model = await modelFromKerasConfig(adaptModelConfig(published, 'published'), 'published');
  assert.deepEqual(model.inputs[0].shape, [null, 10, 512]);
  assert.deepEqual(model.getLayer('lstm').getWeights().map((w) => w.shape), [[512, 2048], [512, 2048], [2048]]);
  assert.deepEqual(model.getLayer('lstm_1').getWeights().map((w) => w.shape), [[512, 1024], [256, 1024], [1024]]);
  assert.deepEqual(model.outputs[0].shape, [null, 7]);
  model.dispose();

  const withOption = (key: string, value: unknown) => {
    const c = lstmHeadConfig(LSTM_REFERENCE.dims);
    const layers = (c.config as { layers: Array<{ name: string; config: Record<string, unknown> }> }).layers;
    layers.find((l) => l.name === 'lstm_1')!.config[key] = value;
    return c;
  };
  assert.throws(() => adaptModelConfig(withOption('time_major', true), 'x.h5'), expectBenchError('UNSUPPORTED_LAYER', /layer "lstm_1" \(LSTM\) is time-major/));
  assert.throws(() => adaptModelConfig(withOption('stateful', true), 'x.h5'), expectBenchError('UNSUPPORTED_LAYER', /is stateful/));
  assert.throws(() => adaptModelConfig(withOption('return_state', true), 'x.h5'), expectBenchError('UNSUPPORTED_LAYER', /return_state/));
  assert.throws(() => adaptModelConfig(withOption('recurrent_activation', 'gelu'), 'x.h5'), expectBenchError('UNSUPPORTED_LAYER', /recurrent activation "gelu"/));
});

test('an LSTM whose saved weights have the wrong gate width is BAD_H5 naming the layer', async () => {
  const bad = join(dir, 'bad.h5');
  const { lstmHeadWeights } = await import('../../fixtures/keras/lstm-head.js');
  const weights = lstmHeadWeights();
  const k = weights.get('lstm')![0];
  weights.get('lstm')![0] = { ...k, shape: [F, 3 * U1], data: k.data.subarray(0, F * 3 * U1) };
  await writeKerasH5(bad, { modelConfig: lstmHeadConfig(LSTM_REFERENCE.dims), weights });
  await assert.rejects(readKerasH5(bad), expectBenchError('BAD_H5', /layer "lstm" \(LSTM\): weight lstm\/lstm_cell\/kernel:0 has shape \[12, 30\]/));
});

test('openTemporalHead runs the .h5 on TF.js and an ONNX export on onnxruntime, both matching torch', async () => {
  const { openTemporalHead } = await import('../../../src/models/temporal-head.js');
  const { lstmHeadOnnx } = await import('../../fixtures/keras/lstm-head.js');
  const { writeFile } = await import('node:fs/promises');
  const onnxFile = join(dir, 'lstm_head.onnx');
  await writeFile(onnxFile, lstmHeadOnnx());
  // Unpadded windows: a plain ONNX export has no Masking.
  const cases = LSTM_REFERENCE.cases.filter((c) => c.name === 'full' || c.name.startsWith('short clip'));
  const batch = { data: Float32Array.from(cases.flatMap((c) => c.input)), dims: [cases.length, T, F] };
  for (const path of [file, onnxFile]) {
    const head = await openTemporalHead(path, { steps: T, dim: F });
    assert.equal(head.classes, K);
    const probs = await head.predict(batch);
    cases.forEach((c, i) => assert.ok(maxAbsDiff(probs.subarray(i * K, (i + 1) * K), c.probabilities) < 1e-5, `${head.engine} ${c.name}`));
    await assert.rejects(head.predict({ data: new Float32Array(T * (F + 1)), dims: [1, T, F + 1] }), expectBenchError('BAD_INPUT', /shape \[-1, 10, 12\]/));
    await head.dispose();
  }
  await assert.rejects(openTemporalHead(file, { steps: 10, dim: 512 }), expectBenchError('MODEL_IO_MISMATCH', /the input has shape \[\?, 10, 12\], windows are \[batch, 10, 512\]/));
  await assert.rejects(openTemporalHead(join(dir, 'head.pt')), expectBenchError('UNSUPPORTED_FORMAT', /\.h5 or an \.onnx/));
});
