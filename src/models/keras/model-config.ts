/**
 * The Keras 2 `model_config` (the JSON a `.h5` file carries in its root attribute of that name, as
 * `model.to_json()` writes it) checked and adapted for TensorFlow.js's Keras deserialiser.
 *
 * tfjs-layers reads Keras 2 configs, but tf.keras 2.x writes a few things it does not take, and a few
 * layer options it would silently ignore and so compute something else. The first kind is rewritten
 * here; the second is refused with `UNSUPPORTED_LAYER` naming the layer, its class and the option, so
 * no model runs with a different graph than the one saved:
 * - regularizers and constraints (training-only; tf.keras ≥ 2.3 writes `L2`, which tfjs does not know) → dropped;
 * - dtype policies (`{"class_name": "Policy"}`, mixed precision) → `float32` (the saved weights are float32);
 * - BatchNormalization `axis: [3]` (a built layer's list) → `3`;
 * - LSTM `time_major`/`implementation` (the layout is checked, the gate batching does not change the result) → dropped;
 * - ReLU `negative_slope`/`threshold`, pooling `keepdims`, Conv2D `groups` > 1, time-major, stateful or
 *   state-returning LSTMs, ragged/sparse inputs,
 *   nested models, custom or Lambda layers → refused.
 * Only the layer classes in `SUPPORTED_LAYERS` are accepted.
 */
import { BenchError } from '../../errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface KerasLayerConfig {
  class_name: string;
  name?: string;
  config: JsonObject;
  inbound_nodes?: Json;
}

export interface KerasModelConfig {
  class_name: string;
  /** Functional/Model: `{name, layers, input_layers, output_layers}`; Sequential: that or a bare layer list. */
  config: JsonObject | Json[];
}

/** Layer classes rebuilt through tfjs-layers (the ones MobileNet-style Keras 2 models are made of, and their kin). */
export const SUPPORTED_LAYERS: ReadonlySet<string> = new Set([
  'InputLayer',
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'BatchNormalization',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'Softmax',
  'Activation',
  'Dense',
  'Dropout',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'ZeroPadding2D',
  'Flatten',
  'Reshape',
  'Add',
  'Multiply',
  'Concatenate',
  'Average',
  'Maximum',
  'Minimum',
  // The temporal heads (EMO-AffectNet: Masking → LSTM → Dropout → LSTM → Dropout → Dense).
  'Masking',
  'LSTM',
]);

/** Activation names (Keras spelling) tfjs computes the same way Keras does. */
const SUPPORTED_ACTIVATIONS: ReadonlySet<string> = new Set([
  'linear',
  'relu',
  'relu6',
  'sigmoid',
  'hard_sigmoid',
  'softmax',
  'tanh',
  'elu',
  'selu',
  'softplus',
  'softsign',
  'swish',
]);

const MAX_INPUT_DIM = 4096;

const MODEL_CLASSES: ReadonlySet<string> = new Set(['Functional', 'Model', 'Sequential']);

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses the `model_config` attribute; BAD_H5 when it is not a Keras model description. */
export function parseModelConfig(text: string, file: string): KerasModelConfig {
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (e) {
    throw new BenchError('BAD_H5', `${file}: the model_config attribute is not valid JSON (${(e as Error).message})`, {
      file,
      fix: 'the file is damaged or was not written by Keras: download it again',
      cause: e,
    });
  }
  if (!isObject(parsed) || typeof parsed.class_name !== 'string' || parsed.config === undefined || parsed.config === null) {
    throw new BenchError('BAD_H5', `${file}: model_config has no class_name/config, so it is not a Keras model description`, {
      file,
      fix: 'use a .h5 written by Keras `model.save()` (a full model, not `save_weights`)',
    });
  }
  return parsed as unknown as KerasModelConfig;
}

/** The layer list of a model config (Functional, or Sequential in either of its two spellings). */
export function modelLayers(model: KerasModelConfig): KerasLayerConfig[] {
  const c = model.config;
  const layers = Array.isArray(c) ? c : c.layers;
  return Array.isArray(layers) ? (layers as unknown as KerasLayerConfig[]) : [];
}

/** A layer's name: the entry's own `name` (Functional) or its config's (Sequential). */
export function layerName(layer: KerasLayerConfig): string {
  const n = layer.name ?? layer.config?.name;
  return typeof n === 'string' ? n : '?';
}

function unsupported(file: string, layer: KerasLayerConfig, why: string): BenchError {
  return new BenchError('UNSUPPORTED_LAYER', `${file}: layer "${layerName(layer)}" (${layer.class_name}) ${why}`, {
    file,
    fix: 'export the model to ONNX (tf2onnx) and run that file, or rebuild it from supported layers: ' + [...SUPPORTED_LAYERS].join(', '),
  });
}

/** Keras 3 files have per-object `module`/`registered_name` keys and a different node format. */
function isKeras3(model: KerasModelConfig, layers: KerasLayerConfig[]): boolean {
  const o = model as unknown as JsonObject;
  return 'module' in o || 'registered_name' in o || layers.some((l) => isObject(l as unknown as Json) && 'module' in (l as unknown as JsonObject));
}

