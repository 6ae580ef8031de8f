/**
 * Leave-one-corpus-out bars: the held-out test corpus on x, one bar per model (or model + head), the
 * CI as a black line and the published value as a black tick. Built from eval run records whose
 * protocol is a LOCO protocol (see trained.ts for the record shape), or from result rows directly.
 */
import type { TopLevelSpec } from 'vega-lite';
import { BenchError } from '../../errors.js';
import { compareCorpusColumns, corpusLabel, metricHeading, metricKey, metricLabel, toDisplayScale } from '../format.js';
import { modelLabel, runProtocol, type LoadedRun, type ResultRow } from '../results.js';
import { accuracyRuns, anyDemo, runModelLabel } from './runs.js';
import { figureName, figureTitle, fileList, noData, nominalColor, withStyle, type FigureSet } from './style.js';
import { isLocoProtocol, metricRowsOf, readHead, testCorpusLabel, type TrainedRunsOptions } from './trained.js';

export interface LocoPoint {
  /** Test corpus column, e.g. `AFEW`. */
  test: string;
  model: string;
  /** Record scale (fractions for rates). */
  value: number;
  low: number | null;
  high: number | null;
  published: number | null;
}

export interface LocoFigureOptions {
  /** Default `uar` (the EMO-AffectNet LOCO table's metric). */
  metric?: string;
  title?: string;
  /** Extra subtitle lines (e.g. what the heads were trained on). */
  subtitle?: readonly string[];
  demo?: boolean;
}

