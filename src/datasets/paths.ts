/**
 * File-system rules every loader shares: a listed path must stay under its base folder, ids and hashes
 * use POSIX relative paths, and what counts as an image file.
 *
 * "Stays under" has two levels. `resolveUnder` is lexical (after normalising `.`/`..`): every loader uses
 * it. `RealRoot` adds real paths, for loaders that read paths out of a file (CSV and video manifests,
 * AffectNet's lists): a listed file, frame folder or frame must not lead outside the root's real folder
 * through a symlink, at any depth. Folder-scanning loaders do not apply it: HSEmotion's
 * `224/seven_emotions/` is a folder of symlinks into `224/`, followed on purpose.
 */
import path from 'node:path';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { BenchError } from '../errors.js';

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

/**
 * The error for a manifest row whose path leads outside its root, lexically or through a symlink. It
 * stops the load: such a row is a manifest written for another root, or a hostile one, never a bad item.
 */
export function pathEscapeError(where: { file?: string; row?: number }, detail: string, root: string): BenchError {
  return new BenchError('BAD_MANIFEST', `${where.row !== undefined ? `row ${where.row}: ` : ''}a listed path leads outside the corpus root, so it is not read: ${detail}`, {
    file: where.file,
    row: where.row,
    fix: `list only files inside ${root}: no '..', no absolute path elsewhere, no symlink (to a file or a folder) that leads out of it; if the files live elsewhere, point --root at the folder that really holds them`,
  });
}

function inside(real: string, realRoot: string): boolean {
  const rel = path.relative(realRoot, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** `realpath`, or undefined when the path does not exist (or cannot be resolved): nothing there to read. */
async function realOrNothing(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

/**
 * A root's real folder, against which listed paths are checked after their symlinks are resolved. Real
 * paths of parent folders are cached, so 400k AffectNet rows cost one `lstat` each plus one `realpath` per
 * folder. A path that does not exist passes (the stat pass counts it as missing); the check is made at load
 * time, before any file is opened.
 */
export class RealRoot {
  private readonly dirs = new Map<string, Promise<string | undefined>>();

  private constructor(
    /** The root as given (absolute). */
    readonly root: string,
    /** Its real path. */
    readonly real: string,
  ) {}

  static async of(root: string): Promise<RealRoot> {
    const abs = path.resolve(root);
    return new RealRoot(abs, (await realOrNothing(abs)) ?? abs);
  }

  private realDir(dir: string): Promise<string | undefined> {
    let p = this.dirs.get(dir);
    if (!p) this.dirs.set(dir, (p = realOrNothing(dir)));
    return p;
  }

  /** Why `abs` (lexically under the root) leads outside its real folder, or undefined when it does not. */
  private async fileEscape(abs: string): Promise<string | undefined> {
    const dir = await this.realDir(path.dirname(abs));
    if (dir === undefined) return undefined;
    if (!inside(dir, this.real)) return `${abs}: its folder is really ${dir}, outside ${this.real}`;
    const st = await lstat(abs).catch(() => undefined);
    if (!st?.isSymbolicLink()) return undefined;
    const real = await realOrNothing(abs);
    return real !== undefined && !inside(real, this.real) ? `${abs} is a symlink to ${real}, outside ${this.real}` : undefined;
  }

  /**
   * Why a listed file (`kind: 'file'`) or frame folder (`'dir'`, whose entries are frames) leads outside
   * the root's real folder, or undefined when everything it names stays inside.
   */
  async escape(abs: string, kind: 'file' | 'dir'): Promise<string | undefined> {
    if (kind === 'file') return this.fileEscape(abs);
    const real = await realOrNothing(abs);
    if (real === undefined) return undefined;
    if (!inside(real, this.real)) return `${abs} is really ${real}, outside ${this.real}`;
    const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isSymbolicLink()) continue;
      const why = await this.fileEscape(path.join(abs, e.name));
      if (why) return why;
    }
    return undefined;
  }
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
