/**
 * The whole still-image path a model card asks for: decode → crop to the face box → (pad to a square, when
 * the card's `fit` is 'pad-square') → resize with the card's kernel → normalise into the network's layout.
 * Every failure is a counted skip (`MediaSkip`), never a throw; the run record gets
 * `describePreprocessing(spec)`.
 *
 * The `tf-bilinear` kernel (face-api) resizes to floats and normalises them unrounded, as face-api feeds
 * tf.image.resizeBilinear's float output to its network; every other kernel resizes to uint8 first, as
 * OpenCV and Pillow do.
 */
import type { Box } from '../datasets/sample.js';
import type { InputSpec } from '../models/card.js';
import { cropRect, fullRect, type PixelRect } from './crop.js';
import { decodeImage, describeDecoder, type DecodeOptions, type RgbImage } from './image.js';
import { normalizeInto } from './normalize.js';
import { RESIZE_KERNELS, resizeRgb, resizeRgbFloat, type ResizeKernel } from './resize.js';
import { mediaSkip, type MediaResult } from './skip.js';

/** An image file, or pixels already decoded (a video frame, a detector's input), with an optional face box. */
export type ImageSource = { path: string; box?: Box } | { image: RgbImage; box?: Box };

export interface PreprocessOptions {
  /** Relative margin around the face box, see `CropOptions.margin`. Default 0 (HSEmotion and AffectNet use none). */
  margin?: number;
  /** Decoder settings for `{ path }` sources. */
  decode?: DecodeOptions;
  /**
   * Smallest face, in pixels of the crop's shorter side (the box after margin and clipping, or the whole
   * image without a box); a smaller one is skipped as `face-too-small`. Default: no minimum. A 1×1 box
   * would otherwise be upsampled to the input size and scored like any face.
   */
  minFacePx?: number;
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
  /** With fit 'pad-square' and a non-square rect: the zero columns/rows added on each side before resizing. */
  padding?: SquarePadding;
}

export type Fit = NonNullable<InputSpec['fit']>;

/** Zero pixels added around a crop to make it square. */
export interface SquarePadding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * face-api's `padToSquare(img, isCenterImage = true)` (src/ops/padToSquare.ts, called by
 * NetInput.toBatchTensor(112, true)): the shorter side gets `diff = |w − h|` zero columns (rows),
 * `Math.round(diff / 2)` appended after the crop (right/bottom) and the remaining `diff − that` prepended
 * (left/top), so an odd difference puts the extra one on the right/bottom.
 */
export function squarePadding(width: number, height: number): SquarePadding {
  const diff = Math.abs(width - height);
  const after = Math.round(diff * 0.5);
  const before = diff - after;
  return height > width
    ? { top: 0, bottom: 0, left: before, right: after }
    : { top: before, bottom: after, left: 0, right: 0 };
}

/** Scratch for the padded crop (synchronous use only). */
let padded = new Uint8Array(0);

/**
 * Copy `rect` of `image` into a zero-filled square, placed as `squarePadding` says (face-api's padToSquare).
 * Writes into `out` when given (at least side²·3 bytes), else into a new buffer.
 */
