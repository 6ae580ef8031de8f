/**
 * The TensorFlow.js replica of mobilenet_7 (`--replica` for the tfjs engine): the Keras graph of the
 * published file, layer for layer and name for name (Keras `MobileNet(alpha=1, include_top=False)` at
 * 224, then `global_pooling` (1024) → Dropout → Dense 256 ReLU `feats` → Dense 7 softmax
 * `emotion_preds`, as train_emotions.ipynb's `model.summary()` prints it), with seeded random weights.
 * It is rebuilt through the same Keras-config path as the real `.h5` (`adaptModelConfig` → tfjs
 * deserialiser), so its timing is that of the real model; its predictions mean nothing.
 *
 * `mobilenetV1KerasConfig` also makes the small MobileNets the Keras tests and the engine parity check use.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { ModelCard } from '../card.js';
import { tf } from '../engines/tfjs-backend.js';
import { KerasFunctionalBuilder } from '../keras/config-builder.js';
import { modelFromKerasConfig } from '../keras/load-h5.js';
import { adaptModelConfig, type KerasModelConfig } from '../keras/model-config.js';
import { SeededRandom } from './random.js';

/** [pointwise filters, depthwise stride] of Keras MobileNet v1's 13 blocks (alpha 1). */
const BLOCKS: readonly (readonly [number, number])[] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
];

export interface MobilenetKerasOptions {
  /** Input side; default 224. */
  size?: number;
  /** Width multiplier; default 1. */
  alpha?: number;
  /** How many of the 13 depthwise-separable blocks; default 13 (the tests use fewer). */
  blocks?: number;
  /** Units of the hidden Dense `feats`; default 256. */
  feats?: number;
  /** Classes of the softmax output; default 7. */
  classes?: number;
  /** Input layer name; default `input_1`. */
  inputName?: string;
  /** Output layer name; default `emotion_preds`. */
  outputName?: string;
}

/**
 * Keras MobileNet v1 + the HSEmotion head as a tf.keras 2.x model config. Layer names are Keras's:
 * `conv1_pad`, `conv1`, `conv1_bn`, `conv1_relu`, `conv_dw_N`, `conv_pw_N` (+ `_bn`, `_relu`), `conv_pad_N`
 * before each stride-2 depthwise (Keras pads (0,1),(0,1) and convolves 'valid' there).
 */
export function mobilenetV1KerasConfig(opts: MobilenetKerasOptions = {}): KerasModelConfig {
  const size = opts.size ?? 224;
  const alpha = opts.alpha ?? 1;
  const ch = (c: number) => Math.floor(c * alpha);
  const k = new KerasFunctionalBuilder('model_2');
  let x = k.input(opts.inputName ?? 'input_1', [size, size, 3]);
  x = k.zeroPadding2d(x, 'conv1_pad', [[0, 1], [0, 1]]);
  x = k.conv2d(x, 'conv1', { filters: ch(32), kernel: 3, strides: 2, padding: 'valid' });
  x = k.batchNorm(x, 'conv1_bn');
  x = k.relu(x, 'conv1_relu', 6);
  BLOCKS.slice(0, opts.blocks ?? BLOCKS.length).forEach(([filters, stride], i) => {
    const id = i + 1;
    if (stride === 2) x = k.zeroPadding2d(x, `conv_pad_${id}`, [[0, 1], [0, 1]]);
    x = k.depthwiseConv2d(x, `conv_dw_${id}`, { kernel: 3, strides: stride, padding: stride === 1 ? 'same' : 'valid' });
    x = k.batchNorm(x, `conv_dw_${id}_bn`);
    x = k.relu(x, `conv_dw_${id}_relu`, 6);
    x = k.conv2d(x, `conv_pw_${id}`, { filters: ch(filters), kernel: 1, padding: 'same' });
    x = k.batchNorm(x, `conv_pw_${id}_bn`);
    x = k.relu(x, `conv_pw_${id}_relu`, 6);
  });
  x = k.globalAveragePooling2d(x, 'global_pooling');
  x = k.dropout(x, 'dropout_1', 0.5);
  x = k.dense(x, 'feats', { units: opts.feats ?? 256, activation: 'relu', l2: 4e-5 });
  const out = k.dense(x, opts.outputName ?? 'emotion_preds', { units: opts.classes ?? 7, activation: 'softmax' });
  return k.build([out]);
}

/**
 * Sets seeded random weights on every layer, in a form that keeps activations in range through a deep
 * net: He-normal kernels (std √2/√fan_in; 1/√fan_in before the softmax), batch-norm statistics near
 * identity (gamma 1±0.1, beta/mean ±0.1, variance in [0.5, 1.5)), small biases. Same seed, same weights.
 */
export function seedKerasWeights(model: tfTypes.LayersModel, seed: number): void {
  const rng = new SeededRandom(seed);
  for (const layer of model.layers) {
    const variables = layer.trainableWeights.concat(layer.nonTrainableWeights);
    if (variables.length === 0) continue;
    // Every kernel but the classifier's feeds a rectifier (directly or after batch norm).
    const gain = layer.getConfig().activation === 'softmax' ? 1 : Math.SQRT2;
    const values = variables.map((v) => {
      const shape = v.shape as number[];
      const n = shape.reduce((a, b) => a * b, 1);
      const kind = v.originalName.split('/').pop();
      switch (kind) {
        case 'kernel':
        case 'pointwise_kernel':
        case 'depthwise_kernel': {
          // Keras layouts put the output channels last: fan_in is everything else (depthwise: kh·kw).
          const fanIn = kind === 'depthwise_kernel' ? shape[0] * shape[1] : n / shape[shape.length - 1];
          return tf.tensor(rng.normalArray(n, gain / Math.sqrt(fanIn)), shape);
        }
        case 'gamma':
          return tf.tensor(rng.normalArray(n, 0.1, 1), shape);
        case 'moving_variance':
          return tf.tensor(Float32Array.from({ length: n }, () => 0.5 + rng.uniform()), shape);
        default: // bias, beta, moving_mean
          return tf.tensor(rng.normalArray(n, 0.1), shape);
      }
    });
    try {
      layer.setWeights(values);
    } finally {
      tf.dispose(values);
    }
  }
}

export interface TfjsReplicaOptions {
  /** Seed of the random weights; default 0. */
  seed?: number;
}

/**
 * mobilenet_7's graph with random weights for the card's input size, classes, input name and
 * expression output name. Latency only: never report its predictions.
 */
export async function buildTfjsMobilenetReplica(card: ModelCard, opts: TfjsReplicaOptions = {}): Promise<tfTypes.LayersModel> {
  const config = mobilenetV1KerasConfig({
    size: card.input.size,
    classes: card.classes.length,
    inputName: card.input.name,
    outputName: card.heads.expression.output,
  });
  const where = `<${card.name} replica>`;
  const model = await modelFromKerasConfig(adaptModelConfig(config, where), where);
  seedKerasWeights(model, opts.seed ?? 0);
  return model;
}
