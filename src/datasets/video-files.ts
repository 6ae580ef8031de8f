/**
 * File rules shared by the video corpus loaders (AFEW, VGAF, RAVDESS, CREMA-D, Aff-Wild2, the video
 * manifest): which names are videos or audio, sorted folder listings, the wrong-root error that lists
 * the layouts a loader looked for, and pre-extracted frame folders (`frames-dir` sources).
 *
 * Listings are sorted by code point and skip dotfiles, as the image loaders do, so item order is the same
 * on every machine. Symlinks are followed (a corpus assembled from links is common).
 */
import path from 'node:path';
import { readdir, stat } from 'node:fs/promises';
import { BenchError } from '../errors.js';
import { isDirectory, isImageFile } from './paths.js';
import type { ItemWhere, SkipReason } from './skips.js';

/** Containers the corpora ship in (AFEW .avi, RAVDESS .mp4, CREMA-D .flv, RAMAS .mov) and common re-encodings. */
export const VIDEO_EXTENSIONS: readonly string[] = ['.avi', '.mp4', '.m4v', '.mov', '.mkv', '.webm', '.flv', '.mpg', '.mpeg', '.wmv'];
export const AUDIO_EXTENSIONS: readonly string[] = ['.wav', '.mp3', '.flac', '.aac', '.m4a', '.ogg'];

export function isVideoFile(name: string): boolean {
  return VIDEO_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

export function isAudioFile(name: string): boolean {
  return AUDIO_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** The file name without its extension: the clip id in every corpus here (`001404920.avi` → `001404920`). */
export function stem(name: string): string {
  return path.basename(name, path.extname(name));
}

export interface Listing {
  files: string[];
  dirs: string[];
}

/** Names of the files and sub-folders of `dir`, sorted, dotfiles left out; empty when `dir` cannot be read. */
export async function listFolder(dir: string): Promise<Listing> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch {
    return { files: [], dirs: [] };
  }
  const kinds = await Promise.all(
    names.map(async (n) => {
      try {
        return (await stat(path.join(dir, n))).isDirectory() ? 'dir' : 'file';
      } catch {
        return 'file'; // a broken link: listed as a file, so the stat check reports it missing
      }
    }),
  );
  return { files: names.filter((_, i) => kinds[i] === 'file'), dirs: names.filter((_, i) => kinds[i] === 'dir') };
}

/** What `dir` holds, shortened for an error message. */
export async function describeFolder(dir: string): Promise<string> {
  const { files, dirs } = await listFolder(dir);
  const all = [...dirs.map((d) => `${d}/`), ...files];
  if (all.length === 0) return 'nothing';
  return all.slice(0, 12).join(', ') + (all.length > 12 ? `, ... (${all.length} entries)` : '');
}

/** BAD_LAYOUT for a wrong `--root`: what was wrong, then every layout the loader looked for. */
export function videoLayoutError(corpus: string, message: string, root: string, fix: string, layouts: readonly string[]): BenchError {
  return new BenchError('BAD_LAYOUT', `${message}\n  ${corpus} layouts looked for:\n${layouts.map((l) => `    - ${l}`).join('\n')}`, {
    file: root,
    fix,
  });
}

/** Stops unless `root` is a folder. */
export async function requireRootFolder(corpus: string, root: string, layouts: readonly string[]): Promise<void> {
  if (!(await isDirectory(root))) {
    throw videoLayoutError(corpus, `${corpus} root ${root} does not exist or is not a folder.`, root, `point --root at your ${corpus} folder`, layouts);
  }
}

export type FramesCheck = { ok: true; dir: string; frames: number } | { ok: false; reason: SkipReason; where: ItemWhere };

/**
 * A clip's pre-extracted frame folder: it must exist and hold image files directly (file-name order is
 * frame order; a `noface` file is a frame without a face and still counts). Counted skips otherwise.
 */
export async function checkFramesDir(dir: string): Promise<FramesCheck> {
  if (!(await isDirectory(dir))) return { ok: false, reason: 'missing-frames', where: { file: dir, detail: `no frame folder ${dir}` } };
  const frames = (await listFolder(dir)).files.filter(isImageFile).length;
  if (frames === 0) return { ok: false, reason: 'empty-frames', where: { file: dir, detail: `${dir} holds no image files` } };
  return { ok: true, dir, frames };
}
