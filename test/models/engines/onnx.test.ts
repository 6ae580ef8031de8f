// The ONNX engine on a real onnxruntime-node session: I/O checked against the card, devices mapped to
// execution providers with clear errors, heads read from (slices of) outputs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelCard } from '../../../src/models/card.js';
import { createOnnxEngine, onnxDeviceSupport } from '../../../src/models/engines/onnx.js';
import { readHeads } from '../../../src/models/engines/heads.js';
import { expectBenchError } from '../../expect-error.js';
import { TINY_FILE, TINY_SIZE, tinyCardInput, tinyModelBytes } from '../../bench/tiny-model.js';

let dir: string;
const card = ModelCard.parse(tinyCardInput());
const bytes = tinyModelBytes();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fer-onnx-'));
});
after(async () => rm(dir, { recursive: true, force: true }));

test('runs a batch and reads the expression, valence and arousal heads from slices of one output', async () => {
  const engine = await createOnnxEngine(card, { bytes });
  try {
    assert.equal(engine.info.engine, 'onnxruntime-node');
    assert.equal(engine.info.backend, 'cpu');
    assert.deepEqual(engine.inputShape, [-1, 3, TINY_SIZE, TINY_SIZE]);
    const n = 3;
    const data = new Float32Array(n * 3 * TINY_SIZE * TINY_SIZE).map((_, i) => ((i % 97) - 48) / 48);
    const out = await engine.run({ data, dims: [n, 3, TINY_SIZE, TINY_SIZE] });
    assert.deepEqual(out.output.dims, [n, 10]);
    const heads = readHeads(card, out, n);
    assert.equal(heads.length, n);
    for (let i = 0; i < n; i++) {
      assert.deepEqual(Array.from(heads[i].scores), Array.from(out.output.data.subarray(i * 10, i * 10 + 8)));
      assert.equal(heads[i].valence, out.output.data[i * 10 + 8]);
      assert.equal(heads[i].arousal, out.output.data[i * 10 + 9]);
    }
  } finally {
    await engine.dispose();
  }
});

test('a file whose input or outputs differ from the card names every mismatch', async () => {
  const file = join(dir, 'tiny.onnx');
  await writeFile(file, bytes);
  const wrong = ModelCard.parse({
    ...tinyCardInput(),
    input: { ...tinyCardInput().input, name: 'pixels', size: 224 },
    heads: { expression: { output: 'logits', kind: 'logits' } },
  });
  await assert.rejects(createOnnxEngine(wrong, { path: file }), expectBenchError('MODEL_IO_MISMATCH', /input "pixels" not found/, /output "logits" not found/, /tiny\.onnx/));
  const wrongSize = ModelCard.parse({ ...tinyCardInput(), input: { ...tinyCardInput().input, size: 224 } });
  await assert.rejects(createOnnxEngine(wrongSize, { path: file }), expectBenchError('MODEL_IO_MISMATCH', /shape \[-1, 3, 32, 32\], the card expects \[-1, 3, 224, 224\]/));
});

test('a corrupt file is refused with the file and the fix: the card\'s own file is damaged, any other one is the wrong file', async () => {
  const own = join(dir, TINY_FILE);
  await writeFile(own, bytes.subarray(0, 200));
  const withUrl = ModelCard.parse({ ...tinyCardInput(), weights: { ...tinyCardInput().weights, url: 'https://example.org/tiny.onnx' } });
  await assert.rejects(createOnnxEngine(withUrl, { path: own }), expectBenchError('UNSUPPORTED_FORMAT', new RegExp(`damaged or not ONNX: delete .*${TINY_FILE} and run \`bench pull`)));
  const file = join(dir, 'corrupt.onnx');
  await writeFile(file, bytes.subarray(0, 200));
  await assert.rejects(
    createOnnxEngine(card, { path: file }),
    expectBenchError('UNSUPPORTED_FORMAT', /corrupt\.onnx is not a valid ONNX model: pass the ONNX file of .* with --weights, or leave --weights out/),
  );
});

test('devices: cpu is available; a provider this binary lacks is named with how to get it', async () => {
  assert.deepEqual(await onnxDeviceSupport('cpu'), { ok: true });
  const wasm = await onnxDeviceSupport('wasm');
  assert.equal(wasm.ok, false);
  for (const device of ['cuda', 'dml', 'coreml'] as const) {
    const support = await onnxDeviceSupport(device);
    if (support.ok) continue; // a machine that has it
    await assert.rejects(createOnnxEngine(card, { bytes }, { device }), expectBenchError('DEVICE_UNAVAILABLE', new RegExp(`device "${device}"`)));
  }
});
