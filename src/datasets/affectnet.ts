/**
 * AffectNet in the three layouts that exist (docs/corpora.md §1):
 * - `csv`: the official release, `Manually_Annotated_file_lists/{training,validation}.csv` +
 *   `Manually_Annotated_Images/`. The header row is detected (validation.csv usually lacks it), columns are
 *   found by name when it is there. Ids 8/9/10 are skipped under their own reasons, a face box with a
 *   non-positive side is skipped (`bad-face-box`; FER-repo drops `face_width < 0`), valence/arousal -2 means
 *   "not annotated" and becomes undefined. The 136-number landmark field is checked by counting only; a bad
 *   count keeps the item (landmarks play no part in evaluation) and is listed in `flagged`. Landmarks are
 *   parsed into `meta.landmarks` only when asked (`landmarks: true`), as 400k rows of them do not belong in
 *   memory otherwise. Image paths must stay inside `Manually_Annotated_Images/` (symlinks resolved): one that
 *   does not stops the load with BAD_MANIFEST naming its row.
 * - `folders`: the HSEmotion folder-per-class copy, `{train,val}/<ClassName>/` (its `full_res/`, `224/` or
 *   `224/seven_emotions/` folder is the root). Crops already, so no box.
 * - `march2021`: `{train_set,val_set}/images/<idx>.jpg` + `annotations/<idx>_exp.npy` (+ `_val`, `_aro`,
 *   `_lnd`), read directly; `_exp.npy` holds the id as an int64 or as a '<U' string depending on the copy.
 *
 * In every layout the label space is AffectNet ids 0..7 (`AFFECTNET_CLASSES`), `meta.expression` is the
 * original id, items are independent (no group), and every listed file is stat'ed at load time.
 */
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { BenchError } from '../errors.js';
import { toEmotion, type ClassName } from './emotions.js';
import type { Corpus } from './corpus.js';
import type { Sample } from './sample.js';
import {
  AFFECTNET_CLASSES,
  AFFECTNET_EXCLUDED,
  AFFECTNET_FOLDER_NAMES,
  AFFECTNET_VA_MISSING,
  affectnetIdLabels,
} from './affectnet-labels.js';
import { detach, leadingField, readCsvLines } from './csv.js';
import { finishCorpus, type CorpusParts } from './manifest.js';
import { npyNumber, readNpyFile } from './npy.js';
import { isDirectory, isFile, isImageFile, pathEscapeError, resolveUnder } from './paths.js';
import { mapLimit, DEFAULT_FILE_CONCURRENCY } from './pool.js';
import { SkipList, type ItemWhere } from './skips.js';
import { scanClassFolders } from './image-folder.js';

export type AffectNetLayout = 'csv' | 'folders' | 'march2021';
export type AffectNetSplit = 'train' | 'val';

export interface AffectNetOptions {
  /** The AffectNet folder (see the layouts above). */
  root: string;
  /** Default `val` (the split every published number is on). */
  split?: AffectNetSplit;
  /** Default `auto`: detected from what is under `root`. */
  layout?: 'auto' | AffectNetLayout;
  /** Parse landmarks into `meta.landmarks` (136 numbers). Default false. */
  landmarks?: boolean;
  /** Stat every image; missing/empty ones are counted. Default true. */
  checkFiles?: boolean;
  /** Files stat'ed or read at once. Default 32. */
  concurrency?: number;
}

export const AFFECTNET_LAYOUTS: readonly AffectNetLayout[] = ['csv', 'folders', 'march2021'];

const CSV_LISTS = 'Manually_Annotated_file_lists';
const CSV_IMAGES = 'Manually_Annotated_Images';
const CSV_FILES: Record<AffectNetSplit, string> = { train: 'training.csv', val: 'validation.csv' };
const FOLDER_SPLITS: Record<AffectNetSplit, string> = { train: 'train', val: 'val' };
const MARCH_SPLITS: Record<AffectNetSplit, string> = { train: 'train_set', val: 'val_set' };
/** Where the HSEmotion copy keeps its variants, relative to its top folder. */
const HSE_SUBROOTS = ['full_res', '224', path.join('224', 'seven_emotions')];

