/**
 * Generic video corpus: a CSV manifest of clips, so SAVEE, RAMAS, IEMOCAP or a lab's own recordings run
 * without new code. Columns: `path,label[,group][,start,end]`.
 *
 * - Header: detected when the first row names `path` and `label`; columns are then found by name (any
 *   order, case-insensitive, extra columns ignored). Without a header the columns are positional, read off
 *   the first row's field count: 2 `path,label`, 3 `+group`, 4 `path,label,start,end`, 5 `path,label,group,start,end`.
 * - `path` is a video file, or a folder of pre-extracted frames (a `frames-dir` source), relative to
 *   `root` (default: the manifest's folder); one that leaves the root (by `..`,
 *   an absolute path or a symlink, for a frame folder also a symlinked frame) stops the load (BAD_MANIFEST, its row).
 * - `start`/`end` (seconds, both or neither, 0 ≤ start < end) cut a segment out of a longer video (RAMAS
 *   and IEMOCAP label intervals); the id is then `<path>@<start>-<end>`, so one file can give several items.
 * - `group` defaults to the path: segments of one recording are not independent.
 * - Labels go through the user label map, then the canonical synonyms; an unknown one is a counted skip
 *   with its line, as is any row that does not parse.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { BenchError } from '../errors.js';
import type { ClassName } from './emotions.js';
import type { Corpus } from './corpus.js';
import type { CsvManifestOptions } from './csv-manifest.js';
import type { Sample } from './sample.js';
import { leadingField, readCsvLines } from './csv.js';
import { finishCorpus } from './manifest.js';
import { isDirectory, pathEscapeError, relativePosix, resolveUnder } from './paths.js';
import { mapLimit, DEFAULT_FILE_CONCURRENCY } from './pool.js';
import { SkipList, type ItemWhere } from './skips.js';
import { canonicalOrder, rowLabel } from './source-labels.js';

/** The same options as the image CSV manifest (file, root, name, split, labelMap, classes, checkFiles, concurrency); `name` defaults to `video-csv`. */
export type VideoManifestOptions = CsvManifestOptions;

const COLUMNS = ['path', 'label', 'group', 'start', 'end'] as const;
type Column = (typeof COLUMNS)[number];
const POSITIONAL: Record<number, readonly Column[]> = {
  2: ['path', 'label'],
  3: ['path', 'label', 'group'],
  4: ['path', 'label', 'start', 'end'],
  5: ['path', 'label', 'group', 'start', 'end'],
};
const FORMAT = 'path,label[,group][,start,end]';

type Columns = { index: Partial<Record<Column, number>>; count: number };

function headerColumns(fields: string[], file: string): Columns | undefined {
  const names = fields.map((f) => f.trim().toLowerCase());
  if (!names.includes('path') || !names.includes('label')) return undefined;
  const index: Partial<Record<Column, number>> = {};
  names.forEach((n, i) => {
    if ((COLUMNS as readonly string[]).includes(n) && index[n as Column] === undefined) index[n as Column] = i;
  });
  if ((index.start === undefined) !== (index.end === undefined)) {
    throw new BenchError('BAD_CSV', `video manifest header '${fields.join(',')}' has ${index.start === undefined ? 'end' : 'start'} without ${index.start === undefined ? 'start' : 'end'}`, {
      file,
      row: 1,
      fix: `use the columns ${FORMAT} (start and end together)`,
    });
  }
  return { index, count: fields.length };
}

/** A segment from the start/end fields, `null` for none, or why it is not one. */
function segment(start: string | undefined, end: string | undefined): { start: number; end: number } | null | string {
  const s = (start ?? '').trim();
  const e = (end ?? '').trim();
  if (s === '' && e === '') return null;
  const a = Number(s);
  const b = Number(e);
  if (s === '' || e === '' || !Number.isFinite(a) || !Number.isFinite(b)) return `start/end must be two numbers of seconds or both empty, got '${s}','${e}'`;
  if (a < 0 || b <= a) return `segment ${s}-${e}: needs 0 ≤ start < end`;
  return { start: a, end: b };
}