/** The spec from points in column order; refuses two bars of one model on one corpus (they would stack into a sum). */
export function locoSpec(points: readonly LocoPoint[], tests: readonly string[], options: LocoFigureOptions = {}): TopLevelSpec {
  const { metric = 'uar', title = 'Leave-one-corpus-out' } = options;
  if (points.length === 0) throw noData(`no result has the metric "${metric}"`, 'run `bench eval` with the LOCO protocol, or choose another metric');
  const seen = new Set<string>();
  for (const p of points) {
    const key = `${p.model}\u0000${p.test}`;
    if (seen.has(key)) {
      throw new BenchError('BAD_INPUT', `two results for ${p.model} on ${p.test} (${metric})`, {
        fix: 'pass one run per model and test corpus, e.g. resultRows(selectNewest(runs).runs)',
      });
    }
    seen.add(key);
  }
  const scale = (v: number | null) => (v === null ? null : toDisplayScale(metric, v));
  const values = points.map((p) => ({ test: p.test, model: p.model, value: scale(p.value), low: scale(p.low), high: scale(p.high), published: scale(p.published) }));
  const models = [...new Set(points.map((p) => p.model))].sort();
  const hasPublished = values.some((v) => v.published !== null);
  const hasCi = values.some((v) => v.low !== null && v.high !== null);
  const legendLine = ['bars: measured', ...(hasCi ? ['black lines: CI'] : []), ...(hasPublished ? ['black ticks: published'] : [])].join('; ');
  return withStyle({
    title: figureTitle(title, [`${metricLabel(metric)} on each held-out corpus; ${legendLine}.`, ...(options.subtitle ?? [])], { demo: options.demo }),
    // With xOffset the step is one bar, not one test corpus.
    width: { step: models.length > 1 ? 28 : 48 },
    height: 260,
    data: { values },
    encoding: {
      x: { field: 'test', type: 'nominal', sort: [...tests], title: 'held-out test corpus', axis: { labelAngle: tests.some((t) => t.length > 10) ? -30 : 0 } },
      xOffset: { field: 'model', type: 'nominal', sort: models },
    },
    layer: [
      {
        mark: { type: 'bar', stroke: 'black', strokeWidth: 0.5 },
        encoding: {
          y: { field: 'value', type: 'quantitative', title: metricHeading(metric), stack: null, ...(metricHeading(metric).endsWith('(%)') ? { scale: { domain: [0, 100] } } : {}) },
          color: { field: 'model', type: 'nominal', sort: models, title: 'model', scale: nominalColor(models), legend: { orient: 'bottom', direction: 'vertical' } },
        },
      },
      {
        transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
        mark: { type: 'rule', color: 'black', strokeWidth: 1.5 },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
      {
        transform: [{ filter: 'isValid(datum.published)' }],
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: { y: { field: 'published', type: 'quantitative' } },
      },
    ],
  });
}

function pointOf(row: ResultRow, test: string, model: string): LocoPoint {
  return { test, model, value: row.value, low: row.ciLow, high: row.ciHigh, published: row.published };
}

/** LOCO bars from long result rows (one per model and test corpus; replica rows are never plotted). */
export function locoRowsSpec(rows: readonly ResultRow[], options: LocoFigureOptions = {}): TopLevelSpec {
  const metric = options.metric ?? 'uar';
  const used = rows.filter((r) => !r.replica && metricKey(r.metric) === metricKey(metric));
  if (used.length === 0) throw noData(`no non-replica result has the metric "${metric}"`, 'run `bench eval` with the LOCO protocol, or choose another metric');
  const tests = [...new Map(used.map((r) => [corpusLabel(r.corpus, r.protocol), r])).values()].sort(compareCorpusColumns).map((r) => corpusLabel(r.corpus, r.protocol));
  return locoSpec(used.map((r) => pointOf(r, corpusLabel(r.corpus, r.protocol), modelLabel(r))), tests, { ...options, demo: options.demo ?? used.some((r) => r.demo) });
}

export type LocoRunsOptions = TrainedRunsOptions;

/** One LOCO figure from the LOCO eval runs (newest per model, head and held-out corpus; replicas never). */
export function locoFigures(runs: readonly LoadedRun[], options: LocoRunsOptions = {}): FigureSet {
  const { metric = 'uar', isLoco = isLocoProtocol, headOf = readHead } = options;
  const loco = runs.filter((r) => r.record.kind === 'eval' && isLoco(runProtocol(r.record)));
  if (loco.length === 0) {
    throw noData('no eval run record has a leave-one-corpus-out protocol (`protocol: "loco"`)', 'evaluate trained heads under the LOCO protocol, or point --runs at the directory that holds their records');
  }
  // Under LOCO a head's training set follows from its test corpus: a newer run of the same head replaces an older one.
  const { runs: chosen, notes } = accuracyRuns(loco, (r) => headOf(r)?.name ?? 'head');
  const points: LocoPoint[] = [];
  const order: Array<{ corpus: string; protocol: string; label: string }> = [];
  const { found, lacking } = metricRowsOf(chosen, metric);
  for (const { run, row } of found) {
    const test = testCorpusLabel(run.record, isLoco);
    if (!order.some((o) => o.label === test)) order.push({ corpus: row.corpus, protocol: 'default', label: test });
    points.push(pointOf(row, test, runModelLabel(run.record, { headOf, training: false })));
  }
  if (lacking.length) notes.push(`No ${metric} in ${fileList(lacking)}.`);
  if (points.length === 0) throw noData(`no LOCO run record has the metric "${metric}"`, 'choose another --metric (e.g. accuracy, uar, macro_f1)');
  const used = chosen.filter((r) => !lacking.includes(r.file));
  // Corpora seen anywhere (trained on or tested on): under LOCO each head is trained on all but its test corpus.
  const corpora = [...new Set(used.flatMap((r) => [r.record.provenance.dataset?.corpus ?? 'unknown', ...(headOf(r.record)?.trainCorpora ?? [])]))].sort((a, b) =>
    compareCorpusColumns({ corpus: a, protocol: 'default' }, { corpus: b, protocol: 'default' }),
  );
  const odd = used.filter((r) => {
    const train = headOf(r.record)?.trainCorpora;
    const test = r.record.provenance.dataset?.corpus;
    return !train || train.length !== corpora.length - 1 || train.includes(test ?? '') || !corpora.filter((c) => c !== test).every((c) => train.includes(c));
  });
  if (odd.length) notes.push(`Not trained on exactly the other corpora (${corpora.join(', ')}): ${fileList(odd.map((r) => r.file))}.`);
  const tests = order.sort(compareCorpusColumns).map((o) => o.label);
  const subtitle = [`Each bar: a head trained on the other corpora of ${corpora.map((c) => corpusLabel(c, 'default')).join(', ')}.`];
  return { figures: [{ name: figureName('loco', metric), spec: locoSpec(points, tests, { metric, subtitle, demo: anyDemo(used) }) }], notes };
}
