/**
 * Architecture replicas (`--replica`): when a model's weights are absent, build an ONNX graph with the
 * card's architecture, input and outputs and seeded random weights, so latency and throughput can be
 * measured anywhere. Its predictions mean nothing: every replica carries the metadata entry
 * `fer_bench_replica = 'true'` (see `replicaStamp`), and results computed from one must be marked as
 * such and never reported as accuracy.
 *
 * Batch norm is folded into the convolutions, as an ONNX export of the trained model has it.
 */
import { BenchError } from '../../errors.js';
import type { Architecture, ModelCard } from '../card.js';
import { buildEfficientNet } from './efficientnet.js';
import { Layers, type FeatureMap } from './layers.js';
import { buildMobileFaceNet } from './mobilefacenet.js';
import { buildMobileNetV1 } from './mobilenet-v1.js';
import { OnnxGraph, readModelMetadata, type Dim } from './onnx-graph.js';
import { buildOutputs, outputNames, planOutputs, type OutputSpec } from './outputs.js';
import { SeededRandom } from './random.js';
import { buildResNet50, type ResNet50Options } from './resnet50.js';
import type { Trunk } from './trunk.js';

/** Metadata key (value `'true'`) that marks an ONNX file as a replica. */
export const REPLICA_METADATA_KEY = 'fer_bench_replica';

export interface ReplicaOptions {
  /** Seed of the random weights; default 0. The same card and seed give the same bytes. */
  seed?: number;
  /** Batch dimension: `'dynamic'` (symbolic `batch`, the default) or a fixed size. */
  batch?: 'dynamic' | number;
  /** ONNX opset; default 13. */
  opset?: number;
  /**
   * ResNet-50 layout and head. Default from the card's family: `emo-affectnet` →
   * `{ layout: 'vggface2', head: 'features512' }`, otherwise `{ layout: 'torchvision', head: 'linear' }`.
   */
  resnet?: ResNet50Options;
}

export interface Replica {
  /** The `.onnx` file. */
  bytes: Uint8Array;
  /** Parameters in the file (batch norm folded into conv biases). */
  paramsFolded: number;
  /** Parameters as PyTorch counts them: batch-norm scale and shift included, running statistics not. */
  paramsTorch: number;
  architecture: Architecture;
  input: { name: string; dims: Dim[] };
  outputs: OutputSpec[];
}

/** What `replicaStamp` reads back from a replica file. */
export interface ReplicaStamp {
  architecture: string;
  model: string;
  seed: number;
}

type TrunkBuilder = (l: Layers, x: FeatureMap, card: ModelCard, opts: ReplicaOptions) => Trunk;

/** Every architecture of the card schema: a builder, or why there is none and what to do instead. */
const TRUNKS: Record<Architecture, TrunkBuilder | { fix: string }> = {
  efficientnet_b0: (l, x) => buildEfficientNet(l, x, 'b0'),
  efficientnet_b2: (l, x) => buildEfficientNet(l, x, 'b2'),
  mobilenet_v1: (l, x) => buildMobileNetV1(l, x),
  resnet50: (l, x, card, opts) =>
    buildResNet50(
      l,
      x,
      opts.resnet ??
        (card.family === 'emo-affectnet' ? { layout: 'vggface2', head: 'features512' } : { layout: 'torchvision', head: 'linear' }),
    ),
  mobilefacenet: (l, x) => buildMobileFaceNet(l, x),
  mobilevit_s: {
    fix: 'there is no MobileViT replica builder: download the real weights and run without --replica',
  },
  faceapi_expression: {
    fix: 'the face-api expression model ships inside @vladmandic/face-api, so run the real model without --replica',
  },
};

/** Whether `bench --model NAME --replica` can time this card (TF.js formats: only the MobileNet-v1 replica exists). */
export function canReplicate(card: ModelCard): boolean {
  if (typeof TRUNKS[card.architecture] !== 'function') return false;
  return card.weights.format === 'keras-h5' || card.weights.format === 'tfjs' ? card.architecture === 'mobilenet_v1' : true;
}

/** Builds the replica of `card`; throws REPLICA_NOT_ALLOWED for an architecture without a builder. */
export function buildReplica(card: ModelCard, opts: ReplicaOptions = {}): Replica {
  const builder = TRUNKS[card.architecture];
  if (typeof builder !== 'function') {
    throw new BenchError(
      'REPLICA_NOT_ALLOWED',
      `model '${card.name}': no replica can be built for architecture '${card.architecture}'`,
      { fix: builder.fix },
    );
  }
  const plan = planOutputs(card);
  const seed = opts.seed ?? 0;
  const batch: Dim = opts.batch === undefined || opts.batch === 'dynamic' ? 'batch' : opts.batch;
  const g = new OnnxGraph({
    opset: opts.opset,
    producer: 'fer-bench replica',
    docString: `Architecture replica of ${card.name} (${card.architecture}) with random weights (seed ${seed}): for latency only, never for accuracy.`,
  });
  for (const name of outputNames(plan)) g.reserve(name);
  const l = new Layers(g, new SeededRandom(seed));

  const { name, size, layout } = card.input;
  const inputDims: Dim[] = layout === 'NCHW' ? [batch, 3, size, size] : [batch, size, size, 3];
  g.input(name, inputDims);
  // The trunk is NCHW; an NHWC model (Keras) starts with a transpose, as a tf2onnx export does.
  const x: FeatureMap = {
    name: layout === 'NCHW' ? name : g.op('Transpose', [name], { perm: [0, 3, 1, 2] }),
    channels: 3,
    height: size,
    width: size,
  };
  const trunk = builder(l, x, card, opts);
  const outputs = buildOutputs(l, trunk, plan, card, batch);

  const paramsFolded = g.paramCount();
  const paramsTorch = paramsFolded + l.foldedBatchNormChannels;
  g.setMetadata(REPLICA_METADATA_KEY, 'true');
  g.setMetadata('architecture', card.architecture);
  g.setMetadata('model', card.name);
  g.setMetadata('seed', String(seed));
  g.setMetadata('params_folded', String(paramsFolded));
  g.setMetadata('params_torch', String(paramsTorch));
  return {
    bytes: g.toBytes(),
    paramsFolded,
    paramsTorch,
    architecture: card.architecture,
    input: { name, dims: inputDims },
    outputs,
  };
}

/**
 * The replica stamp of an ONNX file, or undefined when the file is not a replica. Bytes that are not an
 * ONNX model at all are not a replica either: the engine that loads them says what they are.
 */
export function replicaStamp(bytes: Uint8Array): ReplicaStamp | undefined {
  let meta: Record<string, string>;
  try {
    meta = readModelMetadata(bytes);
  } catch {
    return undefined;
  }
  if (meta[REPLICA_METADATA_KEY] !== 'true') return undefined;
  return { architecture: meta.architecture ?? '', model: meta.model ?? '', seed: Number(meta.seed ?? 0) };
}