/** Rewrites or refuses one layer config in place; see the module comment. */
function adaptLayer(layer: KerasLayerConfig, file: string): void {
  const cls = layer.class_name;
  if (MODEL_CLASSES.has(cls)) throw unsupported(file, layer, 'is a nested model, whose weights Keras stores in a different order');
  if (!SUPPORTED_LAYERS.has(cls)) {
    const why = cls === 'Lambda' || cls === 'TFOpLambda' || cls === 'SlicingOpLambda' ? 'wraps Python code, which TF.js cannot run' : 'is not a layer class this loader rebuilds';
    throw unsupported(file, layer, why);
  }
  const c = layer.config;
  if (!isObject(c)) throw unsupported(file, layer, 'has no config object');

  for (const key of Object.keys(c)) {
    // Training-only; tfjs knows only the L1L2 regularizer class and no tf.keras ≥ 2.3 names.
    if (key.endsWith('_regularizer') || key.endsWith('_constraint')) c[key] = null;
  }
  if (isObject(c.dtype)) {
    const policy = isObject(c.dtype.config) ? c.dtype.config.name : undefined;
    if (policy !== 'float32' && policy !== 'mixed_float16' && policy !== 'mixed_bfloat16') {
      throw unsupported(file, layer, `has dtype policy ${JSON.stringify(policy)}`);
    }
    c.dtype = 'float32';
  } else if (c.dtype !== undefined && c.dtype !== null && c.dtype !== 'float32') {
    throw unsupported(file, layer, `has dtype ${JSON.stringify(c.dtype)} (only float32 is supported)`);
  }
  for (const key of ['activation', 'recurrent_activation']) {
    const act = c[key];
    if (act !== undefined && act !== null && (typeof act !== 'string' || !SUPPORTED_ACTIVATIONS.has(act))) {
      throw unsupported(file, layer, `uses ${key.replace('_', ' ')} ${JSON.stringify(act)}`);
    }
  }

  switch (cls) {
    case 'InputLayer':
      if (c.ragged === true || c.sparse === true) throw unsupported(file, layer, 'takes ragged or sparse input');
      // Shapes size what follows (a Flatten into a Dense): no face model takes more than 4096 per axis.
      for (const key of ['batch_input_shape', 'batch_shape']) {
        const shape = c[key];
        if (shape !== undefined && (!Array.isArray(shape) || shape.some((d) => d !== null && !(Number.isInteger(d) && (d as number) >= 1 && (d as number) <= MAX_INPUT_DIM)))) {
          throw badGraph(file, `input layer "${layerName(layer)}" has ${key} ${JSON.stringify(shape)?.slice(0, 80)} (each axis null or 1..${MAX_INPUT_DIM})`);
        }
      }
      break;
    case 'BatchNormalization':
      if (Array.isArray(c.axis)) {
        if (c.axis.length !== 1 || typeof c.axis[0] !== 'number') throw unsupported(file, layer, `normalises over axes ${JSON.stringify(c.axis)}`);
        c.axis = c.axis[0];
      }
      if (c.renorm === true) throw unsupported(file, layer, 'uses batch renormalisation');
      break;
    case 'ReLU':
      if ((typeof c.negative_slope === 'number' && c.negative_slope !== 0) || (typeof c.threshold === 'number' && c.threshold !== 0)) {
        throw unsupported(file, layer, `has negative_slope ${c.negative_slope} / threshold ${c.threshold} (TF.js's ReLU has only max_value)`);
      }
      delete c.negative_slope;
      delete c.threshold;
      break;
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      if (c.keepdims === true) throw unsupported(file, layer, 'keeps the pooled dimensions (keepdims), which TF.js cannot');
      delete c.keepdims;
      break;
    case 'Conv2D':
    case 'DepthwiseConv2D':
    case 'SeparableConv2D':
      if (typeof c.groups === 'number' && c.groups !== 1) throw unsupported(file, layer, `is a grouped convolution (groups ${c.groups})`);
      delete c.groups;
      break;
    case 'LSTM':
      // tfjs's LSTM is batch-major, stateless and returns one tensor; it would read these options wrongly or not at all.
      if (c.time_major === true) throw unsupported(file, layer, 'is time-major (time_major), which TF.js cannot run');
      if (c.stateful === true) throw unsupported(file, layer, 'is stateful');
      if (c.return_state === true) throw unsupported(file, layer, 'returns its states (return_state)');
      delete c.time_major;
      // Keras's implementation 1/2 differ only in how the gates are batched, not in the result.
      delete c.implementation;
      break;
  }
}

function badGraph(file: string, message: string): BenchError {
  return new BenchError('BAD_H5', `${file}: model_config ${message}`, { file, fix: 'the file is damaged or was not written by Keras: download it again' });
}

