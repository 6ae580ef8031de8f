/**
 * The accuracy table in the HSEmotion README's layout: one row per model, one column per
 * corpus/protocol (`AffectNet-8`, `AffectNet-7`, `AFEW`, ...) for one metric. A cell is the measured
 * value with its CI; a column that has published numbers gets two more beside it, `pub.` and `Δ`
 * (measured − published), grouped under the corpus header in LaTeX. Replica runs never appear here.
 */
import * as aq from 'arquero';
import { BenchError } from '../errors.js';
import { suggestion } from '../util/did-you-mean.js';
import {
  compareCorpusColumns,
  corpusLabel,
  formatDiff,
  formatMetric,
  formatWithCI,
  metricHeading,
  metricKey,
  metricUnit,
} from './format.js';
import { DEMO_NOTE, listFiles, sourcesNote } from './notes.js';
import { HOW_TO_MAKE_RUNS, modelLabel, resultRows, selectNewest, type LoadedRun, type ResultRow } from './results.js';
import type { TextColumn, TextTable } from './table.js';

export interface ResultsTableOptions {
  /** Metric shown in the cells, in any spelling (`macro_f1`, `macroF1`). Default `accuracy`. */
  metric?: string;
}

/** Printed for a missing cell, as in the README. */
const MISSING = '-';

/**
 * Builds the model × corpus table for one metric from eval runs (other kinds are ignored). The newest
 * run of each (model, corpus, protocol) is used; replica runs are left out; both are stated in the
 * notes. The CSV rendering (`data`) holds every metric of the runs used, not just the chosen one.
 */
export function resultsTable(runs: readonly LoadedRun[], options: ResultsTableOptions = {}): TextTable {
  const metric = options.metric ?? 'accuracy';
  const { runs: newest, notes } = selectNewest(runs.filter((r) => r.record.kind === 'eval'));
  const all = resultRows(newest);
  const replicaFiles = all.filter((r) => r.replica).map((r) => r.runFile);
  if (replicaFiles.length) {
    notes.push(`Left out replica runs (random weights: latency only, never accuracy): ${listFiles(replicaFiles)}.`);
  }
  const kept = all.filter((r) => !r.replica);
  if (kept.length === 0) {
    throw new BenchError('BAD_INPUT', `no eval run records to tabulate${replicaFiles.length ? ' (only replica runs, which have no accuracy)' : ''}`, {
      fix: HOW_TO_MAKE_RUNS,
    });
  }
  const rows = kept.filter((r) => metricKey(r.metric) === metricKey(metric));
  if (rows.length === 0) {
    const known = [...new Set(kept.map((r) => r.metric))].sort();
    throw new BenchError('BAD_INPUT', `no eval run has the metric "${metric}".${suggestion(metric, known)}`, {
      fix: `choose --metric from: ${known.join(', ')}`,
    });
  }

  // One column per corpus (name, split, release, manifest) and protocol: different corpora never share a cell.
  const specOf = (r: ResultRow): ColumnSpec => ({ corpus: r.corpus, split: r.split, release: r.release, manifestSha256: r.manifestSha256, protocol: r.protocol });
  const same = (a: ColumnSpec, b: ColumnSpec) =>
    a.corpus === b.corpus && a.split === b.split && a.release === b.release && a.manifestSha256 === b.manifestSha256 && a.protocol === b.protocol;
  const specs: ColumnSpec[] = [];
  for (const r of rows) if (!specs.some((s) => same(s, specOf(r)))) specs.push(specOf(r));
  // The published setting (val split, official release) first, as in the README, then the others.
  const offDefault = (s: ColumnSpec) => (s.split === 'val' ? 0 : 2) + (s.release === null || s.release === 'official' ? 0 : 1);
  specs.sort(
    (a, b) =>
      compareCorpusColumns(a, b) ||
      offDefault(a) - offDefault(b) ||
      a.split.localeCompare(b.split) ||
      String(a.release).localeCompare(String(b.release)) ||
      String(a.manifestSha256).localeCompare(String(b.manifestSha256)),
  );
  const keyOf = (r: ResultRow) => `k${specs.findIndex((s) => same(s, specOf(r)))}`;
  const marks = cellMarks(rows);
  // After selectNewest there is at most one row per (model, demo, column), so `any` just picks it.
  const wide = aq
    .from(
      rows.map((r) => ({
        model: r.model,
        demo: r.demo,
        key: keyOf(r),
        cell: formatWithCI(metric, r.value, r.ciLow, r.ciHigh) + marks.cell(r),
        pub: r.published === null ? null : formatMetric(metric, r.published),
        diff: r.diff === null ? null : formatDiff(metric, r.diff) + marks.diff(r),
      })),
    )
    .groupby('model', 'demo')
    .pivot('key', { cell: 'd => op.any(d.cell)', pub: 'd => op.any(d.pub)', diff: 'd => op.any(d.diff)' })
    .orderby('model', 'demo')
    .objects() as Array<Record<string, unknown>>;

  const columns: TextColumn[] = [{ title: 'Model', align: 'l' }];
  const fields: Array<{ title: string; field: string }> = [];
  specs.forEach((spec, i) => {
    const label = columnLabel(spec, specs);
    const hasPublished = rows.some((r) => keyOf(r) === `k${i}` && r.published !== null);
    if (!hasPublished) {
      columns.push({ title: label, align: 'r' });
      fields.push({ title: label, field: `cell_k${i}` });
      return;
    }
    columns.push(
      { title: label, group: label, sub: 'measured', align: 'r' },
      { title: `${label} pub.`, group: label, sub: 'pub.', align: 'r' },
      { title: `${label} Δ`, group: label, sub: 'Δ', align: 'r' },
    );
    fields.push({ title: label, field: `cell_k${i}` }, { title: `${label} pub.`, field: `pub_k${i}` }, { title: `${label} Δ`, field: `diff_k${i}` });
  });
  const textRows = wide.map((w) => {
    const row: Record<string, string> = { Model: modelLabel({ model: String(w.model), replica: false, demo: w.demo === true }) };
    for (const { title, field } of fields) row[title] = typeof w[field] === 'string' ? (w[field] as string) : MISSING;
    return row;
  });

  if (rows.some((r) => r.demo)) notes.push(DEMO_NOTE);
  notes.push(...marks.notes);
  const sources = sourcesNote(rows);
  if (sources) notes.push(sources);

  return {
    columns,
    rows: textRows,
    legend: legend(metric, rows),
    notes,
    data: aq
      .from(kept.map((r) => ({ ...r, countedWrong: r.countedWrong.join('+'), absentFromCorpus: r.absentFromCorpus.join('+') })))
      .orderby('model', 'demo', 'corpus', 'split', 'protocol', 'metric')
      .objects(),
  };
}

