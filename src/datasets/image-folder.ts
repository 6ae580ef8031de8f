/**
 * Generic corpus: a folder with one sub-folder per class (torchvision ImageFolder layout), e.g. RAF-DB or
 * FER-2013 exported as images. Folder names become canonical labels through a user label map or the
 * canonical synonyms; a folder neither knows stops the load (BAD_LAYOUT) rather than guessing.
 *
 * Walk rules (shared with AffectNet's HSEmotion layout): names sorted by code point, so the item order is
 * the same everywhere; class folders are searched recursively, following symlinks (loops cut); dotfiles
 * (.DS_Store) are ignored; other non-image files are counted (`not-an-image`), as are files lying next to
 * the class folders (`not-in-class-folder`).
 */
import path from 'node:path';
import { readdir, realpath, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { BenchError } from '../errors.js';
import { EMOTIONS, type ClassName } from './emotions.js';
import { corpusNameOf, type Corpus } from './corpus.js';
import type { Sample } from './sample.js';
import { finishCorpus } from './manifest.js';
import { isImageFile, relativePosix } from './paths.js';
import { SkipList } from './skips.js';
import { canonicalOrder, resolveSourceLabel, type SourceLabelMap } from './source-labels.js';
import { suggestion } from '../util/did-you-mean.js';

export interface ImageFolderOptions {
  /** The folder whose sub-folders are the classes. */
  root: string;
  /** Corpus name recorded in samples, run records and tables (`raf-db`). Default: the root folder's name. */
  name?: string;
  /** Split name recorded in samples. Default `all`. */
  split?: string;
  /** Folder name → canonical class (null excludes the folder); other folders go through the synonyms. */
  labelMap?: SourceLabelMap;
  /** The label space and its order. Default: the classes found, in canonical order. */
  classes?: ClassName[];
  /** Stat every file (catches broken symlinks and empty files). Default true. */
  checkFiles?: boolean;
  /** Files stat'ed at once. Default 32. */
  concurrency?: number;
}

export interface ClassFolderItem {
  abs: string;
  /** Path relative to the corpus root, `/`-separated: the sample id. */
  rel: string;
  /** The class folder's name as on disk. */
  folder: string;
  label: ClassName;
}

export interface ClassFolderScan {
  items: ClassFolderItem[];
  skips: SkipList;
  /** Folder name → class, for every class folder found (null: excluded). */
  folders: Record<string, ClassName | null>;
}

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Directory test that follows symlinks (Dirent alone reports a symlinked folder as a link). */
async function entryIsDir(dir: string, e: Dirent): Promise<boolean> {
  if (e.isDirectory()) return true;
  if (!e.isSymbolicLink()) return false;
  try {
    return (await stat(path.join(dir, e.name))).isDirectory();
  } catch {
    return false; // broken link: treated as a file, reported as missing by the stat pass
  }
}

/** Image files under `dir`, recursively, sorted; non-images go to `others`. */
async function walkImages(dir: string, images: string[], others: string[], visited: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (visited.has(real)) return; // symlink loop
  visited.add(real);
  const entries = (await readdir(dir, { withFileTypes: true })).sort(byName);
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (await entryIsDir(dir, e)) await walkImages(p, images, others, visited);
    else (isImageFile(e.name) ? images : others).push(p);
  }
}

/**
 * Scans `dir` (one sub-folder per class). `resolve` maps a folder name to its class (null: excluded,
 * undefined: unknown). Unknown folders throw BAD_LAYOUT naming them, with `unknownFix` as the fix.
 */
export async function scanClassFolders(
  dir: string,
  root: string,
  resolve: (folder: string) => ClassName | null | undefined,
  unknownFix: string,
): Promise<ClassFolderScan> {
  const skips = new SkipList();
  const entries = (await readdir(dir, { withFileTypes: true })).sort(byName);
  const classDirs: Array<{ name: string; label: ClassName | null }> = [];
  const unknown: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (!(await entryIsDir(dir, e))) {
      const rel = relativePosix(root, path.join(dir, e.name));
      skips.add('not-in-class-folder', rel, { file: path.join(dir, e.name) });
      continue;
    }
    const label = resolve(e.name);
    if (label === undefined) unknown.push(e.name);
    else classDirs.push({ name: e.name, label });
  }
  if (unknown.length > 0) {
    const hints = unknown.map((u) => `'${u}'${suggestion(u, EMOTIONS)}`).join('; ');
    throw new BenchError('BAD_LAYOUT', `class folder${unknown.length > 1 ? 's' : ''} with no known emotion: ${hints}`, {
      file: dir,
      fix: unknownFix,
    });
  }
  if (classDirs.length === 0) {
    throw new BenchError('BAD_LAYOUT', `no class sub-folders in ${dir}`, {
      file: dir,
      fix: 'point --root at the folder that holds one sub-folder per class (e.g. angry/, happy/, ...)',
    });
  }

  const items: ClassFolderItem[] = [];
  const folders: Record<string, ClassName | null> = {};
  for (const { name, label } of classDirs) {
    folders[name] = label;
    const images: string[] = [];
    const others: string[] = [];
    await walkImages(path.join(dir, name), images, others, new Set());
    for (const abs of others) skips.add('not-an-image', relativePosix(root, abs), { file: abs });
    for (const abs of images) {
      const rel = relativePosix(root, abs);
      if (label === null) skips.add('excluded-label', rel, { file: abs, detail: `folder '${name}' is excluded by the label map` });
      else items.push({ abs, rel, folder: name, label });
    }
  }
  return { items, skips, folders };
}

/** Loads a folder-per-class corpus. */
export async function loadImageFolder(opts: ImageFolderOptions): Promise<Corpus> {
  if (!opts?.root) throw new BenchError('BAD_INPUT', 'no corpus root given', { fix: 'pass --root <folder with one sub-folder per class>' });
  const root = path.resolve(opts.root);
  try {
    if (!(await stat(root)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new BenchError('BAD_LAYOUT', `${root} is not a folder; expected a folder with one sub-folder per class`, {
      file: root,
      fix: 'point --root at the folder that holds one sub-folder per class (e.g. angry/, happy/, ...)',
    });
  }
  const name = opts.name ?? corpusNameOf(root);
  const split = opts.split ?? 'all';
  const declared = opts.classes ? new Set<ClassName>(opts.classes) : undefined;
  const scan = await scanClassFolders(
    root,
    root,
    (folder) => {
      const c = resolveSourceLabel(folder, opts.labelMap);
      // A folder outside a declared label space is as unknown as a misspelt one.
      return c && declared && !declared.has(c) ? undefined : c;
    },
    `pass a label map for it, e.g. --label-map '<folder>=<emotion>' (emotions: ${EMOTIONS.join(', ')}; 'drop' excludes the folder)` +
      (declared ? ` or add its class to the declared classes (${[...declared].join(', ')})` : ''),
  );
  const samples: Sample[] = scan.items.map((it) => ({
    id: it.rel,
    corpus: name,
    split,
    label: it.label,
    source: { kind: 'image', path: it.abs },
    meta: { sourceLabel: it.folder },
  }));
  const found = Object.values(scan.folders).filter((c): c is ClassName => c !== null);
  return finishCorpus(
    {
      name,
      root,
      split,
      layout: 'folder',
      classes: opts.classes ? [...opts.classes] : canonicalOrder(found),
      sourceLabels: scan.folders,
      samples,
      skipped: scan.skips.items,
    },
    { checkFiles: opts.checkFiles, concurrency: opts.concurrency },
  );
}
