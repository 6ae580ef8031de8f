/**
 * File-system rules every loader shares: a listed path must stay under its base folder, ids and hashes
 * use POSIX relative paths, and what counts as an image file.
 *
 * The "stays under" check is lexical (after normalising `.`/`..`), not on real paths: symlinks inside a
 * corpus are followed on purpose (HSEmotion's `224/seven_emotions/` is a folder of symlinks into `224/`).
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';

export type ResolvedPath = { ok: true; abs: string } | { ok: false; detail: string };

/**
 * Resolves `listed` (as written in a manifest, `/` or `\` separated) against `base`, refusing anything
 * that would land outside `base`: `../` segments, absolute paths elsewhere, NUL bytes, empty paths.
 */
export function resolveUnder(base: string, listed: string): ResolvedPath {
  if (listed === '') return { ok: false, detail: 'empty path' };
  if (listed.includes('\0')) return { ok: false, detail: 'path contains a NUL byte' };
  // Manifests written on Windows use backslashes; a backslash inside a real file name is far rarer.
  const p = listed.replace(/\\/g, '/');
  const absBase = path.resolve(base);
  const abs = path.resolve(absBase, p);
  const rel = path.relative(absBase, abs);
  if (rel === '') return { ok: false, detail: `'${listed}' names the folder ${absBase} itself, not a file in it` };
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    return { ok: false, detail: `'${listed}' resolves to ${abs}, outside ${absBase}` };
  }
  return { ok: true, abs };
}

/** `abs` relative to `root`, with `/` separators (ids and manifest hashes are platform-independent). */
export function relativePosix(root: string, abs: string): string {
  return path.relative(path.resolve(root), abs).split(path.sep).join('/');
}

/** Extensions sharp decodes that corpora use for stills. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff'];

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** Whether `p` is a directory (following symlinks); false when it does not exist. */
export async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Whether `p` is a regular file (following symlinks); false when it does not exist. */
export async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
