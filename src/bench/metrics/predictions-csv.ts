/**
 * Reads predictions made by any tool from CSV text into metric inputs. One record per line (fields may be
 * double-quoted with "" for a quote and commas inside; the shared parser in src/datasets/csv.ts); blank
 * lines are skipped and a UTF-8 BOM is dropped.
 *
 * Columns (header names case-insensitive, any order): `label` (required), `pred` (required unless score
 * columns are present, then the argmax is used), optional `id` and `group`, and optional score columns
 * named `score_<class>` (e.g. `score_anger`, or `score_0` with indices); when present there must be one per
 * class. Other columns are ignored.
 *
 * Class values are class names or 0-based indices. Emotion names are normalised as `bench eval` reads
 * corpus labels (case, synonyms: "Happy", "joy" → happiness), in the class list, the values and the score
 * columns alike, so `--classes happiness,joy` is a duplicate and `hapy` is not a new class. With an explicit
 * class list, a value equal to a class name is that class, otherwise a non-negative integer is an index.
 * Without one, classes are inferred: if every label, prediction and score-column suffix is a non-negative
 * integer, classes are 0..max; otherwise they are the distinct names, sorted by code unit (so the order
 * never depends on row order). When the names are emotions, a name that is none (a typo) is an error with
 * a did-you-mean rather than an extra class that would change macro-F1.
 */
import { BenchError } from '../../errors.js';
import { suggestion } from '../../util/did-you-mean.js';
import { parseCsvLine } from '../../datasets/csv.js';
import { EMOTION_SPELLINGS, EMOTIONS, toEmotion } from '../../datasets/emotions.js';
import { didYouMean } from '../../util/did-you-mean.js';
import type { ClassificationInput } from './report.js';

export const SCORE_PREFIX = 'score_';

export interface PredictionsTable extends ClassificationInput {
  classes: string[];
  labels: Int32Array;
  /** Absent when the CSV has no pred column (the argmax of the scores is then used). */
  preds?: Int32Array;
  /** Flat N×K scores in class order, when the CSV has score columns. */
  scores?: Float64Array;
  groups?: string[];
  ids?: string[];
}

export interface PredictionsCsvOptions {
  /** Used in error messages. */
  file: string;
  /** Explicit class list (names, in index order); inferred when absent. */
  classes?: readonly string[];
}

const INDEX = /^\d+$/;

interface CsvRecord {
  /** 1-based line number. */
  line: number;
  fields: string[];
}

/** Splits the text into records; every record must have as many fields as the header. */
export function csvRecords(text: string, file: string): CsvRecord[] {
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/);
  const records: CsvRecord[] = [];
  lines.forEach((raw, j) => {
    if (raw.trim() === '') return;
    const parsed = parseCsvLine(raw);
    if ('error' in parsed) {
      throw new BenchError('BAD_CSV', `line ${j + 1}: ${parsed.error}`, { file, row: j + 1, fix: 'quote the whole field and write a quote inside it as ""' });
    }
    records.push({ line: j + 1, fields: parsed.fields });
  });
  const width = records[0]?.fields.length;
  for (const r of records) {
    if (r.fields.length !== width) {
      throw new BenchError('BAD_CSV', `line ${r.line} has ${r.fields.length} fields but the header has ${width}`, {
        file,
        row: r.line,
        fix: 'give every row one value per header column (quote values that contain commas)',
      });
    }
  }
  return records;
}

