/**
 * Paper figures as SVG strings: vega-lite specs compiled and rendered by vega's headless SVG renderer
 * (no browser, no canvas). Each figure takes plain data so notebooks can call it too; `writeFigure`
 * puts one on disk atomically.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { BenchError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { compareCorpusColumns, corpusLabel, metricHeading, metricKey, toDisplayScale } from './format.js';
import { modelLabel, type ResultRow } from './results.js';

/**
 * Compiles and renders a vega-lite spec to an SVG string. Without a canvas, vega estimates text width
 * (0.8 em a character, generous), so labels are given no length limit rather than cut short.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded on first use: vega's module graph has a top-level await, which would stop CommonJS
  // callers (tslab notebooks `require` this library) from loading anything that imports this file.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return stableIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * vega numbers gradient and clip ids with a process-wide counter, so the same figure drawn twice
 * differs; renumbering them per document makes a figure's bytes depend only on its data.
 */
function stableIds(svg: string): string {
  const ids = [...new Set([...svg.matchAll(/\bid="((?:gradient_|clip)\d+)"/g)].map((m) => m[1]))];
  if (ids.length === 0) return svg;
  const renamed = new Map(ids.map((id, i) => [id, `${id.startsWith('clip') ? 'clip' : 'gradient_'}${i + 1}`]));
  return svg.replace(/(\bid="|url\(#)((?:gradient_|clip)\d+)(?=[")])/g, (whole, prefix: string, id: string) =>
    renamed.has(id) ? `${prefix}${renamed.get(id)}` : whole,
  );
}

/** Writes an SVG (creating the directory) atomically, so a half-written figure never appears. */
export async function writeFigure(path: string, svg: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, svg);
}

function noData(what: string, fix: string): BenchError {
  return new BenchError('BAD_INPUT', `nothing to plot: ${what}`, { fix });
}

export interface LatencySeries {
  /** One box per label, e.g. `enet_b0_8_va_mtl · onnxruntime-node 1.30.0 cpu b1`. */
  label: string;
  /** Per-call latencies in ms. */
  samplesMs: readonly number[];
}

export interface LatencyFigureOptions {
  title?: string;
  /** Plot width in px; default 480. */
  width?: number;
  /** Log-scaled latency axis (for setups that differ by orders of magnitude); default false. */
  log?: boolean;
}

/**
 * Latency distributions, one horizontal box per setup (whiskers at 1.5 IQR, slower calls drawn as
 * points, because the tail is what p99 reports), in the order given.
 */
export async function latencyFigure(series: readonly LatencySeries[], options: LatencyFigureOptions = {}): Promise<string> {
  const { title = 'Latency per engine call', width = 480, log = false } = options;
  const values = series.flatMap((s) => s.samplesMs.map((ms) => ({ setup: s.label, ms })));
  if (values.length === 0) throw noData('no latency samples', 'time a model with `bench --model NAME` (its run record keeps the per-call samples)');
  return renderSvg({
    title,
    width,
    height: { step: 28 },
    data: { values },
    mark: { type: 'boxplot', extent: 1.5 },
    encoding: {
      y: { field: 'setup', type: 'nominal', sort: series.map((s) => s.label), title: null, axis: { labelLimit: 0 } },
      x: { field: 'ms', type: 'quantitative', title: 'latency (ms)', scale: log ? { type: 'log' } : { zero: false } },
    },
  });
}

export interface ConfusionInput {
  /** Class names in matrix order. */
  classes: readonly string[];
  /** counts[true][predicted]. */
  matrix: readonly (readonly number[])[];
  title?: string;
}

/** A confusion-matrix heatmap: rows true class, columns predicted, colour = share of the row, text = count. */
export async function confusionFigure(input: ConfusionInput, options: { cellPx?: number } = {}): Promise<string> {
  const { classes, matrix, title = 'Confusion matrix' } = input;
  const k = classes.length;
  if (k === 0 || matrix.length !== k || matrix.some((row) => row.length !== k)) {
    throw new BenchError('BAD_INPUT', `the confusion matrix is not ${k} × ${k} for ${k} classes`, {
      fix: 'pass the run record\'s `classes` and `confusion` together (rows true, columns predicted)',
    });
  }
  const values = matrix.flatMap((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => ({ truth: classes[i], predicted: classes[j], count, rate: total > 0 ? count / total : 0 }));
  });
  const cell = options.cellPx ?? 40;
  const order = [...classes];
  return renderSvg({
    title,
    width: { step: cell },
    height: { step: cell },
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: order, title: 'predicted class', axis: { labelAngle: -45 } },
      y: { field: 'truth', type: 'nominal', sort: order, title: 'true class' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: { field: 'rate', type: 'quantitative', title: 'share of row', scale: { domain: [0, 1], scheme: 'blues' } },
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          // Dark cells get white text so the count stays readable.
          color: { condition: { test: 'datum.rate > 0.5', value: 'white' }, value: 'black' },
        },
      },
    ],
  });
}

export interface LocoFigureOptions {
  /** Default `uar` (the EMO-AffectNet LOCO table's metric). */
  metric?: string;
  title?: string;
}

/**
 * Leave-one-corpus-out results: test corpus on x, one bar per model, CI as error bars and the
 * published value as a black tick. Takes the long result rows; replica rows are never plotted.
 */
export async function locoFigure(rows: readonly ResultRow[], options: LocoFigureOptions = {}): Promise<string> {
  const { metric = 'uar', title = 'Leave-one-corpus-out' } = options;
  const used = rows.filter((r) => !r.replica && metricKey(r.metric) === metricKey(metric));
  if (used.length === 0) throw noData(`no non-replica result has the metric "${metric}"`, 'run `bench eval` with the LOCO protocol, or choose another metric');
  // Bars of one model on one test corpus would stack into a sum, so duplicates are refused.
  const seen = new Set<string>();
  for (const r of used) {
    const key = `${modelLabel(r)}\u0000${r.corpus}\u0000${r.protocol}`;
    if (seen.has(key)) {
      throw new BenchError('BAD_INPUT', `two results for ${modelLabel(r)} on ${corpusLabel(r.corpus, r.protocol)} (${metric})`, {
        fix: 'pass one run per model and test corpus, e.g. resultRows(selectNewest(runs).runs)',
      });
    }
    seen.add(key);
  }
  const scale = (v: number | null) => (v === null ? null : toDisplayScale(metric, v));
  const values = used.map((r) => ({
    test: corpusLabel(r.corpus, r.protocol),
    model: modelLabel(r),
    value: scale(r.value),
    low: scale(r.ciLow),
    high: scale(r.ciHigh),
    published: scale(r.published),
  }));
  const tests = [...new Map(used.map((r) => [corpusLabel(r.corpus, r.protocol), r])).values()]
    .sort(compareCorpusColumns)
    .map((r) => corpusLabel(r.corpus, r.protocol));
  const models = [...new Set(values.map((v) => v.model))].sort();
  return renderSvg({
    title: { text: title, subtitle: 'bars: measured, with CI; black ticks: published' },
    // With xOffset the step is one bar, not one test corpus.
    width: { step: 40 },
    height: 260,
    data: { values },
    encoding: {
      x: { field: 'test', type: 'nominal', sort: tests, title: 'test corpus', axis: { labelAngle: -30, labelLimit: 0 } },
      xOffset: { field: 'model', type: 'nominal', sort: models },
    },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'value', type: 'quantitative', title: metricHeading(metric), stack: null },
          color: { field: 'model', type: 'nominal', sort: models, title: 'model' },
        },
      },
      {
        transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
        mark: { type: 'rule', color: 'black' },
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
