/** Argument checks shared by the detector sources. */
import { BenchError } from '../../errors.js';
import type { RgbImage } from '../image.js';

export function checkRgb(image: RgbImage): void {
  const { data, width, height } = image;
  if (data.length !== width * height * 3) {
    throw new BenchError('BAD_INPUT', `an RGB image of ${width}×${height} needs ${width * height * 3} bytes, got ${data.length}`, {
      fix: 'pass decoded 8-bit RGB pixels (decodeImage or a decoded video frame)',
    });
  }
}

/** A threshold in [0, 1]. */
export function checkUnit(name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) {
    throw new BenchError('BAD_INPUT', `${name} must be in [0, 1], got ${value}`, { fix: `pass a ${name} such as 0.5` });
  }
  return value;
}

/** A minimum face side in pixels (0 keeps every face). */
export function checkMinFaceSize(value: number): number {
  if (!(value >= 0)) throw new BenchError('BAD_INPUT', `minFaceSize must be ≥ 0 pixels, got ${value}`, { fix: 'pass e.g. minFaceSize: 32' });
  return value;
}
