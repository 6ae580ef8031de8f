/**
 * Face-box cropping. AffectNet's crop is `img[y:y+h, x:x+w]` with the CSV floats (`134.0`) turned into ints,
 * so box coordinates are truncated toward zero like Python's `int()`. A margin, when asked for, grows the
 * integer box by `round(margin * w)` pixels left and right and `round(margin * h)` top and bottom.
 * The result is clipped to the image, like numpy slicing past the right/bottom edge and like EMO-AffectNet's
 * clipping of RetinaFace boxes; a box with a negative x or y is clipped to 0 too (numpy would wrap around
 * there, which no published pipeline relies on).
 */
import type { Box } from '../datasets/sample.js';
import type { RgbImage } from './image.js';
import { mediaSkip, type MediaResult } from './skip.js';

/** An integer pixel rectangle lying inside its image. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface CropOptions {
  /** Fraction of the box's width (height) added on each side: 0.1 makes the box 1.2× as wide. Default 0. */
  margin?: number;
}

export type CropRectResult = MediaResult<{ rect: PixelRect; clipped: boolean }>;

/** Where `box` (plus margin) lands in a `width`×`height` image, or a skip if nothing of it does. */
export function cropRect(box: Box, width: number, height: number, opts: CropOptions = {}): CropRectResult {
  const margin = opts.margin ?? 0;
  const coords = [box.x, box.y, box.width, box.height];
  if (!coords.every(Number.isFinite) || !Number.isFinite(margin)) {
    return mediaSkip('box-outside-image', `face box ${JSON.stringify(box)} (margin ${margin}) is not finite`);
  }
  const [x, y, w, h] = coords.map(Math.trunc) as [number, number, number, number];
  if (w <= 0 || h <= 0) {
    return mediaSkip('box-outside-image', `face box ${w}x${h} is empty`);
  }
  const mx = Math.round(margin * w);
  const my = Math.round(margin * h);
  const x0 = x - mx, y0 = y - my, x1 = x + w + mx, y1 = y + h + my;
  const cx0 = Math.max(0, x0), cy0 = Math.max(0, y0), cx1 = Math.min(width, x1), cy1 = Math.min(height, y1);
  if (cx1 <= cx0 || cy1 <= cy0) {
    return mediaSkip('box-outside-image', `face box [${x0}, ${y0}, ${x1}, ${y1}) lies outside the ${width}x${height} image`);
  }
  const clipped = cx0 !== x0 || cy0 !== y0 || cx1 !== x1 || cy1 !== y1;
  return { ok: true, rect: { x: cx0, y: cy0, width: cx1 - cx0, height: cy1 - cy0 }, clipped };
}

/** The whole image as a rectangle. */
export function fullRect(image: RgbImage): PixelRect {
  return { x: 0, y: 0, width: image.width, height: image.height };
}

/** Copy a rectangle out of an image (resize reads rectangles in place; this is for callers that want pixels). */
export function extractRect(image: RgbImage, rect: PixelRect): RgbImage {
  const out = new Uint8Array(rect.width * rect.height * 3);
  const rowBytes = rect.width * 3;
  for (let r = 0; r < rect.height; r++) {
    const from = ((rect.y + r) * image.width + rect.x) * 3;
    out.set(image.data.subarray(from, from + rowBytes), r * rowBytes);
  }
  return { data: out, width: rect.width, height: rect.height };
}

/** Crop an image to a face box (whole image when `box` is undefined). */
export function cropImage(image: RgbImage, box: Box | undefined, opts: CropOptions = {}): MediaResult<{ image: RgbImage; rect: PixelRect; clipped: boolean }> {
  if (box === undefined) return { ok: true, image, rect: fullRect(image), clipped: false };
  const r = cropRect(box, image.width, image.height, opts);
  if (!r.ok) return r;
  return { ok: true, image: extractRect(image, r.rect), rect: r.rect, clipped: r.clipped };
}