const CSV_COLUMNS = [
  'subDirectory_filePath',
  'face_x',
  'face_y',
  'face_width',
  'face_height',
  'facial_landmarks',
  'expression',
  'valence',
  'arousal',
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
const LANDMARK_COUNT = 136;

const EXPECTED_LAYOUTS = [
  `csv: ${CSV_LISTS}/{training,validation}.csv and ${CSV_IMAGES}/`,
  `folders (HSEmotion copy): {train,val}/<Class>/ with Class in ${[...AFFECTNET_FOLDER_NAMES].sort().join(', ')}; point at its full_res/, 224/ or 224/seven_emotions/ folder`,
  'march2021: {train_set,val_set}/images/<idx>.jpg and {train_set,val_set}/annotations/<idx>_exp.npy',
];

function layoutError(message: string, root: string, fix: string): BenchError {
  return new BenchError('BAD_LAYOUT', `${message}\n  looked for:\n${EXPECTED_LAYOUTS.map((l) => `    - ${l}`).join('\n')}`, {
    file: root,
    fix,
  });
}

/** The AffectNet class a folder name stands for, if any (HSEmotion folders are `Anger`, `Happiness`, ...). */
function affectnetClassOfFolder(name: string): ClassName | undefined {
  const e = toEmotion(name);
  return e && AFFECTNET_CLASSES.includes(e) ? e : undefined;
}

async function subdirNames(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir);
    const dirs = await Promise.all(entries.map(async (n) => ((await isDirectory(path.join(dir, n))) ? n : null)));
    return dirs.filter((n): n is string => n !== null && !n.startsWith('.'));
  } catch {
    return [];
  }
}

async function looksLikeClassFolders(dir: string): Promise<boolean> {
  return (await subdirNames(dir)).some((n) => affectnetClassOfFolder(n) !== undefined);
}

async function matches(root: string, layout: AffectNetLayout): Promise<boolean> {
  switch (layout) {
    case 'csv':
      return (await isDirectory(path.join(root, CSV_LISTS))) && (await isDirectory(path.join(root, CSV_IMAGES)));
    case 'folders':
      for (const s of Object.values(FOLDER_SPLITS)) if (await looksLikeClassFolders(path.join(root, s))) return true;
      return false;
    case 'march2021':
      for (const s of Object.values(MARCH_SPLITS)) {
        if ((await isDirectory(path.join(root, s, 'images'))) && (await isDirectory(path.join(root, s, 'annotations')))) return true;
      }
      return false;
  }
}

/**
 * Which AffectNet layout `root` holds. Throws BAD_LAYOUT when it is none of them (listing what it looked
 * for and what it found) or when several match.
 */
export async function detectAffectNetLayout(root: string): Promise<AffectNetLayout> {
  const abs = path.resolve(root);
  if (!(await isDirectory(abs))) {
    throw layoutError(`AffectNet root ${abs} does not exist or is not a folder.`, abs, 'point --root at your AffectNet folder');
  }
  const found: AffectNetLayout[] = [];
  for (const l of AFFECTNET_LAYOUTS) if (await matches(abs, l)) found.push(l);
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new BenchError('BAD_LAYOUT', `${abs} holds more than one AffectNet layout (${found.join(', ')})`, {
      file: abs,
      fix: `say which to read with --layout ${found.join('|')}`,
    });
  }
  const sub: string[] = [];
  for (const s of HSE_SUBROOTS) if (await matches(path.join(abs, s), 'folders')) sub.push(path.join(abs, s));
  if (sub.length > 0) {
    throw layoutError(
      `${abs} is the top of the HSEmotion folder copy; it holds ${sub.length} variant${sub.length > 1 ? 's' : ''}: ${sub.join(', ')}.`,
      abs,
      `point --root at one of them (the 8-class numbers were computed on full_res/, mobilenet_7 on 224/seven_emotions/)`,
    );
  }
  if (await looksLikeClassFolders(abs)) {
    throw layoutError(
      `${abs} holds class folders directly: it looks like one split of the HSEmotion copy.`,
      abs,
      `point --root at its parent (the folder holding train/ and val/) and choose the split with --split`,
    );
  }
  const entries = (await readdir(abs)).filter((n) => !n.startsWith('.')).sort();
  const shown = entries.length ? entries.slice(0, 12).join(', ') + (entries.length > 12 ? `, ... (${entries.length} entries)` : '') : 'nothing';
  throw layoutError(`${abs} does not look like an AffectNet root; it contains: ${shown}.`, abs, 'point --root at the folder that holds one of these, or pass --layout to name the one you have');
}

