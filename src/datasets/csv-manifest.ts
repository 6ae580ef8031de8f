/**
 * Generic corpus: a CSV manifest listing images, so RAF-DB, FER-2013 (exported to images) or a lab's own
 * set runs without new code. Columns: `path,label[,x,y,width,height][,group][,id]`.
 *
 * - Header: detected when the first row starts with `path` or names both `path` and `label`; columns are then found by
 *   name (any order, case-insensitive, extra columns ignored). Without a header the columns are positional and their set is read off the first
 *   row's field count (2, 3, 6 or 7).
 * - Paths are relative to `root` (default: the manifest's folder); one that leaves the root (by `..`, an
 *   absolute path or a symlink, at any depth) stops the load with BAD_MANIFEST naming its row.
 * - Item ids: the path relative to the root (POSIX slashes), unless the header has an `id` column, whose
 *   value (trimmed) is then the id of every row, so several faces (boxes) of one image are separate items.
 *   An empty id is a malformed row; a repeated id is a `duplicate-id` skip either way.
 * - Labels go through the user label map, then the canonical synonyms; an unknown label is a counted skip
 *   with its line, never a stop. The box is optional per row (all four fields or none).
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { BenchError } from '../errors.js';
import type { ClassName } from './emotions.js';
import { corpusNameOf, type Corpus } from './corpus.js';
import type { Box, Sample } from './sample.js';
import { leadingField, readCsvLines } from './csv.js';
import { finishCorpus } from './manifest.js';
import { pathEscapeError, relativePosix, resolveUnder } from './paths.js';
import { SkipList, type ItemWhere } from './skips.js';
import { canonicalOrder, rowLabel, type SourceLabelMap } from './source-labels.js';

export interface CsvManifestOptions {
  /** The manifest CSV. */
  file: string;
  /** Folder the listed paths are relative to. Default: the manifest's folder. */
  root?: string;
  /** Corpus name recorded in samples, run records and tables (`raf-db`). Default: the root folder's name. */
  name?: string;
  /** Split name recorded in samples. Default `all`. */
  split?: string;
  /** Label as written in the CSV → canonical class (null excludes it); others go through the synonyms. */
  labelMap?: SourceLabelMap;
  /** The label space and its order. Default: the map's classes and those found, in canonical order. */
  classes?: ClassName[];
  /** Stat every listed file; missing ones are counted. Default true. */
  checkFiles?: boolean;
  /** Files stat'ed at once. Default 32. */
  concurrency?: number;
}

// `id` is read from a header only: positional manifests keep their 2, 3, 6 or 7 columns.
const COLUMNS = ['path', 'label', 'x', 'y', 'width', 'height', 'group', 'id'] as const;
type Column = (typeof COLUMNS)[number];
const POSITIONAL: Record<number, readonly Column[]> = {
  2: ['path', 'label'],
  3: ['path', 'label', 'group'],
  6: ['path', 'label', 'x', 'y', 'width', 'height'],
  7: ['path', 'label', 'x', 'y', 'width', 'height', 'group'],
};

/** Column name → field index, from a header row. Throws BAD_CSV when a required column is missing. */
function columnsFromHeader(fields: string[], file: string): { index: Partial<Record<Column, number>>; count: number } {
  const index: Partial<Record<Column, number>> = {};
  fields.forEach((f, i) => {
    const name = f.trim().toLowerCase() as Column;
    if ((COLUMNS as readonly string[]).includes(name) && index[name] === undefined) index[name] = i;
  });
  const box = (['x', 'y', 'width', 'height'] as const).filter((c) => index[c] !== undefined);
  if (index.label === undefined || (box.length > 0 && box.length < 4)) {
    throw new BenchError('BAD_CSV', `manifest header '${fields.join(',')}' lacks ${index.label === undefined ? "a 'label' column" : 'some of x, y, width, height'}`, {
      file,
      row: 1,
      fix: 'use the columns path,label[,x,y,width,height][,group][,id] (box columns all four or none)',
    });
  }
  return { index, count: fields.length };
}

/** A finite number, or undefined for an empty field; NaN signals "not a number". */
function numberField(s: string | undefined): number | undefined {
  const t = (s ?? '').trim();
  return t === '' ? undefined : Number(t);
}

