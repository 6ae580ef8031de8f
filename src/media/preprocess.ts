/**
 * The whole still-image path a model card asks for: decode → crop to the face box → resize (cv2 or pil
 * kernel) → normalise into the network's layout. Every failure is a counted skip (`MediaSkip`), never a
 * throw; the run record gets `describePreprocessing(spec)`.
 */
import type { Box } from '../datasets/sample.js';
import type { InputSpec } from '../models/card.js';
import { cropRect, fullRect, type PixelRect } from './crop.js';
import { decodeImage, describeDecoder, type DecodeOptions, type RgbImage } from './image.js';
import { normalizeInto } from './normalize.js';
import { RESIZE_KERNELS, resizeRgb, type ResizeKernel } from './resize.js';
import { type MediaResult } from './skip.js';

/** An image file, or pixels already decoded (a video frame, a detector's input), with an optional face box. */
export type ImageSource = { path: string; box?: Box } | { image: RgbImage; box?: Box };

export interface PreprocessOptions {
  /** Relative margin around the face box, see `CropOptions.margin`. Default 0 (HSEmotion and AffectNet use none). */
  margin?: number;
  /** Decoder settings for `{ path }` sources. */
  decode?: DecodeOptions;
}

/** What happened to one item, for the prediction record and debugging. */
export interface PreprocessInfo {
  /** Size of the decoded image. */
  imageWidth: number;
  imageHeight: number;
  /** The pixels that were resized (the face box after margin and clipping, or the whole image). */
  rect: PixelRect;
  /** True when the box reached past the image and was cut to it. */
  clipped: boolean;
}

export type PreprocessResult = MediaResult<{ tensor: Float32Array } & PreprocessInfo>;
export type PreprocessIntoResult = MediaResult<PreprocessInfo>;

/** Floats one item occupies in a batch: 3 × size × size. */
export function tensorLength(spec: Pick<InputSpec, 'size'>): number {
  return 3 * spec.size * spec.size;
}

/** Scratch for the resized uint8 crop; the steps after decoding are synchronous, so one buffer serves all calls. */
let resized = new Uint8Array(0);

/** Crop, resize and normalise a decoded image into `out` at `offset` (synchronous core of the path). */
export function preprocessImageInto(
  image: RgbImage,
  box: Box | undefined,
  spec: InputSpec,
  out: Float32Array,
  offset: number,
  opts: PreprocessOptions = {},
): PreprocessIntoResult {
  let rect = fullRect(image);
  let clipped = false;
  if (box !== undefined) {
    const c = cropRect(box, image.width, image.height, { margin: opts.margin });
    if (!c.ok) return c;
    ({ rect, clipped } = c);
  }
  const n = tensorLength(spec);
  if (resized.length < n) resized = new Uint8Array(n);
  const small = resizeRgb(image, { width: spec.size, height: spec.size, kernel: spec.resize, rect, out: resized.subarray(0, n) });
  normalizeInto(small, spec, out, offset);
  return { ok: true, imageWidth: image.width, imageHeight: image.height, rect, clipped };
}

async function load(source: ImageSource, opts: PreprocessOptions): Promise<MediaResult<{ image: RgbImage; file?: string }>> {
  if ('image' in source) return { ok: true, image: source.image };
  const d = await decodeImage(source.path, opts.decode);
  return d.ok ? { ok: true, image: d.image, file: source.path } : d;
}

/** Preprocess one item into a fresh tensor of `tensorLength(spec)` floats. */
export async function preprocess(source: ImageSource, spec: InputSpec, opts: PreprocessOptions = {}): Promise<PreprocessResult> {
  const tensor = new Float32Array(tensorLength(spec));
  const r = await preprocessInto(source, spec, tensor, 0, opts);
  return r.ok ? { ...r, tensor } : r;
}

/** Preprocess one item into slot `index` of a batch buffer (offset `index * tensorLength(spec)`). */
export async function preprocessInto(
  source: ImageSource,
  spec: InputSpec,
  batch: Float32Array,
  index: number,
  opts: PreprocessOptions = {},
): Promise<PreprocessIntoResult> {
  const n = tensorLength(spec);
  if (!Number.isInteger(index) || index < 0 || (index + 1) * n > batch.length) {
    throw new RangeError(`batch slot ${index} of ${n} floats does not fit a buffer of ${batch.length}`);
  }
  const loaded = await load(source, opts);
  if (!loaded.ok) return loaded;
  const r = preprocessImageInto(loaded.image, source.box, spec, batch, index * n, opts);
  return r.ok || loaded.file === undefined ? r : { ...r, file: loaded.file };
}

/** The preprocessing as the run record states it. */
export interface PreprocessingDescription {
  decoder: string;
  crop: { margin: number; rounding: string; outside: string };
  resize: { kernel: ResizeKernel; reference: string; width: number; height: number };
  colorOrder: InputSpec['colorOrder'];
  layout: InputSpec['layout'];
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
  formula: string;
}

export function describePreprocessing(spec: InputSpec, opts: PreprocessOptions = {}): PreprocessingDescription {
  return {
    decoder: describeDecoder(opts.decode),
    crop: {
      margin: opts.margin ?? 0,
      rounding: 'box coordinates truncated toward zero (Python int()); margin = round(margin * w) px per side',
      outside: 'clipped to the image; a box with nothing inside is skipped as box-outside-image',
    },
    resize: { kernel: spec.resize, reference: RESIZE_KERNELS[spec.resize], width: spec.size, height: spec.size },
    colorOrder: spec.colorOrder,
    layout: spec.layout,
    scale: spec.scale,
    mean: [...spec.mean],
    std: [...spec.std],
    formula: 'value = (pixel * scale - mean[c]) / std[c], c in the network channel order',
  };
}