/**
 * Checks that a Functional model's layer graph can be built, before tfjs-layers tries: its deserialiser
 * re-queues a node whose input layer (or input node) does not exist yet and loops until none is left, so a
 * reference to a missing layer, a node index past what that layer will have, or a cycle would spin forever.
 * This replays its queue on names and node counts only: unique layer names, well-formed references
 * `[layer, node, tensor, kwargs?]`, and every node eventually built.
 */
function checkLayerGraph(layers: KerasLayerConfig[], file: string): void {
  type Ref = { layer: string; node: number };
  const pending = new Map<string, Ref[][]>();
  const built = new Map<string, number>();
  for (const layer of layers) {
    const name = layer.name;
    if (typeof name !== 'string' || name === '') throw badGraph(file, `has a layer without a name (${layer.class_name})`);
    if (built.has(name)) throw badGraph(file, `names two layers "${name}"`);
    if (layer.config.name !== undefined && layer.config.name !== name) throw badGraph(file, `layer "${name}" calls itself "${String(layer.config.name)}" in its config`);
    const nodes = layer.inbound_nodes ?? [];
    if (!Array.isArray(nodes)) throw badGraph(file, `layer "${name}" has inbound_nodes that are not a list`);
    const calls = nodes.map((node, n) => {
      if (!Array.isArray(node)) throw badGraph(file, `layer "${name}" node ${n} is not a list of inputs`);
      return node.map((ref) => {
        const ok = Array.isArray(ref) && typeof ref[0] === 'string' && Number.isInteger(ref[1]) && (ref[1] as number) >= 0 && Number.isInteger(ref[2]) && (ref[2] as number) >= 0;
        if (!ok) throw badGraph(file, `layer "${name}" node ${n} has the input ${JSON.stringify(ref)?.slice(0, 80)}, not [layer, node, tensor, kwargs]`);
        return { layer: ref[0] as string, node: ref[1] as number };
      });
    });
    if (calls.length > 0) pending.set(name, calls);
    // An input layer makes its one node when it is created; other layers make one per call.
    built.set(name, layer.class_name === 'InputLayer' ? 1 : 0);
  }
  for (let progress = true; progress; ) {
    progress = false;
    for (const [name, nodes] of pending) {
      const ready = nodes.filter((inputs) => inputs.every((r) => (built.get(r.layer) ?? 0) > r.node));
      if (ready.length === 0) continue;
      for (const inputs of ready) if (inputs.length > 0) built.set(name, built.get(name)! + 1);
      const left = nodes.filter((n) => !ready.includes(n));
      if (left.length) pending.set(name, left);
      else pending.delete(name);
      progress = true;
    }
  }
  for (const [name, nodes] of pending) {
    const missing = nodes[0].find((r) => (built.get(r.layer) ?? 0) <= r.node)!;
    const why = built.has(missing.layer) ? `node ${missing.node} of layer "${missing.layer}", which never gets that many nodes (a cycle, or a bad index)` : `layer "${missing.layer}", which the config does not define`;
    throw badGraph(file, `layer "${name}" takes its input from ${why}`);
  }
}

/**
 * A copy of `model` that tfjs-layers can deserialise into the same graph; throws UNSUPPORTED_FORMAT
 * (Keras 3, unknown model class) or UNSUPPORTED_LAYER (first offending layer).
 */
export function adaptModelConfig(model: KerasModelConfig, file: string, kerasVersion?: string): KerasModelConfig {
  const copy = JSON.parse(JSON.stringify(model)) as KerasModelConfig;
  const layers = modelLayers(copy);
  if ((kerasVersion && /^3\./.test(kerasVersion)) || isKeras3(copy, layers)) {
    throw new BenchError('UNSUPPORTED_FORMAT', `${file} was written by Keras 3${kerasVersion ? ` (${kerasVersion})` : ''}; only Keras 2 / tf.keras .h5 files are read`, {
      file,
      fix: 'save the model with tf.keras 2 (TF ≤ 2.15), or export it to ONNX and run that file',
    });
  }
  if (!MODEL_CLASSES.has(copy.class_name)) {
    throw new BenchError('UNSUPPORTED_FORMAT', `${file}: model class ${copy.class_name} is not a Keras Functional or Sequential model`, {
      file,
      fix: 'subclassed Keras models keep no architecture in the file: export the model to ONNX instead',
    });
  }
  if (layers.length === 0) {
    throw new BenchError('BAD_H5', `${file}: model_config lists no layers`, { file, fix: 'the file is damaged: download it again' });
  }
  layers.forEach((layer, i) => {
    if (!isObject(layer as unknown as Json) || typeof layer.class_name !== 'string') {
      throw new BenchError('BAD_H5', `${file}: model_config layer ${i} is ${JSON.stringify(layer)?.slice(0, 80)}, not a layer description`, {
        file,
        fix: 'the file is damaged or was not written by Keras: download it again',
      });
    }
    adaptLayer(layer, file);
  });
  if (copy.class_name !== 'Sequential') checkLayerGraph(layers, file);
  return copy;
}