/** Checks the files `layout` needs for `split`; BAD_LAYOUT naming the missing one otherwise. */
async function requireLayoutFiles(root: string, layout: AffectNetLayout, split: AffectNetSplit): Promise<void> {
  const need: Array<[string, 'file' | 'dir']> =
    layout === 'csv'
      ? [
          [path.join(root, CSV_LISTS, CSV_FILES[split]), 'file'],
          [path.join(root, CSV_IMAGES), 'dir'],
        ]
      : layout === 'folders'
        ? [[path.join(root, FOLDER_SPLITS[split]), 'dir']]
        : [
            [path.join(root, MARCH_SPLITS[split], 'images'), 'dir'],
            [path.join(root, MARCH_SPLITS[split], 'annotations'), 'dir'],
          ];
  for (const [p, kind] of need) {
    if (!(kind === 'file' ? await isFile(p) : await isDirectory(p))) {
      throw layoutError(
        `AffectNet layout '${layout}', split '${split}': ${path.relative(root, p)}${kind === 'dir' ? '/' : ''} is missing under ${root}.`,
        root,
        `check --root and --split (${layout === 'csv' ? 'training.csv is the train split, validation.csv the val split' : 'train or val'})`,
      );
    }
  }
}

/** A number field; NaN when it is not one. Empty fields are NaN too (every AffectNet field is required). */
function num(s: string): number {
  const t = s.trim();
  return t === '' ? NaN : Number(t);
}

/** Valence/arousal: -2 (not annotated) and empty become undefined; NaN when not a number. */
function vaField(s: string): number | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  const v = Number(t);
  return v === AFFECTNET_VA_MISSING ? undefined : v;
}

function countSemicolonFields(s: string): number {
  const t = s.trim();
  if (t === '') return 0;
  let n = 1;
  for (let i = t.indexOf(';'); i >= 0; i = t.indexOf(';', i + 1)) n++;
  return n;
}

/** The skip reason for an expression id, or null when it is one of the 8 classes. */
function expressionSkip(expr: number): { reason: 'expression-none' | 'expression-uncertain' | 'expression-no-face' | 'unknown-label'; detail?: string } | null {
  if (expr >= 0 && expr < AFFECTNET_CLASSES.length) return null;
  const r = AFFECTNET_EXCLUDED[expr];
  if (r) return { reason: r as 'expression-none' | 'expression-uncertain' | 'expression-no-face' };
  return { reason: 'unknown-label', detail: `expression ${expr} is not an AffectNet id (0..10)` };
}

type Loaded = { parts: CorpusParts; origins: ItemWhere[] };

