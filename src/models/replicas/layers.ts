/**
 * Network layers as ONNX nodes with seeded random weights, in the form an ONNX export of a trained
 * PyTorch/Keras model has: batch norm folded into the preceding convolution or linear layer (a bias),
 * SiLU as x·sigmoid(x), ReLU6 as Clip. Shapes travel with the tensor names (`FeatureMap`, `Vector`)
 * so architecture code never computes a spatial size by hand.
 *
 * Parameter accounting: the graph counts what an export holds (`OnnxGraph.paramCount`). PyTorch counts a
 * batch norm as scale + shift (running statistics are buffers) where the folded conv has one bias, so the
 * PyTorch count is the folded count plus one per folded batch-norm channel (`foldedBatchNormChannels`).
 */
import type { OnnxGraph } from './onnx-graph.js';
import type { SeededRandom } from './random.js';

/** An NCHW activation with its channel count and spatial size (batch is free). */
export interface FeatureMap {
  name: string;
  channels: number;
  height: number;
  width: number;
}

/** A [B, width] activation. */
export interface Vector {
  name: string;
  width: number;
}

export type Activation = 'none' | 'relu' | 'relu6' | 'silu' | 'prelu' | 'sigmoid';

export interface ConvOptions {
  /** Output channels. */
  out: number;
  /** Square kernel side. */
  kernel: number;
  /** Default 1. */
  stride?: number;
  /** Channel groups; `channels` for depthwise. Default 1. */
  group?: number;
  /** [top, left, bottom, right]; default kernel>>1 on every side (PyTorch's `padding=k//2`). */
  pads?: readonly [number, number, number, number];
  /** A batch norm follows (folded into a bias here, counted for PyTorch). Default true. */
  batchNorm?: boolean;
  /** Without batch norm: whether the conv has its own bias. Default true. */
  bias?: boolean;
  /** Applied after the (folded) batch norm. Default 'none'. */
  act?: Activation;
  /**
   * Weight std is gain·sqrt(1/fan_in). Default √2 before a rectifier-like activation (He init), 1 otherwise;
   * pass < 1 on the last layer of a residual branch so the sum does not grow block after block.
   */
  gain?: number;
}

export interface LinearOptions {
  /** A BatchNorm1d follows (folded into the bias). Default false. */
  batchNorm?: boolean;
  /** Without batch norm: whether the layer has a bias. Default true. */
  bias?: boolean;
  /** Default 'none'. */
  act?: Activation;
  /** As in `ConvOptions.gain`. */
  gain?: number;
}

/** Std of the random biases: small, so they shift activations without dominating them. */
const BIAS_STD = 0.05;
/** PyTorch's PReLU initial slope. */
const PRELU_SLOPE = 0.25;

/**
 * TensorFlow/Keras `padding='same'` for one axis: the extra pixel of an odd total goes after
 * (bottom/right), unlike PyTorch's symmetric padding. Returns [before, after].
 */
export function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [total >> 1, total - (total >> 1)];
}

function defaultGain(act: Activation): number {
  return act === 'none' || act === 'sigmoid' ? 1 : Math.SQRT2;
}

export class Layers {
  /** Channels whose batch norm was folded away: add to `g.paramCount()` for the PyTorch-style count. */
  foldedBatchNormChannels = 0;
  private clipLimits: [string, string] | undefined;

  constructor(
    readonly g: OnnxGraph,
    private readonly rng: SeededRandom,
  ) {}

  /** Conv2d (+ folded batch norm) (+ activation). */
  conv(x: FeatureMap, o: ConvOptions): FeatureMap {
    const stride = o.stride ?? 1;
    const group = o.group ?? 1;
    const p = o.kernel >> 1;
    const pads = o.pads ?? [p, p, p, p];
    const act = o.act ?? 'none';
    const batchNorm = o.batchNorm ?? true;
    if (x.channels % group !== 0 || o.out % group !== 0) {
      throw new Error(`conv: ${x.channels}→${o.out} channels do not split into ${group} groups`);
    }
    const inPerGroup = x.channels / group;
    const fanIn = inPerGroup * o.kernel * o.kernel;
    const std = (o.gain ?? defaultGain(act)) / Math.sqrt(fanIn);
    const w = this.g.param('conv_w', this.rng.normalArray(o.out * fanIn, std), [o.out, inPerGroup, o.kernel, o.kernel]);
    const inputs = [x.name, w];
    if (batchNorm || (o.bias ?? true)) inputs.push(this.g.param('conv_b', this.rng.normalArray(o.out, BIAS_STD), [o.out]));
    if (batchNorm) this.foldedBatchNormChannels += o.out;
    const y = this.g.op('Conv', inputs, {
      kernel_shape: [o.kernel, o.kernel],
      strides: [stride, stride],
      pads: [...pads],
      group,
      dilations: [1, 1],
    });
    const size = (n: number, before: number, after: number) => Math.floor((n + before + after - o.kernel) / stride) + 1;
    return {
      name: this.activate(y, act, o.out, 4),
      channels: o.out,
      height: size(x.height, pads[0], pads[2]),
      width: size(x.width, pads[1], pads[3]),
    };
  }

