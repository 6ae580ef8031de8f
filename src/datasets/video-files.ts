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
import type { Dirent } from 'node:fs';
import { BenchError } from '../errors.js';
import { isDirectory, isImageFile, relativePosix } from './paths.js';
import type { Sample } from './sample.js';
import { mapLimit, DEFAULT_FILE_CONCURRENCY } from './pool.js';
import type { ItemWhere, SkipList, SkipReason } from './skips.js';

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

/**
 * Names of the files and sub-folders of `dir`, sorted, dotfiles left out; empty when `dir` cannot be read.
 * Only symlinks are stat'ed (to see what they point at): a corpus folder can hold thousands of clips.
 */
export async function listFolder(dir: string): Promise<Listing> {
  let entries: Dirent[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  } catch {
    return { files: [], dirs: [] };
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const isDir = await Promise.all(
    entries.map(async (e) => {
      if (!e.isSymbolicLink()) return e.isDirectory();
      try {
        return (await stat(path.join(dir, e.name))).isDirectory();
      } catch {
        return false; // a broken link: listed as a file, so the stat check reports it missing
      }
    }),
  );
  return { files: entries.filter((_, i) => !isDir[i]).map((e) => e.name), dirs: entries.filter((_, i) => isDir[i]).map((e) => e.name) };
}

/** The file names in a folder of clips; a sub-folder there is not a clip, and is counted as `not-a-video`. */
export async function listClips(dir: string, root: string, skips: SkipList): Promise<string[]> {
  const { files, dirs } = await listFolder(dir);
  for (const d of dirs) skips.add('not-a-video', relativePosix(root, path.join(dir, d)), { file: path.join(dir, d), detail: 'a folder among the clips' });
  return files;
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
  // Names only: a clip's folder holds hundreds of frames, and a folder named like an image is not a thing corpora ship.
  const frames = (await readdir(dir)).filter((n) => !n.startsWith('.') && isImageFile(n)).length;
  if (frames === 0) return { ok: false, reason: 'empty-frames', where: { file: dir, detail: `${dir} holds no image files` } };
  return { ok: true, dir, frames };
}

export interface FramesOption {
  /** `hsemotion`, or a folder: absolute, or relative to `from`. */
  frames: string;
  /** The folder a relative `frames` is read from (AFEW: the split folder; VGAF: the root). */
  from: string;
  /** Where HSEmotion's own pipeline left the frames, relative to `from`. */
  hsemotion: string;
  /** How HSEmotion made them, for the fix when they are not there. */
  howMade: string;
}

/**
 * The folder whose `<clip>/` sub-folders hold each clip's frames: the named folder, or its `frames/`
 * sub-folder when it has one (HSEmotion's `AlignedFaces_LBPTOP_Points/frames/`). BAD_LAYOUT when missing.
 */
export async function framesFolder(corpus: string, o: FramesOption): Promise<string> {
  const named = o.frames === 'hsemotion' ? path.join(o.from, o.hsemotion) : path.resolve(o.from, o.frames);
  if (!(await isDirectory(named))) {
    throw new BenchError('BAD_LAYOUT', `${corpus} frames folder ${named} does not exist`, {
      file: named,
      fix:
        o.frames === 'hsemotion'
          ? `extract HSEmotion's frames there (${o.howMade}), or pass --frames <folder holding one <clip>/ folder per clip>`
          : 'pass --frames hsemotion, or the folder that holds one <clip>/ folder of frames per clip',
    });
  }
  return (await isDirectory(path.join(named, 'frames'))) ? path.join(named, 'frames') : named;
}

/** The listed items whose frame folder is usable; the others are counted under `missing-frames` / `empty-frames`. */
export async function keepWithFrames<T extends { sample: Sample; where: ItemWhere }>(listed: T[], skips: SkipList, concurrency = DEFAULT_FILE_CONCURRENCY): Promise<T[]> {
  const checks = await mapLimit(listed, concurrency, (l) => checkFramesDir(l.sample.source.kind === 'frames-dir' ? l.sample.source.dir : ''));
  const kept: T[] = [];
  checks.forEach((c, i) => {
    if (c.ok) kept.push(listed[i]);
    else skips.add(c.reason, listed[i].sample.id, c.where);
  });
  return kept;
}
