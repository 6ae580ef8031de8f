/**
 * What a file that failed to load as weights really is, from its first bytes, and the advice that
 * follows: a zoo file that does not load is damaged (fetch it again); a file the user named with
 * --weights is theirs (a photo, an HTML page, the wrong format): name what it is, never "delete it".
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { basename } from 'node:path';
import type { ModelCard } from './card.js';

const MAGIC: Array<[string, (b: Buffer) => boolean]> = [
  ['a JPEG image', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['a PNG image', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['a GIF image', (b) => b.subarray(0, 4).toString('latin1') === 'GIF8'],
  ['a WebP image', (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP'],
  ['an HDF5 file (Keras .h5)', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['a zip archive (a PyTorch .pt checkpoint?)', (b) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04],
  ['an HTML page (a failed download?)', (b) => /^\s*(<!doctype html|<html)/i.test(b.subarray(0, 64).toString('latin1'))],
];

/** "a JPEG image", …, or undefined when the first bytes say nothing (or the file cannot be read). */
export function sniffFileKind(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, head.length, 0);
    const b = head.subarray(0, n);
    return MAGIC.find(([, test]) => test(b))?.[0];
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The fix for a weights file of `card` that the engine could not load as `format` (".onnx", ".h5").
 * The card's own file (by name) is damaged: fetch it again. Any other file came from --weights.
 */
export function unloadableWeightsFix(card: ModelCard, path: string, format: string): string {
  const kind = sniffFileKind(path);
  if (basename(path) === card.weights.name && !kind?.includes('image')) {
    const again = card.weights.url ? `delete ${path} and run \`bench pull ${card.name}\`` : `replace ${path} with a good copy of ${card.weights.name}`;
    return `the file is damaged or not ${format}: ${again}`;
  }
  return `${path} is ${kind ?? `not a valid ${format} model`}: pass the ${format} file of ${card.name} with --weights, or leave --weights out to use the zoo's ${card.weights.name}`;
}