async function loadCsvLayout(root: string, split: AffectNetSplit, opts: AffectNetOptions): Promise<Loaded> {
  const file = path.join(root, CSV_LISTS, CSV_FILES[split]);
  const imagesDir = path.join(root, CSV_IMAGES);
  const skips = new SkipList();
  const flags = new SkipList();
  const samples: Sample[] = [];
  const origins: ItemWhere[] = [];
  let col: Record<CsvColumn, number> = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, i])) as Record<CsvColumn, number>;
  let width: number = CSV_COLUMNS.length;
  let first = true;

  for await (const rec of readCsvLines(file)) {
    const where = { file, row: rec.line };
    if ('error' in rec) {
      skips.add('malformed-row', leadingField(rec.text) || `line ${rec.line}`, { ...where, detail: rec.error });
      first = false;
      continue;
    }
    const f = rec.fields;
    if (first) {
      first = false;
      if (f[0].trim() === CSV_COLUMNS[0]) {
        const names = f.map((s) => s.trim());
        const missing = CSV_COLUMNS.filter((c) => !names.includes(c));
        if (missing.length > 0) {
          throw new BenchError('BAD_CSV', `AffectNet header lacks ${missing.join(', ')}`, {
            ...where,
            fix: `the header must name ${CSV_COLUMNS.join(',')} (or be absent, with the columns in that order)`,
          });
        }
        col = Object.fromEntries(CSV_COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<CsvColumn, number>;
        width = f.length;
        continue;
      }
    }
    const id = detach(f[col.subDirectory_filePath]?.trim() ?? '') || `line ${rec.line}`;
    if (f.length !== width) {
      skips.add('malformed-row', id, { ...where, detail: `expected ${width} fields, found ${f.length}` });
      continue;
    }
    const expr = num(f[col.expression]);
    if (!Number.isInteger(expr)) {
      skips.add('malformed-row', id, { ...where, detail: `expression '${f[col.expression]}' is not an integer` });
      continue;
    }
    const exclusion = expressionSkip(expr);
    if (exclusion) {
      skips.add(exclusion.reason, id, { ...where, detail: exclusion.detail });
      continue;
    }
    const [x, y, w, h] = [col.face_x, col.face_y, col.face_width, col.face_height].map((i) => num(f[i]));
    const valence = vaField(f[col.valence]);
    const arousal = vaField(f[col.arousal]);
    const bad = [
      [x, 'face_x'],
      [y, 'face_y'],
      [w, 'face_width'],
      [h, 'face_height'],
      [valence ?? 0, 'valence'],
      [arousal ?? 0, 'arousal'],
    ].find(([v]) => !Number.isFinite(v as number));
    if (bad) {
      const name = bad[1] as CsvColumn;
      skips.add('malformed-row', id, { ...where, detail: `${name} '${f[col[name]]}' is not a number` });
      continue;
    }
    if (w <= 0 || h <= 0) {
      skips.add('bad-face-box', id, { ...where, detail: `face box ${x},${y},${w},${h}` });
      continue;
    }
    if (id === `line ${rec.line}`) {
      skips.add('malformed-row', id, { ...where, detail: 'empty subDirectory_filePath' });
      continue;
    }
    const at = resolveUnder(imagesDir, id);
    if (!at.ok) throw pathEscapeError(where, at.detail, imagesDir);

    const meta: NonNullable<Sample['meta']> = { expression: expr };
    if (valence !== undefined) meta.valence = valence;
    if (arousal !== undefined) meta.arousal = arousal;
    const lmField = f[col.facial_landmarks];
    const lmCount = countSemicolonFields(lmField);
    if (lmCount !== LANDMARK_COUNT) {
      flags.add('bad-landmarks', id, { ...where, detail: `${lmCount} numbers, expected ${LANDMARK_COUNT}` });
    } else if (opts.landmarks) {
      const lm = lmField.trim().split(';').map(Number);
      if (lm.every(Number.isFinite)) meta.landmarks = lm;
      else flags.add('bad-landmarks', id, { ...where, detail: 'a landmark is not a number' });
    }
    samples.push({
      id,
      corpus: 'affectnet',
      split,
      label: AFFECTNET_CLASSES[expr],
      source: { kind: 'image', path: at.abs, box: { x, y, width: w, height: h } },
      meta,
    });
    origins.push(where);
  }
  return {
    parts: {
      name: 'affectnet',
      root,
      split,
      layout: 'csv',
      release: 'official',
      classes: [...AFFECTNET_CLASSES],
      sourceLabels: affectnetIdLabels(),
      samples,
      skipped: skips.items,
      flagged: flags.items,
    },
    origins,
  };
}