/** Loads a CSV manifest corpus. */
export async function loadCsvManifest(opts: CsvManifestOptions): Promise<Corpus> {
  if (!opts?.file) throw new BenchError('BAD_INPUT', 'no manifest file given', { fix: 'pass --manifest <file.csv>' });
  const file = path.resolve(opts.file);
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch {
    throw new BenchError('BAD_INPUT', `manifest ${file} does not exist or is not a file`, {
      file,
      fix: 'pass the path of a CSV with the columns path,label[,x,y,width,height][,group]',
    });
  }
  const root = path.resolve(opts.root ?? path.dirname(file));
  const name = opts.name ?? corpusNameOf(root);
  const split = opts.split ?? 'all';
  const declared = opts.classes ? new Set<ClassName>(opts.classes) : undefined;

  const skips = new SkipList();
  const samples: Sample[] = [];
  const origins: ItemWhere[] = [];
  const sourceLabels: Record<string, ClassName | null> = {};
  let columns: { index: Partial<Record<Column, number>>; count: number } | undefined;

  for await (const rec of readCsvLines(file)) {
    const where = { file, row: rec.line };
    if ('error' in rec) {
      skips.add('malformed-row', leadingField(rec.text) || `line ${rec.line}`, { ...where, detail: rec.error });
      continue;
    }
    const f = rec.fields;
    if (!columns) {
      const names = f.map((x) => x.trim().toLowerCase());
      if (names[0] === 'path' || (names.includes('path') && names.includes('label'))) {
        columns = columnsFromHeader(f, file);
        continue;
      }
      const positional = POSITIONAL[f.length];
      if (!positional) {
        throw new BenchError('BAD_CSV', `manifest has no header and ${f.length} fields on its first row; cannot tell its columns`, {
          ...where,
          fix: 'add the header row path,label[,x,y,width,height][,group]',
        });
      }
      columns = { index: Object.fromEntries(positional.map((c, i) => [c, i])), count: positional.length };
    }
    const col = (c: Column): string | undefined => {
      const i = columns!.index[c];
      return i === undefined ? undefined : f[i];
    };
    const listed = (col('path') ?? '').trim();
    const givenId = columns.index.id === undefined ? undefined : (col('id') ?? '').trim();
    const id = givenId || listed || `line ${rec.line}`;
    if (f.length !== columns.count) {
      skips.add('malformed-row', id, { ...where, detail: `expected ${columns.count} fields, found ${f.length}` });
      continue;
    }
    const rawLabel = (col('label') ?? '').trim();
    if (listed === '' || rawLabel === '' || givenId === '') {
      skips.add('malformed-row', id, { ...where, detail: listed === '' ? 'empty path' : rawLabel === '' ? 'empty label' : 'empty id (the manifest has an id column)' });
      continue;
    }

    let box: Box | undefined;
    if (columns.index.x !== undefined) {
      const v = (['x', 'y', 'width', 'height'] as const).map((c) => numberField(col(c)));
      const given = v.filter((n) => n !== undefined);
      if (given.length > 0) {
        if (given.length < 4 || given.some((n) => !Number.isFinite(n))) {
          skips.add('malformed-row', id, { ...where, detail: `box fields must be four numbers or all empty, got ${['x', 'y', 'width', 'height'].map((c) => col(c as Column)).join(',')}` });
          continue;
        }
        const [x, y, width, height] = v as number[];
        if (width <= 0 || height <= 0) {
          skips.add('bad-face-box', id, { ...where, detail: `box ${x},${y},${width},${height}` });
          continue;
        }
        box = { x, y, width, height };
      }
    }

    const resolved = rowLabel(rawLabel, opts.labelMap, declared, sourceLabels);
    if (!resolved.ok) {
      skips.add(resolved.reason, id, { ...where, detail: resolved.detail });
      continue;
    }

    const at = resolveUnder(root, listed);
    if (!at.ok) throw pathEscapeError(where, at.detail, root);
    const group = (col('group') ?? '').trim();
    samples.push({
      id: givenId ?? relativePosix(root, at.abs),
      corpus: name,
      split,
      label: resolved.label,
      ...(group ? { group } : {}),
      source: box ? { kind: 'image', path: at.abs, box } : { kind: 'image', path: at.abs },
      meta: { sourceLabel: rawLabel },
    });
    origins.push(where);
  }
  if (!columns) {
    throw new BenchError('BAD_CSV', 'manifest has no rows', { file, fix: 'list one image per line: path,label[,x,y,width,height][,group]' });
  }

  const mapped = Object.values(opts.labelMap ?? {}).filter((c): c is ClassName => c !== null);
  const found = samples.map((s) => s.label as ClassName);
  return finishCorpus(
    {
      name,
      root,
      split,
      layout: 'csv',
      classes: opts.classes ? [...opts.classes] : canonicalOrder([...mapped, ...found]),
      sourceLabels,
      samples,
      skipped: skips.items,
    },
    { checkFiles: opts.checkFiles, concurrency: opts.concurrency, origins, confine: root },
  );
}
