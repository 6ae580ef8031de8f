/**
 * The train × test cross-corpus heatmap of one metric: rows the corpora a head was trained on, columns
 * the test corpus, one figure per model (backbone + head). Cells print the value and its CI; the
 * colour runs light to dark over the metric's whole range, so cells compare across figures.
 */
import type { TopLevelSpec } from 'vega-lite';
import { compareCorpusColumns, formatMetric, metricHeading, metricKey, metricLabel, metricUnit, toDisplayScale } from '../format.js';
import type { LoadedRun } from '../results.js';
import { accuracyRuns, runModelLabel } from './runs.js';
import { figureName, figureTitle, fileList, noData, SEQUENTIAL_SCHEME, withStyle, type FigureSet } from './style.js';
import { headKey, isLocoProtocol, isTrainingProtocol, metricRowsOf, readHead, testCorpusLabel, trainSetLabel, type TrainedRunsOptions } from './trained.js';

export interface CrossCell {
  train: string;
  test: string;
  /** Record scale (fractions for rates). */
  value: number;
  low: number | null;
  high: number | null;
}

export interface CrossCorpusSpecInput {
  model: string;
  metric: string;
  cells: readonly CrossCell[];
  trains: readonly string[];
  tests: readonly string[];
  demo?: boolean;
}

export function crossCorpusSpec(input: CrossCorpusSpecInput): TopLevelSpec {
  const { metric } = input;
  if (input.cells.length === 0) throw noData(`no cross-corpus result for ${input.model}`, 'evaluate heads trained on one set of corpora on another');
  const shown = input.cells.map((c) => toDisplayScale(metric, c.value));
  // Rates use their whole 0–100 range; other metrics (CCC, ...) at least 0–1, so colours mean the same in every figure.
  const domain = metricUnit(metric) === 'percent' ? [0, 100] : [Math.min(0, ...shown), Math.max(1, ...shown)];
  const values = input.cells.map((c) => {
    const v = toDisplayScale(metric, c.value);
    const share = (v - domain[0]) / (domain[1] - domain[0]);
    const ci = c.low !== null && c.high !== null ? `\n[${formatMetric(metric, c.low)}, ${formatMetric(metric, c.high)}]` : '';
    return { train: c.train, test: c.test, value: v, text: formatMetric(metric, c.value) + ci, dark: share > 0.55 };
  });
  const hasCi = input.cells.some((c) => c.low !== null && c.high !== null);
  const rowPx = hasCi ? 44 : 32;
  return withStyle({
    title: figureTitle(`Cross-corpus ${metricLabel(metric)}: ${input.model}`, [`Rows: corpora the head was trained on; columns: test corpus; cells: ${metricHeading(metric)}${hasCi ? ' with CI' : ''}.`], { demo: input.demo }),
    width: { step: 92 },
    height: { step: rowPx },
    data: { values },
    encoding: {
      x: { field: 'test', type: 'nominal', sort: [...input.tests], title: 'test corpus', axis: { orient: 'top', labelAngle: input.tests.some((t) => t.length > 12) ? -30 : 0 } },
      y: { field: 'train', type: 'nominal', sort: [...input.trains], title: 'trained on' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            title: metricHeading(metric),
            scale: { domain, scheme: SEQUENTIAL_SCHEME },
            // No taller than the heatmap, so the scale does not hang below it.
            legend: { gradientLength: Math.max(80, Math.min(200, input.trains.length * rowPx - 30)) },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 11, lineBreak: '\n', lineHeight: 14 },
        encoding: {
          text: { field: 'text', type: 'nominal' },
          color: { condition: { test: 'datum.dark', value: 'white' }, value: 'black' },
        },
      },
    ],
  });
}

export type CrossCorpusOptions = TrainedRunsOptions;

/** One heatmap per model (+ head) from every eval run whose head names its training corpora (LOCO runs included). */
export function crossCorpusFigures(runs: readonly LoadedRun[], options: CrossCorpusOptions = {}): FigureSet {
  const { metric = 'uar', isLoco = isLocoProtocol, headOf = readHead } = options;
  const trained = runs.filter((r) => r.record.kind === 'eval' && headOf(r.record) !== null);
  if (trained.length === 0) {
    throw noData('no eval run record names the corpora its head was trained on (`head.trainCorpora`)', 'evaluate trained heads on other corpora, or point --runs at the directory that holds their records');
  }
  const { runs: chosen, notes } = accuracyRuns(trained, (r) => headKey(headOf(r)));
  const zeroShot = runs.filter((r) => r.record.kind === 'eval' && !r.record.replica && headOf(r.record) === null).length;
  if (zeroShot) notes.push(`${zeroShot} zero-shot run record${zeroShot === 1 ? '' : 's'} (no trained head) left out of the cross-corpus heatmap.`);
  const byModel = new Map<string, { cells: CrossCell[]; trains: string[]; tests: Map<string, { corpus: string; protocol: string }>; demo: boolean }>();
  const { found, lacking } = metricRowsOf(chosen, metric);
  for (const { run, row } of found) {
    const model = runModelLabel(run.record, { headOf, training: false });
    const entry = byModel.get(model) ?? { cells: [] as CrossCell[], trains: [] as string[], tests: new Map<string, { corpus: string; protocol: string }>(), demo: false };
    const train = trainSetLabel(headOf(run.record)!);
    const test = testCorpusLabel(run.record, isLoco);
    if (!entry.trains.includes(train)) entry.trains.push(train);
    entry.tests.set(test, { corpus: row.corpus, protocol: isTrainingProtocol(row.protocol, isLoco) ? 'default' : row.protocol });
    entry.cells.push({ train, test, value: row.value, low: row.ciLow, high: row.ciHigh });
    entry.demo ||= row.demo;
    byModel.set(model, entry);
  }
  if (lacking.length) notes.push(`No ${metric} in ${fileList(lacking)}.`);
  if (byModel.size === 0) throw noData(`no trained-head run record has the metric "${metric}"`, 'choose another --metric (e.g. accuracy, uar, macro_f1)');
  const figures = [...byModel].map(([model, e]) => {
    const tests = [...e.tests].sort((a, b) => compareCorpusColumns(a[1], b[1])).map(([label]) => label);
    // Single-corpus training sets first, then larger sets, each in alphabetical order.
    const trains = [...e.trains].sort((a, b) => a.split(' + ').length - b.split(' + ').length || a.localeCompare(b));
    return { name: figureName('cross-corpus', metric, model), spec: crossCorpusSpec({ model, metric, cells: e.cells, trains, tests, demo: e.demo }) };
  });
  return { figures, notes };
}
