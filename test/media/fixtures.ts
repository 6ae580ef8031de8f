/**
 * Test helpers for the media fixtures written by scripts/make-media-fixtures.py (see
 * test/fixtures/media/README.md). Reading them needs no Python: references are PNGs and gzipped float32.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Box } from '../../src/datasets/sample.js';
import { decodeImage, type RgbImage } from '../../src/media/image.js';
import type { InputSpec } from '../../src/models/card.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/media/', import.meta.url));

export interface ResizeCase {
  id: string;
  photo: string;
  box: Box | null;
  cropWidth: number;
  cropHeight: number;
  size: number;
  cv2: string;
  pil: string;
}

export interface TensorCase {
  id: string;
  case: string;
  resize: 'cv2' | 'pil';
  style: string;
  spec: Pick<InputSpec, 'colorOrder' | 'layout' | 'scale' | 'mean' | 'std'>;
  shape: number[];
  file: string;
}

export interface Manifest {
  opencv: string;
  pillow: string;
  photos: Record<string, { width: number; height: number; rgbSha256: string }>;
  cases: ResizeCase[];
  tensors: TensorCase[];
  orientation: { file: string; storedWidth: number; storedHeight: number; cv2Width: number; cv2Height: number; cv2: string };
}

export const manifest: Manifest = JSON.parse(readFileSync(`${FIXTURES}reference/manifest.json`, 'utf8'));

/** Decode a fixture image (PNG decoding is lossless, so this reads the reference arrays exactly). */
export async function fixtureImage(name: string): Promise<RgbImage> {
  const r = await decodeImage(FIXTURES + name);
  if (!r.ok) throw new Error(`fixture ${name}: ${r.reason}: ${r.detail}`);
  return r.image;
}

export function fixtureTensor(t: TensorCase): Float32Array {
  const bytes = gunzipSync(readFileSync(FIXTURES + t.file));
  // Copy into an aligned buffer; the stored floats are little-endian like every platform Node runs on here.
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** The full InputSpec a tensor case stands for. */
export function specFor(t: TensorCase, size: number): InputSpec {
  return { name: 'input', size, resize: t.resize, ...t.spec };
}

export interface Parity {
  maxDiff: number;
  /** Fraction of values with |a - b| <= tolerance. */
  within: number;
  exact: number;
}

export function parity(a: ArrayLike<number>, b: ArrayLike<number>, tolerance: number): Parity {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let maxDiff = 0, within = 0, exact = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > maxDiff) maxDiff = d;
    if (d <= tolerance) within++;
    if (d === 0) exact++;
  }
  return { maxDiff, within: within / a.length, exact: exact / a.length };
}