function legend(metric: string, rows: readonly ResultRow[]): string {
  const levels = [...new Set(rows.map((r) => r.ciLevel).filter((l): l is number => l !== null))];
  const units = [...new Set(rows.map((r) => r.ciUnit).filter((u): u is 'item' | 'group' => u !== null))];
  const unit = units.length === 1 ? (units[0] === 'group' ? ' (bootstrap over groups: clips, videos or actors)' : ' (bootstrap over items)') : units.length > 1 ? ` (bootstrap over items; ${GROUP_MARK} over groups)` : '';
  const ci = levels.length === 0 ? '' : ` with ${levels.length === 1 ? `${Math.round(levels[0] * 100)}% ` : ''}CI in brackets${unit}`;
  const pub = rows.some((r) => r.published !== null)
    ? `; pub. = published value; Δ = measured − published${metricUnit(metric) === 'percent' ? ' (points)' : ''}`
    : '';
  return `${metricHeading(metric)}${ci}${pub}.`;
}

interface ColumnSpec {
  corpus: string;
  split: string;
  release: string | null;
  manifestSha256: string | null;
  protocol: string;
}

/**
 * The column header: corpus and protocol (`AffectNet-8`), then whatever tells it apart from the published
 * default or from a neighbour: a split other than val, a release other than official, and the manifest
 * hash when two columns would otherwise read the same.
 */
function columnLabel(spec: ColumnSpec, all: readonly ColumnSpec[]): string {
  const extra: string[] = [];
  if (spec.split !== 'val' && spec.split !== 'all') extra.push(spec.split);
  if (spec.release && spec.release !== 'official') extra.push(spec.release);
  const twins = all.filter((s) => s.corpus === spec.corpus && s.split === spec.split && s.release === spec.release && s.protocol === spec.protocol);
  if (twins.length > 1 && spec.manifestSha256) extra.push(`manifest ${spec.manifestSha256.slice(0, 8)}`);
  const base = corpusLabel(spec.corpus, spec.protocol);
  return extra.length ? `${base} [${extra.join(', ')}]` : base;
}

/** Marks beside a cell, each explained by one note (they survive LaTeX as tablenotes, see table.ts). */
export const COUNTED_WRONG_MARK = '†';
export const ABSENT_MARK = '‡';
export const PIPELINE_MARK = '§';
export const GROUP_MARK = '¶';

/** What each cell's marks are, and the notes that explain them (only marks that occur). */
export function cellMarks(rows: readonly ResultRow[]) {
  const units = new Set(rows.map((r) => r.ciUnit).filter((u) => u !== null));
  const pipelineDiffers = (r: ResultRow) => r.published !== null && r.resize !== null && r.publishedResize !== null && r.resize !== r.publishedResize;
  const notes: string[] = [];
  const wrong = rows.filter((r) => r.countedWrong.length > 0);
  if (wrong.length) {
    const which = [...new Set(wrong.map((r) => `${r.model} on ${r.corpus} (${r.protocol}): ${r.countedWrong.join(', ')}`))].join('; ');
    notes.push(`${COUNTED_WRONG_MARK} the model has no logit for a class of the protocol; its items are counted wrong, as in the published protocol: ${which}.`);
  }
  const absent = rows.filter((r) => r.absentFromCorpus.length > 0);
  if (absent.length) {
    const which = [...new Set(absent.map((r) => `${r.model} on ${r.corpus} (${r.protocol}): ${r.absentFromCorpus.join(', ')}`))].join('; ');
    notes.push(`${ABSENT_MARK} classes of the protocol absent from the corpus (no items, so no recall; still predictable): ${which}.`);
  }
  const piped = rows.filter(pipelineDiffers);
  if (piped.length) {
    const which = [...new Set(piped.map((r) => `${r.model} on ${r.corpus}: measured with resize ${r.resize}, published with ${r.publishedResize}`))].join('; ');
    notes.push(`${PIPELINE_MARK} preprocessing differs from the published pipeline, so Δ mixes model and pipeline: ${which}.`);
  }
  return {
    notes,
    cell: (r: ResultRow) =>
      (r.countedWrong.length ? COUNTED_WRONG_MARK : '') + (r.absentFromCorpus.length ? ABSENT_MARK : '') + (units.size > 1 && r.ciUnit === 'group' ? GROUP_MARK : ''),
    diff: (r: ResultRow) => (pipelineDiffers(r) ? ` ${PIPELINE_MARK} ${r.resize}≠${r.publishedResize}` : ''),
  };
}
