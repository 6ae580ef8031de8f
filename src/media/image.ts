/**
 * Decoding: any file sharp reads (JPEG, PNG, WebP, TIFF, GIF, AVIF…) → 8-bit RGB, row-major HWC.
 *
 * The pixels are meant to equal what `cv2.imread(path, IMREAD_COLOR)` + BGR→RGB gives, because the
 * published numbers were computed from cv2-decoded arrays:
 * - EXIF orientation is applied (cv2.imread does; PIL's Image.open does not);
 * - an embedded ICC profile is ignored (neither cv2 nor PIL colour-manage; sharp would by default);
 * - alpha is dropped, not composited (IMREAD_COLOR drops it); grey is replicated to three channels;
 * - 16-bit samples are reduced to 8 bits.
 * Checked against Debian's OpenCV 4.6: identical bytes for PNG and for the three skimage JPEGs tried; another
 * libjpeg build could differ by a grey level on JPEGs.
 *
 * Unlike cv2 (which returns a half-grey image for a truncated JPEG), a truncated or corrupt file is a
 * `decode-failed` skip.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { BenchError } from '../errors.js';
import { mediaSkip, type MediaResult } from './skip.js';

/** 8-bit RGB pixels, row-major, channels interleaved: `data[(y * width + x) * 3 + c]`. */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

export type DecodeResult = MediaResult<{ image: RgbImage }>;

export interface DecodeOptions {
  /** Rotate/flip by the EXIF Orientation tag, as cv2.imread does. Default true. */
  autoOrient?: boolean;
  /**
   * sharp's `failOn`. Default 'truncated': a truncated file is a skip, while the benign libjpeg warnings
   * (extraneous bytes before a marker…) that cv2 and PIL also accept still decode.
   */
  failOn?: 'none' | 'truncated' | 'error' | 'warning';
  /** Refuse images with more pixels than this. Default sharp's 0x3FFF², about 268 Mpx. */
  limitInputPixels?: number;
}

/** The decoder and its settings, for run records. */
export function describeDecoder(opts: DecodeOptions = {}): string {
  const v = sharp.versions;
  const orient = opts.autoOrient ?? true ? 'EXIF orientation applied' : 'EXIF orientation ignored';
  return `sharp ${v.sharp} (libvips ${v.vips}): ${orient}, ICC profile ignored, alpha dropped, grey to RGB, failOn=${opts.failOn ?? 'truncated'}`;
}

/** Wrap raw RGB bytes (e.g. an ffmpeg rgb24 frame) as an image, checking the length. */
export function rgbImage(data: Uint8Array, width: number, height: number): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new BenchError('BAD_INPUT', `image size ${width}x${height} is not a positive integer size`, { fix: 'pass the frame\'s width and height in pixels (whole numbers ≥ 1)' });
  }
  if (data.length !== width * height * 3) {
    throw new BenchError('BAD_INPUT', `RGB image ${width}x${height} needs ${width * height * 3} bytes, got ${data.length}`, { fix: 'pass packed rgb24 bytes (ffmpeg -pix_fmt rgb24), 3 per pixel, no row padding' });
  }
  return { data, width, height };
}

/** Read and decode an image file; a missing, unreadable or undecodable file is a counted skip. */
export async function decodeImage(path: string, opts: DecodeOptions = {}): Promise<DecodeResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    return mediaSkip(missing ? 'missing-file' : 'read-failed', `cannot read image: ${(e as Error).message}`, path);
  }
  return decodeImageBuffer(bytes, opts, path);
}

/** Decode an encoded image held in memory; `file` only labels the skip. */
export async function decodeImageBuffer(bytes: Uint8Array, opts: DecodeOptions = {}, file?: string): Promise<DecodeResult> {
  const first = await decodeOnce(bytes, opts, file);
  if (first.ok) return first;
  // libvips keeps one error buffer per process: when decodes fail at the same time, a message can be
  // "Unknown error" or carry the other failures' lines. Retried one at a time, a failure gives its own
  // message, so skip details are the same from run to run (the prediction store keeps them).
  serialRetries = serialRetries.then(async () => {
    let result: DecodeResult = first;
    for (let i = 0; i < 3 && !result.ok && !isCleanMessage(result.detail); i++) result = await decodeOnce(bytes, opts, file);
    return result.ok ? result : { ...result, detail: uniqueLines(result.detail) };
  });
  return serialRetries;
}

let serialRetries: Promise<DecodeResult> = Promise.resolve({ ok: false, reason: 'decode-failed', detail: '' });

const uniqueLines = (text: string): string => [...new Set(text.split('\n').map((l) => l.trim()).filter(Boolean))].join('\n');
const isCleanMessage = (text: string): boolean => !text.endsWith('Unknown error') && !text.trim().includes('\n');

async function decodeOnce(bytes: Uint8Array, opts: DecodeOptions, file?: string): Promise<DecodeResult> {
  try {
    const { data, info } = await sharp(bytes, {
      failOn: opts.failOn ?? 'truncated',
      autoOrient: opts.autoOrient ?? true,
      ignoreIcc: true,
      limitInputPixels: opts.limitInputPixels ?? true,
    })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      return mediaSkip('decode-failed', `decoder gave ${info.channels} channels, expected 3`, file);
    }
    return { ok: true, image: { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height } };
  } catch (e) {
    return mediaSkip('decode-failed', `cannot decode image: ${(e as Error).message}`, file);
  }
}