async function loadFoldersLayout(root: string, split: AffectNetSplit): Promise<Loaded> {
  const scan = await scanClassFolders(
    path.join(root, FOLDER_SPLITS[split]),
    root,
    affectnetClassOfFolder,
    `AffectNet's folder copy has only the class folders ${AFFECTNET_FOLDER_NAMES.join(', ')}; move other folders out, or load it as a generic corpus ('folder') with --label-map`,
  );
  const samples: Sample[] = scan.items.map((it) => ({
    id: it.rel,
    corpus: 'affectnet',
    split,
    label: it.label,
    source: { kind: 'image', path: it.abs },
    meta: { expression: AFFECTNET_CLASSES.indexOf(it.label as (typeof AFFECTNET_CLASSES)[number]) },
  }));
  return {
    parts: {
      name: 'affectnet',
      root,
      split,
      layout: 'folders',
      release: 'official',
      classes: [...AFFECTNET_CLASSES],
      sourceLabels: scan.folders,
      samples,
      skipped: scan.skips.items,
    },
    origins: [],
  };
}

/** Sorts March-2021 ids numerically when they are all integers (0, 1, 2, 10), by code point otherwise. */
function sortIds(ids: string[]): string[] {
  const numeric = ids.every((s) => /^\d+$/.test(s));
  return ids.sort(numeric ? (a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function loadMarch2021Layout(root: string, split: AffectNetSplit, opts: AffectNetOptions): Promise<Loaded> {
  const setDir = path.join(root, MARCH_SPLITS[split]);
  const imagesDir = path.join(setDir, 'images');
  const annDir = path.join(setDir, 'annotations');
  const skips = new SkipList();
  const flags = new SkipList();
  const concurrency = opts.concurrency ?? DEFAULT_FILE_CONCURRENCY;

  // Each idx gets one image (duplicates by extension are caught as duplicate ids) and its annotations.
  const images = new Map<string, string[]>();
  for (const name of (await readdir(imagesDir)).filter((n) => !n.startsWith('.')).sort()) {
    if (!isImageFile(name)) {
      skips.add('not-an-image', `${MARCH_SPLITS[split]}/images/${name}`, { file: path.join(imagesDir, name) });
      continue;
    }
    const idx = name.slice(0, name.length - path.extname(name).length);
    images.set(idx, [...(images.get(idx) ?? []), name]);
  }
  const annotations = new Set((await readdir(annDir)).filter((n) => n.endsWith('.npy')));
  const annotated = [...annotations].filter((n) => n.endsWith('_exp.npy')).map((n) => n.slice(0, -'_exp.npy'.length));
  const ids = sortIds([...new Set([...images.keys(), ...annotated])]);

  type Row = { skip: Parameters<SkipList['add']>; flag?: Parameters<SkipList['add']> } | { samples: Sample[]; where: ItemWhere; flag?: Parameters<SkipList['add']> };
  const rows = await mapLimit(ids, concurrency, async (idx): Promise<Row> => {
    const expFile = path.join(annDir, `${idx}_exp.npy`);
    const files = images.get(idx);
    if (!files) return { skip: ['missing-file', idx, { file: expFile, detail: `no image ${idx}.* in ${imagesDir}` }] };
    if (!annotations.has(`${idx}_exp.npy`)) {
      return { skip: ['missing-annotation', idx, { file: path.join(imagesDir, files[0]), detail: `no ${idx}_exp.npy in ${annDir}` }] };
    }
    const where: ItemWhere = { file: expFile };
    const read = async (suffix: string): Promise<number | undefined> => {
      const name = `${idx}_${suffix}.npy`;
      return annotations.has(name) ? npyNumber(await readNpyFile(path.join(annDir, name)), path.join(annDir, name)) : undefined;
    };
    let expr: number;
    let valence: number | undefined;
    let arousal: number | undefined;
    try {
      expr = (await read('exp')) as number;
      valence = await read('val');
      arousal = await read('aro');
    } catch (e) {
      return { skip: ['bad-annotation', idx, { ...where, detail: (e as Error).message }] };
    }
    if (!Number.isInteger(expr)) return { skip: ['bad-annotation', idx, { ...where, detail: `expression ${expr} is not an integer` }] };
    const exclusion = expressionSkip(expr);
    if (exclusion) return { skip: [exclusion.reason, idx, { ...where, detail: exclusion.detail }] };

    const meta: NonNullable<Sample['meta']> = { expression: expr };
    if (valence !== undefined && valence !== AFFECTNET_VA_MISSING) meta.valence = valence;
    if (arousal !== undefined && arousal !== AFFECTNET_VA_MISSING) meta.arousal = arousal;
    let flag: Parameters<SkipList['add']> | undefined;
    if (opts.landmarks && annotations.has(`${idx}_lnd.npy`)) {
      const lndFile = path.join(annDir, `${idx}_lnd.npy`);
      try {
        const lm = Array.from((await readNpyFile(lndFile)).data as ArrayLike<number | bigint | string | boolean>, Number);
        if (lm.length === LANDMARK_COUNT && lm.every(Number.isFinite)) meta.landmarks = lm;
        else flag = ['bad-landmarks', idx, { file: lndFile, detail: `${lm.length} numbers, expected ${LANDMARK_COUNT}` }];
      } catch (e) {
        flag = ['bad-landmarks', idx, { file: lndFile, detail: (e as Error).message }];
      }
    }
    const samples = files.map((name) => ({
      id: idx,
      corpus: 'affectnet',
      split,
      label: AFFECTNET_CLASSES[expr],
      source: { kind: 'image' as const, path: path.join(imagesDir, name) },
      meta,
    }));
    return { samples, where, flag };
  });

  const samples: Sample[] = [];
  const origins: ItemWhere[] = [];
  for (const r of rows) {
    if (r.flag) flags.add(...r.flag);
    if ('skip' in r) skips.add(...r.skip);
    else for (const s of r.samples) (samples.push(s), origins.push(r.where));
  }
  return {
    parts: {
      name: 'affectnet',
      root,
      split,
      layout: 'march2021',
      release: 'march2021',
      classes: [...AFFECTNET_CLASSES],
      sourceLabels: affectnetIdLabels(),
      samples,
      skipped: skips.items,
      flagged: flags.items,
    },
    origins,
  };
}

/** Loads one split of AffectNet (see the module comment for the layouts and rules). */
export async function loadAffectNet(opts: AffectNetOptions): Promise<Corpus> {
  if (!opts?.root) throw new BenchError('BAD_INPUT', 'no AffectNet root given', { fix: 'pass --root <AffectNet folder>' });
  const root = path.resolve(opts.root);
  const split = opts.split ?? 'val';
  if (split !== 'train' && split !== 'val') {
    throw new BenchError('BAD_INPUT', `AffectNet has no split '${String(split)}'`, { fix: 'use --split train or --split val' });
  }
  const requested = opts.layout ?? 'auto';
  if (requested !== 'auto' && !AFFECTNET_LAYOUTS.includes(requested)) {
    throw new BenchError('BAD_INPUT', `unknown AffectNet layout '${String(requested)}'`, { fix: `use one of: auto, ${AFFECTNET_LAYOUTS.join(', ')}` });
  }
  const layout = requested === 'auto' ? await detectAffectNetLayout(root) : requested;
  if (requested !== 'auto' && !(await isDirectory(root))) {
    throw layoutError(`AffectNet root ${root} does not exist or is not a folder.`, root, 'point --root at your AffectNet folder');
  }
  await requireLayoutFiles(root, layout, split);
  const { parts, origins } =
    layout === 'csv'
      ? await loadCsvLayout(root, split, opts)
      : layout === 'folders'
        ? await loadFoldersLayout(root, split)
        : await loadMarch2021Layout(root, split, opts);
  // Only the csv layout reads paths out of a file; the others list folders (and HSEmotion's copy is symlinks).
  const confine = layout === 'csv' ? path.join(root, CSV_IMAGES) : undefined;
  return finishCorpus(parts, { checkFiles: opts.checkFiles, concurrency: opts.concurrency, origins, confine });
}
