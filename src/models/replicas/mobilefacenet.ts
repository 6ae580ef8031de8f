/**
 * MobileFaceNet in its common PyTorch form (InsightFace_Pytorch / face.evoLVe `MobileFaceNet(512)`), the
 * backbone of HSEmotion's mbf_va_mtl at 112×112: conv blocks are conv + batch norm + PReLU, bottlenecks
 * are 1×1 expand → 3×3 depthwise → 1×1 linear projection, a global depthwise conv (kernel = the final
 * spatial size, 7 at 112) replaces pooling, then Linear(512, 512, no bias) + BatchNorm1d gives the
 * 512-d embedding. 1,200,512 parameters PyTorch-style before the classifier.
 */
import type { FeatureMap, Layers } from './layers.js';
import type { Trunk } from './trunk.js';

const EMBEDDING = 512;

/** 1×1 expand to `groups` channels → depthwise → 1×1 project to `out`; residual when `residual`. */
function depthWise(l: Layers, x: FeatureMap, out: number, groups: number, stride: number, residual: boolean): FeatureMap {
  let y = l.conv(x, { out: groups, kernel: 1, act: 'prelu' });
  y = l.depthwise(y, { kernel: 3, stride, act: 'prelu' });
  y = l.conv(y, { out, kernel: 1, gain: residual ? 0.5 : 1 });
  return residual ? l.add(x, y) : y;
}

/**
 * Per stage: [output channels, expansion of the strided transition block, expansion of the residual
 * blocks, residual blocks].
 */
const STAGES: readonly (readonly [number, number, number, number])[] = [
  [64, 128, 128, 4],
  [128, 256, 256, 6],
  [128, 512, 256, 2],
];

export function buildMobileFaceNet(l: Layers, input: FeatureMap): Trunk {
  let x = l.conv(input, { out: 64, kernel: 3, stride: 2, act: 'prelu' });
  x = l.depthwise(x, { kernel: 3, act: 'prelu' });
  for (const [out, transitionGroups, groups, blocks] of STAGES) {
    x = depthWise(l, x, out, transitionGroups, 2, false);
    for (let i = 0; i < blocks; i++) x = depthWise(l, x, out, groups, 1, true);
  }
  x = l.conv(x, { out: EMBEDDING, kernel: 1, act: 'prelu' });
  // Global depthwise conv: one k×k filter per channel over the whole map (k = 7 at 112).
  if (x.height !== x.width) throw new Error(`mobilefacenet: final map ${x.height}×${x.width} is not square`);
  x = l.depthwise(x, { kernel: x.height, pads: [0, 0, 0, 0] });
  const embedding = l.linear(l.flatten(x), EMBEDDING, { batchNorm: true });
  return { taps: {}, embedding, penultimate: embedding };
}
