import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { copyFile } from 'node:fs/promises';
import fc from 'fast-check';
import h5wasm from 'h5wasm/node';
import { h5Ready } from '../../src/models/keras/h5.js';
import { readKerasH5 } from '../../src/models/keras/load-h5.js';
import { adaptModelConfig, parseModelConfig } from '../../src/models/keras/model-config.js';
import { tinyMobilenetConfig, writeTinyH5 } from '../fixtures/keras/tiny-mobilenet.js';
import { tempDir } from '../datasets/tmpdir.js';
import { expectBenchError } from '../expect-error.js';
import { assertBenchFailure, FUZZ_TEST_TIMEOUT, fuzzParams, mutatedBytes, mutatedJson, resultOrBenchError } from './fuzz.js';

const CONFIG = tinyMobilenetConfig();
const CONFIG_TEXT = JSON.stringify(CONFIG);

/** A copy of the valid tiny `.h5` at `file` whose root `model_config` attribute is `text`. */
async function withModelConfig(base: string, file: string, text: string): Promise<void> {
  await copyFile(base, file);
  await h5Ready();
  const f = new h5wasm.File(file, 'a');
  try {
    f.delete_attribute('model_config');
    f.create_attribute('model_config', text);
  } finally {
    f.close();
  }
}

/** model_config texts: field-level edits of the real config, byte edits of its JSON, arbitrary JSON. */
const configText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: mutatedJson(CONFIG, 3).map((j) => JSON.stringify(j) ?? ''), weight: 5 },
  mutatedBytes(new TextEncoder().encode(CONFIG_TEXT), 3).map((b) => new TextDecoder().decode(b)),
  fc.jsonValue({ maxDepth: 3 }).map((j) => JSON.stringify(j) ?? ''),
);

test('fuzz Keras model_config (parse + adapt): mutated configs adapt or fail as a BenchError naming the file', { timeout: FUZZ_TEST_TIMEOUT }, () => {
  const file = '/fuzz/model.h5';
  fc.assert(
    fc.property(configText, (text) => {
      try {
        adaptModelConfig(parseModelConfig(text, file), file);
      } catch (e) {
        assertBenchFailure(e, file);
      }
    }),
    fuzzParams(600, 601),
  );
});

test('fuzz Keras .h5: a real tiny .h5 with a mutated model_config loads or fails as a BenchError naming the file', { timeout: FUZZ_TEST_TIMEOUT }, async () => {
  const dir = await tempDir('fuzz-h5');
  const base = path.join(dir, 'base.h5');
  await writeTinyH5(base);
  const file = path.join(dir, 'model.h5');
  await fc.assert(
    fc.asyncProperty(configText, async (text) => {
      await withModelConfig(base, file, text);
      await resultOrBenchError(
        () => readKerasH5(file),
        ({ model, info }) => {
          assert.ok(info.layerClasses.length > 0);
          model.dispose();
        },
        file,
      );
    }),
    fuzzParams(40, 602, 8000),
  );
});

test('fuzz Keras .h5: regressions found by the fuzzer', async () => {
  const file = '/fuzz/model.h5';
  const edit = (f: (c: typeof CONFIG) => void) => {
    const c = structuredClone(CONFIG);
    f(c);
    return () => adaptModelConfig(c, file);
  };
  const layers = (c: typeof CONFIG) => (c.config as { layers: Array<Record<string, unknown>> }).layers;
  // A layer entry that is not an object threw a TypeError ('module' in "").
  assert.throws(edit((c) => (layers(c)[0] = '' as never)), expectBenchError('BAD_H5', /layer 0 is ""/, /download it again/));
  // An input from a layer the config does not define, a node index past what a layer has, or a cycle made
  // tfjs-layers' deserialiser loop forever (the process hung).
  assert.throws(edit((c) => ((layers(c)[3].inbound_nodes as unknown[][][])[0][0][0] = '15')), expectBenchError('BAD_H5', /"15", which the config does not define/));
  assert.throws(edit((c) => ((layers(c)[3].inbound_nodes as unknown[][][])[0][0][1] = 1)), expectBenchError('BAD_H5', /never gets that many nodes/));
  assert.throws(edit((c) => ((layers(c)[1].inbound_nodes as unknown[][][])[0][0][0] = layers(c)[3].name)), expectBenchError('BAD_H5', /never gets that many nodes/));
  // And through the real loader, on a real file: refused, not hung.
  const dir = await tempDir('fuzz-h5-regress');
  const base = path.join(dir, 'base.h5');
  await writeTinyH5(base);
  const bad = structuredClone(CONFIG);
  (layers(bad)[3].inbound_nodes as unknown[][][])[0][0][0] = '15';
  await withModelConfig(base, path.join(dir, 'm.h5'), JSON.stringify(bad));
  await assert.rejects(readKerasH5(path.join(dir, 'm.h5')), expectBenchError('BAD_H5', /m\.h5/, /"15"/));
  // A Dense of 30 million units made tfjs allocate ~5 GB (15 s) and broke its wasm backend for the process;
  // a huge input shape would do the same through Flatten → Dense.
  const big = structuredClone(CONFIG);
  layers(big).at(-2)!.config = { ...(layers(big).at(-2)!.config as object), units: 30_000_000 };
  await withModelConfig(base, path.join(dir, 'm.h5'), JSON.stringify(big));
  await assert.rejects(readKerasH5(path.join(dir, 'm.h5')), expectBenchError('BAD_H5', /units 30000000, larger than any saved array \(largest dimension 32\)/, /damaged/));
  assert.throws(
    edit((c) => ((layers(c)[0].config as Record<string, unknown>).batch_input_shape = [null, 100000, 32, 3])),
    expectBenchError('BAD_H5', /batch_input_shape \[null,100000,32,3\]/),
  );
  // The real file still loads after all these checks.
  (await readKerasH5(base)).model.dispose();
});
