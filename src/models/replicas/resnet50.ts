/**
 * ResNet-50 (23,508,032 parameters without the classifier, in either layout):
 *  - layout `torchvision` (v1.5): the stride sits on the 3×3 conv of a bottleneck, stem max-pool padded;
 *  - layout `vggface2`: the Keras VGGFace2 ResNet-50 EMO-AffectNet fine-tunes (keras_vggface): the
 *    stride sits on the first 1×1 conv, the stem conv pads TF-'same' and the max-pool does not pad
 *    (so stages run at 55/28/14/7 instead of 56/28/14/7).
 * and either head:
 *  - `linear`: the pooled 2048 features feed the final classifier (torchvision `fc`);
 *  - `features512`: EMO-AffectNet's Dense 2048 → 512 ReLU `features` before the classifier.
 */
import { samePadding, type FeatureMap, type Layers } from './layers.js';
import type { Trunk } from './trunk.js';

export interface ResNet50Options {
  /** Default `torchvision`. */
  layout?: 'torchvision' | 'vggface2';
  /** Default `linear`. */
  head?: 'linear' | 'features512';
}

/** [bottleneck width, blocks, first stride] per stage; output channels are 4× the width. */
const STAGES: readonly (readonly [number, number, number])[] = [
  [64, 3, 1],
  [128, 4, 2],
  [256, 6, 2],
  [512, 3, 2],
];
const EXPANSION = 4;
/** EMO-AffectNet's hidden layer. */
const EMO_FEATURES = 512;

function bottleneck(l: Layers, x: FeatureMap, width: number, stride: number, strideOnReduce: boolean): FeatureMap {
  const out = width * EXPANSION;
  let y = l.conv(x, { out: width, kernel: 1, stride: strideOnReduce ? stride : 1, act: 'relu' });
  y = l.conv(y, { out: width, kernel: 3, stride: strideOnReduce ? 1 : stride, act: 'relu' });
  y = l.conv(y, { out, kernel: 1, gain: 0.5 }); // damped so 16 residual sums stay O(1)
  const shortcut = stride !== 1 || x.channels !== out ? l.conv(x, { out, kernel: 1, stride }) : x;
  const sum = l.add(shortcut, y);
  return { ...sum, name: l.activate(sum.name, 'relu', out, 4) };
}

export function buildResNet50(l: Layers, input: FeatureMap, opts: ResNet50Options = {}): Trunk {
  const vgg = (opts.layout ?? 'torchvision') === 'vggface2';
  const [top, bottom] = samePadding(input.height, 7, 2);
  const [left, right] = samePadding(input.width, 7, 2);
  let x = l.conv(input, { out: 64, kernel: 7, stride: 2, act: 'relu', pads: vgg ? [top, left, bottom, right] : undefined });
  x = l.maxPool(x, 3, 2, vgg ? 0 : 1);
  for (const [width, blocks, stride] of STAGES) {
    for (let i = 0; i < blocks; i++) x = bottleneck(l, x, width, i === 0 ? stride : 1, vgg);
  }
  const pooled = l.globalAvgPool(x);
  if ((opts.head ?? 'linear') === 'linear') return { taps: {}, embedding: pooled, penultimate: pooled };
  const features = l.linear(pooled, EMO_FEATURES, { act: 'relu' });
  return { taps: { pooled, features }, embedding: features, penultimate: features };
}
