/**
 * EfficientNet-B0/B2 trunks as timm's `efficientnet_b0/b2` (the non-`tf_` variants HSEmotion fine-tunes)
 * and torchvision build them: symmetric padding, SiLU, squeeze-excitation reduced from the block's
 * input channels (ratio 1/4), head conv to 4× the last stage width (1280 for B0, 1408 for B2), then global
 * average pooling. Parameter counts equal PyTorch's exactly (B0 4,007,548 and B2 7,700,994 without the
 * classifier).
 */
import type { FeatureMap, Layers } from './layers.js';
import type { Trunk } from './trunk.js';

export type EfficientNetVariant = 'b0' | 'b2';

/** Compound-scaling multipliers of each variant (input resolution is the card's). */
const SCALING: Record<EfficientNetVariant, { width: number; depth: number }> = {
  b0: { width: 1.0, depth: 1.0 },
  b2: { width: 1.1, depth: 1.2 },
};

/** B0 stages: [expand ratio, kernel, stride, output channels, repeats]. */
const STAGES: readonly (readonly [number, number, number, number, number])[] = [
  [1, 3, 1, 16, 1],
  [6, 3, 2, 24, 2],
  [6, 5, 2, 40, 2],
  [6, 3, 2, 80, 3],
  [6, 5, 1, 112, 3],
  [6, 5, 2, 192, 4],
  [6, 3, 1, 320, 1],
];
const STEM_CHANNELS = 32;
const SE_RATIO = 0.25;

/** Channel rounding shared by timm and torchvision: nearest multiple of 8, never more than 10% down. */
export function makeDivisible(v: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * v ? rounded + divisor : rounded;
}

/** MBConv: [1×1 expand] → depthwise k×k → SE → 1×1 project (linear), residual when shapes allow. */
function mbConv(l: Layers, x: FeatureMap, expand: number, kernel: number, stride: number, out: number): FeatureMap {
  const mid = x.channels * expand;
  let y = expand === 1 ? x : l.conv(x, { out: mid, kernel: 1, act: 'silu' });
  y = l.depthwise(y, { kernel, stride, act: 'silu' });
  y = l.squeezeExcite(y, Math.max(1, Math.floor(x.channels * SE_RATIO)), 'silu');
  const residual = stride === 1 && x.channels === out;
  y = l.conv(y, { out, kernel: 1, gain: residual ? 0.5 : 1 });
  return residual ? l.add(x, y) : y;
}

export function buildEfficientNet(l: Layers, input: FeatureMap, variant: EfficientNetVariant): Trunk {
  const { width, depth } = SCALING[variant];
  let x = l.conv(input, { out: makeDivisible(STEM_CHANNELS * width), kernel: 3, stride: 2, act: 'silu' });
  for (const [expand, kernel, stride, channels, repeats] of STAGES) {
    const out = makeDivisible(channels * width);
    const n = Math.ceil(repeats * depth);
    for (let i = 0; i < n; i++) x = mbConv(l, x, expand, kernel, i === 0 ? stride : 1, out);
  }
  x = l.conv(x, { out: 4 * x.channels, kernel: 1, act: 'silu' });
  const pooled = l.globalAvgPool(x);
  return { taps: {}, embedding: pooled, penultimate: pooled };
}