  /** Depthwise conv: one filter per channel, channel count unchanged. */
  depthwise(x: FeatureMap, o: Omit<ConvOptions, 'out' | 'group'>): FeatureMap {
    return this.conv(x, { ...o, out: x.channels, group: x.channels });
  }

  /** Squeeze-and-excitation: x · sigmoid(W2 act(W1 mean(x))), both 1×1 convs with bias (as in torchvision/timm). */
  squeezeExcite(x: FeatureMap, squeeze: number, act: Activation = 'silu'): FeatureMap {
    const pooled: FeatureMap = { name: this.g.op('GlobalAveragePool', [x.name]), channels: x.channels, height: 1, width: 1 };
    const s = this.conv(pooled, { out: squeeze, kernel: 1, batchNorm: false, act });
    const gate = this.conv(s, { out: x.channels, kernel: 1, batchNorm: false, act: 'sigmoid' });
    return { ...x, name: this.g.op('Mul', [x.name, gate.name]) };
  }

  /** Global average pool flattened to [B, C]. */
  globalAvgPool(x: FeatureMap): Vector {
    const pooled = this.g.op('GlobalAveragePool', [x.name]);
    return { name: this.g.op('Flatten', [pooled], { axis: 1 }), width: x.channels };
  }

  /** Flattens a map to [B, C·H·W] (PyTorch `flatten(1)` order). */
  flatten(x: FeatureMap): Vector {
    return { name: this.g.op('Flatten', [x.name], { axis: 1 }), width: x.channels * x.height * x.width };
  }

  maxPool(x: FeatureMap, kernel: number, stride: number, pad: number): FeatureMap {
    const y = this.g.op('MaxPool', [x.name], {
      kernel_shape: [kernel, kernel],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    });
    const size = (n: number) => Math.floor((n + 2 * pad - kernel) / stride) + 1;
    return { name: y, channels: x.channels, height: size(x.height), width: size(x.width) };
  }

  /** Linear layer as Gemm with a PyTorch-layout [out, in] weight (+ folded BatchNorm1d) (+ activation). */
  linear(x: Vector, out: number, o: LinearOptions = {}): Vector {
    const act = o.act ?? 'none';
    const batchNorm = o.batchNorm ?? false;
    const std = (o.gain ?? defaultGain(act)) / Math.sqrt(x.width);
    const w = this.g.param('fc_w', this.rng.normalArray(out * x.width, std), [out, x.width]);
    const inputs = [x.name, w];
    if (batchNorm || (o.bias ?? true)) inputs.push(this.g.param('fc_b', this.rng.normalArray(out, BIAS_STD), [out]));
    if (batchNorm) this.foldedBatchNormChannels += out;
    const y = this.g.op('Gemm', inputs, { transB: 1 });
    return { name: this.activate(y, act, out, 2), width: out };
  }

  /** Residual sum of two maps of the same shape. */
  add(a: FeatureMap, b: FeatureMap): FeatureMap {
    if (a.channels !== b.channels || a.height !== b.height || a.width !== b.width) {
      throw new Error(`add: shapes differ (${a.channels}×${a.height}×${a.width} vs ${b.channels}×${b.height}×${b.width})`);
    }
    return { ...a, name: this.g.op('Add', [a.name, b.name]) };
  }

  /** Columns [start, start+length) of a [B, W] vector. */
  slice(x: Vector, start: number, length: number): Vector {
    if (start < 0 || start + length > x.width) throw new Error(`slice [${start}, ${start + length}) outside width ${x.width}`);
    const i64 = (v: number) => this.g.constant('slice_arg', new BigInt64Array([BigInt(v)]), [1]);
    return { name: this.g.op('Slice', [x.name, i64(start), i64(start + length), i64(1)]), width: length };
  }

  /** Applies `act` to a tensor of `channels` channels on axis 1 of a rank-`rank` tensor. */
  activate(x: string, act: Activation, channels: number, rank: number): string {
    switch (act) {
      case 'none':
        return x;
      case 'relu':
        return this.g.op('Relu', [x]);
      case 'sigmoid':
        return this.g.op('Sigmoid', [x]);
      case 'silu':
        return this.g.op('Mul', [x, this.g.op('Sigmoid', [x])], {}, 'SiLU');
      case 'relu6': {
        // Opset ≥ 11 Clip takes its limits as inputs; one shared pair per graph.
        this.clipLimits ??= [
          this.g.constant('relu6_min', new Float32Array([0]), []),
          this.g.constant('relu6_max', new Float32Array([6]), []),
        ];
        return this.g.op('Clip', [x, ...this.clipLimits], {}, 'ReLU6');
      }
      case 'prelu': {
        // One learned slope per channel, shaped to broadcast over the trailing axes.
        const dims = [channels, ...new Array<number>(rank - 2).fill(1)];
        const slope = this.g.param('prelu_slope', new Float32Array(channels).fill(PRELU_SLOPE), dims);
        return this.g.op('PRelu', [x, slope]);
      }
    }
  }
}
