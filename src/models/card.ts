/**
 * The model card: everything the harness needs to feed a model and read its answer. A model is data,
 * not code; `models/zoo.json` holds one card per published model and is validated with this schema.
 */
import { z } from 'zod';
import { EMOTIONS } from '../datasets/emotions.js';

export const ModelFormat = z.enum(['onnx', 'keras-h5', 'tfjs', 'torch-pt']);
export type ModelFormat = z.infer<typeof ModelFormat>;

/** Architectures the replica builder knows (random weights, same graph, for latency only). */
export const Architecture = z.enum([
  'efficientnet_b0',
  'efficientnet_b2',
  'mobilenet_v1',
  'resnet50',
  'mobilefacenet',
  'mobilevit_s',
  'faceapi_expression',
]);
export type Architecture = z.infer<typeof Architecture>;

/** Resize kernels the media stage reproduces exactly (see `InputSpec.resize` and src/media/resize.ts). */
export const ResizeKernel = z.enum(['cv2', 'pil', 'cv2-area', 'pil-nearest', 'tf-bilinear']);
export type ResizeKernel = z.infer<typeof ResizeKernel>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lower-case hex digits');
const Triple = z.tuple([z.number(), z.number(), z.number()]);

export const WeightsFile = z.object({
  /** File name inside the weights directory, e.g. `enet_b0_8_va_mtl.onnx`. */
  name: z.string().min(1),
  format: ModelFormat,
  /** Known sha256 of the published file; absent when no authoritative checksum is known. */
  sha256: Sha256.optional(),
  sizeBytes: z.number().int().positive().optional(),
  /** Where `bench pull` downloads it from. */
  url: z.string().url().optional(),
  /** For models shipped inside an npm package: the package and the path of the model file in it. */
  bundled: z.object({ package: z.string(), path: z.string() }).optional(),
});
export type WeightsFile = z.infer<typeof WeightsFile>;

export const InputSpec = z.object({
  /** Graph input name (ONNX) or Keras input layer name. */
  name: z.string(),
  /** Square side in pixels the face crop is resized to. */
  size: z.number().int().positive(),
  /** Channel order the network expects. */
  colorOrder: z.enum(['RGB', 'BGR']),
  layout: z.enum(['NCHW', 'NHWC']),
  /** value = (pixel * scale - mean[c]) / std[c], with pixel in 0..255 and c in the network's channel order. */
  scale: z.number(),
  mean: Triple,
  std: Triple,
  /**
   * Resize flavour the published numbers were computed with: `cv2` (cv2.resize INTER_LINEAR), `pil` (PIL
   * BILINEAR, as torchvision), `cv2-area` (cv2.resize INTER_AREA), `pil-nearest` (PIL NEAREST, as keras
   * `load_img(target_size)`), `tf-bilinear` (tf.image.resizeBilinear, as face-api). See src/media/resize.ts.
   */
  resize: ResizeKernel.default('cv2'),
  /**
   * How the face crop becomes square before resizing: `stretch` (default) resizes it as it is; `pad-square`
   * first pads its shorter side with zeros to a square, as face-api's padToSquare(centred): the extra
   * columns (rows) split in two, round(diff / 2) after the crop and the rest before it.
   */
  fit: z.enum(['stretch', 'pad-square']).default('stretch'),
});
/**
 * A parsed InputSpec. `fit` is always set by the schema (default 'stretch'); the type keeps it optional so
 * that specs written in code before the field existed stay valid, and an absent `fit` means 'stretch'.
 */
export type InputSpec = Omit<z.infer<typeof InputSpec>, 'fit'> & { fit?: z.infer<typeof InputSpec>['fit'] };

/** Where a head lives: a named output, optionally a slice [start, start+length) of its last axis. */
export const HeadRef = z.object({
  output: z.string(),
  start: z.number().int().nonnegative().optional(),
  length: z.number().int().positive().optional(),
});
export type HeadRef = z.infer<typeof HeadRef>;

/**
 * The embedding head. `from: 'classifier-input'` says the published file has no such output: the ONNX
 * engine adds one by a graph edit (the input of the final Gemm/MatMul behind the expression output,
 * see src/models/embedding-graph.ts), cached beside the weights as `<weights>.embedding.onnx`.
 */
export const EmbeddingHeadRef = HeadRef.extend({ from: z.enum(['classifier-input']).optional() });
export type EmbeddingHeadRef = z.infer<typeof EmbeddingHeadRef>;

export const Heads = z.object({
  expression: HeadRef.extend({ kind: z.enum(['logits', 'probabilities']) }),
  valence: HeadRef.optional(),
  arousal: HeadRef.optional(),
  embedding: EmbeddingHeadRef.optional(),
});
export type Heads = z.infer<typeof Heads>;

export const PublishedResult = z.object({
  /** e.g. `affectnet`, `afew`, `vgaf`, `ravdess`, `abaw4-lsd`, `abaw4-mtl`. */
  corpus: z.string(),
  /** e.g. `8-class`, `7-class`, `faces-detected`, `complete`, `loco`. */
  protocol: z.string(),
  /** The split the number was computed on. Default `val`. */
  split: z.string().default('val'),
  /** The corpus release (AffectNet: `official`, `march2021`). Default `official`. */
  release: z.string().default('official'),
  /**
   * The resize kernel behind the number, when it differs from the card's `input.resize` (which is, by rule,
   * the pipeline behind the card's published numbers). A run with another kernel says so beside its Δ.
   */
  resize: ResizeKernel.optional(),
  metric: z.enum(['accuracy', 'macro_f1', 'uar', 'ccc_valence', 'ccc_arousal', 'p_mtl', 'latency_ms', 'size_mb']),
  /** Percent for accuracy/F1/UAR, raw for CCC and P_MTL, ms for latency, MB (10^6 bytes) for a file size. */
  value: z.number(),
  source: z.string(),
  note: z.string().optional(),
});
export type PublishedResult = z.infer<typeof PublishedResult>;

export const ModelCard = z.object({
  name: z.string().regex(/^[a-z0-9_.-]+$/i),
  family: z.enum(['hsemotion', 'hsemotion-onnx-fork', 'emo-affectnet', 'face-api', 'custom']),
  description: z.string(),
  weights: WeightsFile,
  architecture: Architecture,
  input: InputSpec,
  heads: Heads,
  /** Class names in the model's output order (canonical vocabulary). */
  classes: z.array(z.enum(EMOTIONS)).min(2),
  /** How to turn a format the engines cannot run (.pt) into one they can. */
  exportHint: z.string().optional(),
  published: z.array(PublishedResult).default([]),
  notes: z.array(z.string()).default([]),
});
export type ModelCard = z.infer<typeof ModelCard>;
/** A card as written in the manifest, before defaults are applied. */
export type ModelCardInput = z.input<typeof ModelCard>;

export const Zoo = z.object({
  schemaVersion: z.literal(1),
  models: z.array(ModelCard),
});
export type Zoo = z.infer<typeof Zoo>;