export function padToSquare(image: RgbImage, rect: PixelRect, pad: SquarePadding = squarePadding(rect.width, rect.height), out?: Uint8Array): RgbImage {
  const side = Math.max(rect.width, rect.height);
  const n = side * side * 3;
  if (out && out.length < n) throw new RangeError(`padding buffer holds ${out.length} bytes, needs ${n}`);
  const data = out ? out.subarray(0, n) : new Uint8Array(n);
  data.fill(0);
  const rowBytes = rect.width * 3;
  for (let r = 0; r < rect.height; r++) {
    const from = ((rect.y + r) * image.width + rect.x) * 3;
    data.set(image.data.subarray(from, from + rowBytes), ((pad.top + r) * side + pad.left) * 3);
  }
  return { data, width: side, height: side };
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
  if (opts.minFacePx !== undefined && Math.min(rect.width, rect.height) < opts.minFacePx) {
    return mediaSkip('face-too-small', `the face is ${rect.width}x${rect.height} px, smaller than the minimum of ${opts.minFacePx} px (--min-face)`);
  }
  const n = tensorLength(spec);
  // The pixels the kernel resizes: the crop in place, or a zero-padded square copy of it.
  let source = image, sourceRect = rect, padding: SquarePadding | undefined;
  if ((spec.fit ?? 'stretch') === 'pad-square' && rect.width !== rect.height) {
    padding = squarePadding(rect.width, rect.height);
    const side = Math.max(rect.width, rect.height);
    if (padded.length < side * side * 3) padded = new Uint8Array(side * side * 3);
    source = padToSquare(image, rect, padding, padded);
    sourceRect = fullRect(source);
  }
  if (spec.resize === 'tf-bilinear') {
    if (resizedFloat.length < n) resizedFloat = new Float32Array(n);
    const px = resizeRgbFloat(source, { width: spec.size, height: spec.size, kernel: spec.resize, rect: sourceRect, out: resizedFloat.subarray(0, n) });
    normalizeFloatInto(px, spec.size * spec.size, spec, out, offset);
  } else {
    if (resized.length < n) resized = new Uint8Array(n);
    const small = resizeRgb(source, { width: spec.size, height: spec.size, kernel: spec.resize, rect: sourceRect, out: resized.subarray(0, n) });
    normalizeInto(small, spec, out, offset);
  }
  return { ok: true, imageWidth: image.width, imageHeight: image.height, rect, clipped, ...(padding ? { padding } : {}) };
}

/** Scratch for float-resized crops (tf-bilinear). */
let resizedFloat = new Float32Array(0);

/**
 * `normalizeInto` for float pixels (HWC RGB): the same formula, value = (pixel·scale − mean[c]) / std[c] in
 * float64 stored as float32, so integral pixels give exactly the lookup table's numbers.
 */
function normalizeFloatInto(px: Float32Array, n: number, spec: InputSpec, out: Float32Array, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + 3 * n > out.length) {
    throw new RangeError(`normalised image needs ${3 * n} floats at offset ${offset}, buffer holds ${out.length}`);
  }
  if (spec.std.some((s) => s === 0)) throw new RangeError('std must not be 0');
  const bgr = spec.colorOrder === 'BGR';
  const src = bgr ? [2, 1, 0] : [0, 1, 2];
  const { scale } = spec;
  for (let c = 0; c < 3; c++) {
    const m = spec.mean[c], sd = spec.std[c], sc = src[c];
    if (spec.layout === 'NCHW') {
      for (let i = 0, o = offset + c * n, p = sc; i < n; i++, p += 3) out[o + i] = (px[p] * scale - m) / sd;
    } else {
      for (let i = 0, o = offset + c, p = sc; i < n; i++, p += 3, o += 3) out[o] = (px[p] * scale - m) / sd;
    }
  }
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

/** What each fit does, for run records. */
export const FITS: Record<Fit, string> = {
  stretch: 'the crop is resized to the square input as it is (aspect ratio not kept)',
  'pad-square':
    "zero-padded to a square first, as face-api padToSquare(centred): round(diff/2) columns/rows after the crop, the rest before",
};

/** The preprocessing as the run record states it. */
export interface PreprocessingDescription {
  decoder: string;
  crop: { margin: number; rounding: string; outside: string; minFacePx?: number; tooSmall?: string };
  /** How a non-square crop is made square before resizing. */
  fit: { mode: Fit; reference: string };
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
      // Only when set, so the description (and every store key) of a run without it stays as it was.
      ...(opts.minFacePx !== undefined ? { minFacePx: opts.minFacePx, tooSmall: 'a crop whose shorter side is below minFacePx is skipped as face-too-small' } : {}),
    },
    fit: { mode: spec.fit ?? 'stretch', reference: FITS[spec.fit ?? 'stretch'] },
    resize: { kernel: spec.resize, reference: RESIZE_KERNELS[spec.resize], width: spec.size, height: spec.size },
    colorOrder: spec.colorOrder,
    layout: spec.layout,
    scale: spec.scale,
    mean: [...spec.mean],
    std: [...spec.std],
    formula: 'value = (pixel * scale - mean[c]) / std[c], c in the network channel order',
  };
}
