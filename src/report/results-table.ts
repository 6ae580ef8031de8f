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

  const specs = (aq.from(rows).select('corpus', 'protocol').dedupe().objects() as Array<{ corpus: string; protocol: string }>).sort(
    compareCorpusColumns,
  );
  const keyOf = (r: { corpus: string; protocol: string }) => `k${specs.findIndex((s) => s.corpus === r.corpus && s.protocol === r.protocol)}`;
  // After selectNewest there is at most one row per (model, demo, column), so `any` just picks it.
  const wide = aq
    .from(
      rows.map((r) => ({
        model: r.model,
        demo: r.demo,
        key: keyOf(r),
        cell: formatWithCI(metric, r.value, r.ciLow, r.ciHigh),
        pub: r.published === null ? null : formatMetric(metric, r.published),
        diff: r.diff === null ? null : formatDiff(metric, r.diff),
      })),
    )
    .groupby('model', 'demo')
    .pivot('key', { cell: 'd => op.any(d.cell)', pub: 'd => op.any(d.pub)', diff: 'd => op.any(d.diff)' })
    .orderby('model', 'demo')
    .objects() as Array<Record<string, unknown>>;

  const columns: TextColumn[] = [{ title: 'Model', align: 'l' }];
  const fields: Array<{ title: string; field: string }> = [];
  specs.forEach((spec, i) => {
    const label = corpusLabel(spec.corpus, spec.protocol);
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
  const sources = sourcesNote(rows);
  if (sources) notes.push(sources);

  return {
    columns,
    rows: textRows,
    legend: legend(metric, rows),
    notes,
    data: aq.from(kept).orderby('model', 'demo', 'corpus', 'protocol', 'metric').objects(),
  };
}

function legend(metric: string, rows: readonly ResultRow[]): string {
  const levels = [...new Set(rows.map((r) => r.ciLevel).filter((l): l is number => l !== null))];
  const ci = levels.length === 0 ? '' : ` with ${levels.length === 1 ? `${Math.round(levels[0] * 100)}% ` : ''}CI in brackets`;
  const pub = rows.some((r) => r.published !== null)
    ? `; pub. = published value; Δ = measured − published${metricUnit(metric) === 'percent' ? ' (points)' : ''}`
    : '';
  return `${metricHeading(metric)}${ci}${pub}.`;
}
