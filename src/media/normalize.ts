/**
 * 8-bit RGB → the network's float input: value = (pixel * scale - mean[c]) / std[c], where c counts the
 * network's channels (colorOrder 'BGR' makes channel 0 blue, and mean[0]/std[0] the blue statistics), laid
 * out NCHW or NHWC. Writes into a caller's Float32Array at an offset so a batch fills without copies.
 */
import type { InputSpec } from '../models/card.js';
import type { RgbImage } from './image.js';

export type NormalizeSpec = Pick<InputSpec, 'colorOrder' | 'layout' | 'scale' | 'mean' | 'std'>;

/**
 * 3×256 lookup table, network channel major. Each entry is the formula evaluated in float64 and stored as
 * float32, so a pixel value maps to one exact number whatever the layout.
 */
function lookupTable(spec: NormalizeSpec): Float32Array {
  const lut = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const mean = spec.mean[c], std = spec.std[c];
    for (let p = 0; p < 256; p++) lut[c * 256 + p] = (p * spec.scale - mean) / std;
  }
  return lut;
}

/** Write `image` normalised into `out[offset .. offset + 3*width*height)`. */
export function normalizeInto(image: RgbImage, spec: NormalizeSpec, out: Float32Array, offset = 0): void {
  const n = image.width * image.height;
  if (!Number.isInteger(offset) || offset < 0 || offset + 3 * n > out.length) {
    throw new RangeError(`normalised image needs ${3 * n} floats at offset ${offset}, buffer holds ${out.length}`);
  }
  if (spec.std.some((s) => s === 0)) throw new RangeError('std must not be 0');
  const lut = lookupTable(spec);
  const px = image.data;
  // Source RGB byte feeding network channel 0/1/2.
  const bgr = spec.colorOrder === 'BGR';
  const s0 = bgr ? 2 : 0, s2 = bgr ? 0 : 2;
  if (spec.layout === 'NCHW') {
    const o0 = offset, o1 = offset + n, o2 = offset + 2 * n;
    for (let i = 0, p = 0; i < n; i++, p += 3) {
      out[o0 + i] = lut[px[p + s0]];
      out[o1 + i] = lut[256 + px[p + 1]];
      out[o2 + i] = lut[512 + px[p + s2]];
    }
  } else {
    for (let i = 0, p = 0, o = offset; i < n; i++, p += 3, o += 3) {
      out[o] = lut[px[p + s0]];
      out[o + 1] = lut[256 + px[p + 1]];
      out[o + 2] = lut[512 + px[p + s2]];
    }
  }
}

/** Normalise into a fresh Float32Array. */
export function normalize(image: RgbImage, spec: NormalizeSpec): Float32Array {
  const out = new Float32Array(3 * image.width * image.height);
  normalizeInto(image, spec, out, 0);
  return out;
}