/** Parses a predictions CSV (see module comment). Errors name the file, the line and the fix. */
export function parsePredictionsCsv(text: string, options: PredictionsCsvOptions): PredictionsTable {
  const { file } = options;
  const records = csvRecords(text, file);
  if (records.length < 2) {
    throw new BenchError('BAD_CSV', records.length === 0 ? 'the file is empty' : 'the file has a header but no rows', {
      file,
      fix: 'write a header line (label,pred,…) and one row per item',
    });
  }
  const header = records[0].fields.map((h) => h.trim());
  const column = (name: string): number => {
    const hits = header.flatMap((h, j) => (h.toLowerCase() === name ? [j] : []));
    if (hits.length > 1) throw new BenchError('BAD_CSV', `column "${name}" appears ${hits.length} times in the header`, { file, row: 1, fix: 'keep one' });
    return hits.length ? hits[0] : -1;
  };
  const labelCol = column('label');
  const predCol = column('pred');
  const idCol = column('id');
  const groupCol = column('group');
  if (labelCol < 0) {
    throw new BenchError('BAD_CSV', `no "label" column (header: ${header.join(',')}).${suggestion('label', header)}`, {
      file,
      row: 1,
      fix: 'name the true-class column "label"',
    });
  }
  const scoreCols = header.flatMap((h, j) => (h.startsWith(SCORE_PREFIX) ? [{ cls: canonicalClass(h.slice(SCORE_PREFIX.length)), col: j }] : []));
  if (predCol < 0 && scoreCols.length === 0) {
    throw new BenchError('BAD_CSV', 'no "pred" column and no score columns', { file, row: 1, fix: 'add a "pred" column or score_<class> columns' });
  }

  const rows = records.slice(1);
  // Label and pred cells as class names: emotion synonyms and case resolved, anything else as written.
  const cell = (r: (typeof rows)[number], col: number): string => r.fields[col].trim();
  const value = (r: (typeof rows)[number], col: number): string => canonicalClass(cell(r, col));
  for (const r of rows) {
    for (const [col, name] of [
      [labelCol, 'label'],
      [predCol, 'pred'],
    ] as const) {
      if (col >= 0 && cell(r, col) === '') {
        throw new BenchError('BAD_CSV', `line ${r.line}: empty ${name}`, { file, row: r.line, fix: `give every row a ${name} (a class name or index)` });
      }
    }
  }

  const classes = options.classes
    ? options.classes.map(canonicalClass)
    : inferClasses(
        rows.flatMap((r) => [{ v: value(r, labelCol), line: r.line, what: 'label' }, ...(predCol >= 0 ? [{ v: value(r, predCol), line: r.line, what: 'pred' }] : [])]),
        scoreCols.map((s) => s.cls),
        file,
      );
  if (new Set(classes).size !== classes.length) {
    const given = options.classes ? ` (${options.classes.join(',')})` : '';
    throw new BenchError('BAD_INPUT', `the class list has duplicates once synonyms are resolved: ${classes.join(',')}${given}`, { fix: 'list each class once (happy, happiness and joy are one class)' });
  }
  const k = classes.length;
  const byName = new Map(classes.map((c, i) => [c, i]));
  const toIndex = (value: string, line: number, what: string): number => {
    const named = byName.get(value);
    if (named !== undefined) return named;
    if (INDEX.test(value) && Number(value) < k) return Number(value);
    throw new BenchError('BAD_CSV', `line ${line}: ${what} "${value}" is not one of the ${k} classes (${classes.join(', ')}).${suggestion(value, classes)}`, {
      file,
      row: line,
      fix: `use a class name or an index in 0..${k - 1}, or pass the full class list with --classes`,
    });
  };

  // Score columns, in class order.
  let scoreOrder: number[] | undefined;
  if (scoreCols.length > 0) {
    for (const s of scoreCols) {
      if (!byName.has(s.cls) && !(INDEX.test(s.cls) && Number(s.cls) < k)) {
        throw new BenchError('BAD_CSV', `score column "${SCORE_PREFIX}${s.cls}" names no class.${suggestion(s.cls, classes)}`, {
          file,
          row: 1,
          fix: `name score columns ${SCORE_PREFIX}<class> for the classes ${classes.join(', ')}`,
        });
      }
    }
    scoreOrder = classes.map((c, i) => {
      const hit = scoreCols.find((s) => s.cls === c) ?? scoreCols.find((s) => s.cls === String(i));
      if (!hit) {
        throw new BenchError('BAD_CSV', `score columns are given but "${SCORE_PREFIX}${c}" is missing`, {
          file,
          row: 1,
          fix: 'give one score column per class, or none',
        });
      }
      return hit.col;
    });
  }

  const n = rows.length;
  const labels = new Int32Array(n);
  const preds = new Int32Array(n);
  const scores = scoreOrder ? new Float64Array(n * k) : undefined;
  rows.forEach((r, i) => {
    labels[i] = toIndex(value(r, labelCol), r.line, 'label');
    if (scores && scoreOrder) {
      scoreOrder.forEach((col, c) => {
        const raw = cell(r, col);
        const v = raw === '' ? NaN : Number(raw);
        if (!Number.isFinite(v)) {
          throw new BenchError('BAD_CSV', `line ${r.line}: ${header[col]} = "${raw}" is not a finite number`, {
            file,
            row: r.line,
            fix: 'write scores as plain numbers (no NaN, Infinity or blanks)',
          });
        }
        scores[i * k + c] = v;
      });
    }
    if (predCol >= 0) preds[i] = toIndex(value(r, predCol), r.line, 'pred');
  });
  // Without a pred column, scoreClassification predicts the argmax of the scores.
  const table: PredictionsTable = { classes, labels };
  if (predCol >= 0) table.preds = preds;
  if (scores) table.scores = scores;
  if (groupCol >= 0) {
    table.groups = rows.map((r) => {
      const g = cell(r, groupCol);
      if (g === '') throw new BenchError('BAD_CSV', `line ${r.line}: empty group`, { file, row: r.line, fix: 'give every row a group, or drop the group column' });
      return g;
    });
  }
  if (idCol >= 0) table.ids = rows.map((r) => cell(r, idCol));
  return table;
}

