import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BenchError } from '../../../src/errors.js';
import { KerasFunctionalBuilder } from '../../../src/models/keras/config-builder.js';
import { adaptModelConfig, modelLayers, parseModelConfig, type JsonObject, type KerasModelConfig } from '../../../src/models/keras/model-config.js';
import { mobilenetV1KerasConfig } from '../../../src/models/replicas/tfjs-mobilenet.js';

function layer(config: KerasModelConfig, name: string): JsonObject {
  return modelLayers(config).find((l) => l.name === name)!.config;
}

function small(edit: (k: KerasFunctionalBuilder, x: string) => string): KerasModelConfig {
  const k = new KerasFunctionalBuilder();
  const x = k.input('input_1', [8, 8, 3]);
  return k.build([edit(k, x)]);
}

test('the mobilenet_7 config has the 91 layers, names and classes of the published model.summary()', () => {
  const summary = JSON.parse(readFileSync(new URL('../../fixtures/keras/mobilenet_7-summary.json', import.meta.url), 'utf8')) as { layers: [string, string][] };
  const layers = modelLayers(mobilenetV1KerasConfig());
  assert.equal(layers.length, summary.layers.length);
  layers.forEach((l, i) => {
    const [name, cls] = summary.layers[i];
    assert.equal(l.name, name);
    // model.summary() cuts class names to its column width ("BatchNormaliza").
    assert.ok(l.class_name.startsWith(cls), `${name}: ${l.class_name} vs ${cls}`);
  });
});

test('tf.keras 2.x config quirks are rewritten for tfjs', () => {
  const adapted = adaptModelConfig(mobilenetV1KerasConfig({ size: 32, blocks: 1 }), 'm.h5');
  assert.equal(layer(adapted, 'conv1_bn').axis, 3, 'a built BatchNormalization writes axis [3]');
  assert.equal(layer(adapted, 'feats').kernel_regularizer, null, "tfjs does not know tf.keras's L2 regularizer class");
  assert.equal('negative_slope' in layer(adapted, 'conv1_relu'), false);
  assert.equal('groups' in layer(adapted, 'conv1'), false);
  assert.equal(layer(adapted, 'conv1_relu').max_value, 6);
});

test('the input config is not modified in place', () => {
  const config = mobilenetV1KerasConfig({ size: 32, blocks: 1 });
  adaptModelConfig(config, 'm.h5');
  assert.deepEqual(layer(config, 'conv1_bn').axis, [3]);
  assert.equal((layer(config, 'feats').kernel_regularizer as JsonObject).class_name, 'L2');
});

test('a mixed-precision dtype policy becomes float32', () => {
  const config = small((k, x) => k.layer('Dense', 'd', { units: 2, dtype: { class_name: 'Policy', config: { name: 'mixed_float16' } } }, [x]));
  assert.equal(layer(adaptModelConfig(config, 'm.h5'), 'd').dtype, 'float32');
});

function assertUnsupported(config: KerasModelConfig, pattern: RegExp): void {
  assert.throws(
    () => adaptModelConfig(config, 'bad.h5'),
    (e: unknown) => e instanceof BenchError && e.code === 'UNSUPPORTED_LAYER' && e.file === 'bad.h5' && pattern.test(e.message),
  );
}

test('an unsupported layer is named with its class', () => {
  assertUnsupported(small((k, x) => k.layer('Lambda', 'my_lambda', { function: 'x' }, [x])), /layer "my_lambda" \(Lambda\) wraps Python code/);
  assertUnsupported(small((k, x) => k.layer('Conv3D', 'vol', {}, [x])), /layer "vol" \(Conv3D\) is not a layer class this loader rebuilds/);
  assertUnsupported(small((k, x) => k.layer('Functional', 'backbone', { layers: [] }, [x])), /"backbone" \(Functional\) is a nested model/);
});

test('layer options TF.js would silently drop are refused', () => {
  assertUnsupported(small((k, x) => k.layer('ReLU', 'leaky', { max_value: null, negative_slope: 0.1, threshold: 0 }, [x])), /"leaky" \(ReLU\) has negative_slope 0.1/);
  assertUnsupported(small((k, x) => k.layer('GlobalAveragePooling2D', 'gap', { keepdims: true }, [x])), /"gap" .*keepdims/);
  assertUnsupported(small((k, x) => k.layer('Conv2D', 'gconv', { filters: 4, kernel_size: [1, 1], groups: 2 }, [x])), /"gconv" \(Conv2D\) is a grouped convolution/);
  assertUnsupported(small((k, x) => k.dense(x, 'd', { units: 2, activation: 'gelu' })), /"d" \(Dense\) uses activation "gelu"/);
  assertUnsupported(small((k, x) => k.layer('BatchNormalization', 'bn2', { axis: [1, 2] }, [x])), /"bn2" .*axes \[1,2\]/);
});

test('Keras 3 files and subclassed models are UNSUPPORTED_FORMAT', () => {
  const config = small((k, x) => k.dense(x, 'd', { units: 2 }));
  const isFormat = (e: unknown) => e instanceof BenchError && e.code === 'UNSUPPORTED_FORMAT';
  assert.throws(() => adaptModelConfig(config, 'k3.h5', '3.3.3'), isFormat);
  assert.throws(() => adaptModelConfig({ ...config, class_name: 'MyModel' }, 'sub.h5'), isFormat);
});

test('model_config that is not JSON or not a model is BAD_H5', () => {
  const isBad = (e: unknown) => e instanceof BenchError && e.code === 'BAD_H5' && e.file === 'x.h5';
  assert.throws(() => parseModelConfig('{"class_name": "Functional", ', 'x.h5'), isBad);
  assert.throws(() => parseModelConfig('[1, 2]', 'x.h5'), isBad);
});