/** Loads a video manifest corpus (see the module comment). */
export async function loadVideoManifest(opts: VideoManifestOptions): Promise<Corpus> {
  if (!opts?.file) throw new BenchError('BAD_INPUT', 'no video manifest given', { fix: 'pass --manifest <file.csv>' });
  const file = path.resolve(opts.file);
  if (!(await stat(file).then((s) => s.isFile(), () => false))) {
    throw new BenchError('BAD_INPUT', `video manifest ${file} does not exist or is not a file`, { file, fix: `pass the path of a CSV with the columns ${FORMAT}` });
  }
  const root = path.resolve(opts.root ?? path.dirname(file));
  const name = opts.name ?? 'video-csv';
  const split = opts.split ?? 'all';
  const declared = opts.classes ? new Set<ClassName>(opts.classes) : undefined;
  const skips = new SkipList();
  const sourceLabels: Record<string, ClassName | null> = {};
  type Row = { id: string; abs: string; label: ClassName; group: string; seg: { start: number; end: number } | null; rawLabel: string; where: ItemWhere };
  const rows: Row[] = [];
  let columns: Columns | undefined;

  for await (const rec of readCsvLines(file)) {
    const where = { file, row: rec.line };
    if ('error' in rec) {
      skips.add('malformed-row', leadingField(rec.text) || `line ${rec.line}`, { ...where, detail: rec.error });
      continue;
    }
    const f = rec.fields;
    if (!columns) {
      columns = headerColumns(f, file);
      if (columns) continue;
      const positional = POSITIONAL[f.length];
      if (!positional) {
        throw new BenchError('BAD_CSV', `video manifest has no header and ${f.length} fields on its first row; cannot tell its columns`, { ...where, fix: `add the header row ${FORMAT}` });
      }
      columns = { index: Object.fromEntries(positional.map((c, i) => [c, i])), count: positional.length };
    }
    const col = (c: Column): string => {
      const i = columns!.index[c];
      return i === undefined ? '' : (f[i] ?? '').trim();
    };
    const listed = col('path');
    const id0 = listed || `line ${rec.line}`;
    if (f.length !== columns.count) {
      skips.add('malformed-row', id0, { ...where, detail: `expected ${columns.count} fields, found ${f.length}` });
      continue;
    }
    const rawLabel = col('label');
    if (listed === '' || rawLabel === '') {
      skips.add('malformed-row', id0, { ...where, detail: listed === '' ? 'empty path' : 'empty label' });
      continue;
    }
    const seg = segment(col('start'), col('end'));
    if (typeof seg === 'string') {
      skips.add('malformed-row', id0, { ...where, detail: seg });
      continue;
    }
    const resolved = rowLabel(rawLabel, opts.labelMap, declared, sourceLabels);
    if (!resolved.ok) {
      skips.add(resolved.reason, id0, { ...where, detail: resolved.detail });
      continue;
    }
    const at = resolveUnder(root, listed);
    if (!at.ok) throw pathEscapeError(where, at.detail, root);
    const rel = relativePosix(root, at.abs);
    const id = seg ? `${rel}@${seg.start}-${seg.end}` : rel;
    rows.push({ id, abs: at.abs, label: resolved.label, group: col('group') || rel, seg, rawLabel, where });
  }
  if (!columns) throw new BenchError('BAD_CSV', 'video manifest has no rows', { file, fix: `list one clip per line: ${FORMAT}` });

  // A listed folder is a clip of pre-extracted frames; a segment of one makes no sense.
  const dirs = await mapLimit(rows, opts.concurrency ?? DEFAULT_FILE_CONCURRENCY, (r) => isDirectory(r.abs));
  const samples: Sample[] = [];
  const origins: ItemWhere[] = [];
  rows.forEach((r, i) => {
    if (dirs[i] && r.seg) {
      skips.add('malformed-row', r.id, { ...r.where, detail: 'start/end cut a video file; this path is a folder of frames' });
      return;
    }
    const source: Sample['source'] = dirs[i] ? { kind: 'frames-dir', dir: r.abs } : r.seg ? { kind: 'video', path: r.abs, ...r.seg } : { kind: 'video', path: r.abs };
    samples.push({ id: r.id, corpus: name, split, label: r.label, group: r.group, source, meta: { sourceLabel: r.rawLabel } });
    origins.push(r.where);
  });
  const mapped = Object.values(opts.labelMap ?? {}).filter((c): c is ClassName => c !== null);
  return finishCorpus(
    {
      name,
      root,
      split,
      layout: 'video-csv',
      classes: opts.classes ? [...opts.classes] : canonicalOrder([...mapped, ...samples.map((s) => s.label as ClassName)]),
      sourceLabels,
      samples,
      skipped: skips.items,
    },
    { checkFiles: opts.checkFiles, concurrency: opts.concurrency, origins, confine: root },
  );
}