/** An emotion name in its canonical spelling ("Happy" → happiness); indices and other names unchanged. */
export function canonicalClass(name: string): string {
  return toEmotion(name) ?? name.trim();
}

/**
 * Classes from the values seen: 0..max when all are indices, else the sorted distinct names. When any
 * name is an emotion, every name must be one: a typo fails here, naming its line.
 */
function inferClasses(values: Array<{ v: string; line: number; what: string }>, scoreSuffixes: string[], file: string): string[] {
  const all = [...values.map((x) => x.v), ...scoreSuffixes];
  if (all.every((v) => INDEX.test(v))) {
    const max = all.reduce((m, v) => Math.max(m, Number(v)), 0);
    return Array.from({ length: max + 1 }, (_, i) => String(i));
  }
  const isEmotion = (v: string) => (EMOTIONS as readonly string[]).includes(v);
  // Suggest by spelling ("hapy" is one edit from "happy"), name the canonical class.
  const closest = (v: string) => {
    const names = [...new Set(didYouMean(v, EMOTION_SPELLINGS).map((c) => toEmotion(c)!))];
    return names.length ? ` Did you mean: ${names.join(', ')}?` : '';
  };
  if (all.some(isEmotion)) {
    const odd = values.find((x) => !isEmotion(x.v));
    if (odd) {
      throw new BenchError('BAD_CSV', `line ${odd.line}: ${odd.what} "${odd.v}" is not an emotion name.${closest(odd.v)}`, {
        file,
        row: odd.line,
        fix: `correct it to one of ${EMOTIONS.join(', ')} (synonyms such as happy, angry are read too), or pass the full class list with --classes`,
      });
    }
    const oddScore = scoreSuffixes.find((v) => !isEmotion(v) && !INDEX.test(v));
    if (oddScore !== undefined) {
      throw new BenchError('BAD_CSV', `score column "${SCORE_PREFIX}${oddScore}" is not an emotion name.${closest(oddScore)}`, {
        file,
        row: 1,
        fix: `name score columns ${SCORE_PREFIX}<emotion>, or pass the full class list with --classes`,
      });
    }
  }
  return [...new Set(all)].sort();
}
