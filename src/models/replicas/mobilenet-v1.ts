/**
 * MobileNet v1 as Keras builds it (`keras.applications.MobileNet`, alpha 1, no top): 3×3 stem and 13
 * depthwise-separable blocks, no conv biases, batch norm + ReLU6 everywhere, TensorFlow 'same' padding
 * (stride-2 layers pad only bottom/right). Then HSEmotion's mobilenet_7 head: average pooling
 * `global_pooling` (1024) → Dense 256 ReLU `feats`; the final Dense to the card's classes is added from
 * the heads. The input must already be NCHW (the replica builder transposes an NHWC input first).
 */
import { samePadding, type FeatureMap, type Layers } from './layers.js';
import type { Trunk } from './trunk.js';

/** [pointwise output channels, depthwise stride] of the 13 blocks. */
const BLOCKS: readonly (readonly [number, number])[] = [
  [64, 1],
  [128, 2],
  [128, 1],
  [256, 2],
  [256, 1],
  [512, 2],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [1024, 2],
  [1024, 1],
];
const STEM_CHANNELS = 32;
/** mobilenet_7's hidden Dense layer. */
const FEATS = 256;

export interface MobileNetV1Options {
  /** Width multiplier; default 1. */
  alpha?: number;
}

function samePads(x: FeatureMap, kernel: number, stride: number): [number, number, number, number] {
  const [top, bottom] = samePadding(x.height, kernel, stride);
  const [left, right] = samePadding(x.width, kernel, stride);
  return [top, left, bottom, right];
}

export function buildMobileNetV1(l: Layers, input: FeatureMap, opts: MobileNetV1Options = {}): Trunk {
  const alpha = opts.alpha ?? 1;
  const ch = (c: number) => Math.floor(c * alpha);
  let x = l.conv(input, { out: ch(STEM_CHANNELS), kernel: 3, stride: 2, pads: samePads(input, 3, 2), act: 'relu6' });
  for (const [out, stride] of BLOCKS) {
    x = l.depthwise(x, { kernel: 3, stride, pads: samePads(x, 3, stride), act: 'relu6' });
    x = l.conv(x, { out: ch(out), kernel: 1, act: 'relu6' });
  }
  const pooled = l.globalAvgPool(x);
  const feats = l.linear(pooled, FEATS, { act: 'relu' });
  return { taps: { global_pooling: pooled, feats }, embedding: pooled, penultimate: feats };
}
