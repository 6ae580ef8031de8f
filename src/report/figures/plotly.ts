/**
 * Interactive versions of the paper figures for notebooks: the same data as the static figures, as
 * plotly figure specs. Each is converted from the static figure's vega-lite spec (its `data.values`
 * and its sort orders), so the interactive and the static figure can never show different numbers.
 * `plotlyHtml` wraps one for tslab's `display.html`, with plotly.js inlined from the installed
 * `plotly.js-dist-min` package (no CDN: notebooks run offline).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import type { TopLevelSpec } from 'vega-lite';
import { BenchError } from '../../errors.js';
import type { LoadedRun } from '../results.js';
import { confusionSpec, type ConfusionInput } from './confusion.js';
import { crossCorpusSpec, type CrossCorpusSpecInput } from './cross-corpus.js';
import { figuresOfKind, type FigureKind, type FigureKindOptions } from './kinds.js';
import { latencyCdfSpec, type LatencyDistribution, type LatencyFigureOptions } from './latency.js';
import { locoSpec, type LocoFigureOptions, type LocoPoint } from './loco.js';
import { recallSpec, type RecallSpecInput } from './recall.js';
import type { Figure } from './style.js';

type Obj = Record<string, unknown>;

/** A plotly figure: what `Plotly.newPlot(div, data, layout)` takes, with the static figure's file stem. */
export interface PlotlyFigure {
  name: string;
  data: Obj[];
  layout: Obj;
}

/** What a figure spec converts from: which static figure it is. */
export type PlotlyKind = 'confusion' | 'recall' | 'latency-cdf' | 'latency-violin' | 'coverage' | 'loco' | 'cross-corpus';

/** Blues, light to dark: the static heatmaps' scheme (style.ts SEQUENTIAL_SCHEME), as plotly names it. */
const BLUES = 'Blues';

const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Obj)[k] : undefined), value);
const valuesOf = (spec: TopLevelSpec) => (at(spec, 'data', 'values') as Obj[] | undefined) ?? [];
const unique = (xs: readonly unknown[]) => [...new Set(xs.map(String))];
/** The order a spec sorts a channel by (its `sort` array), else first-seen order. */
function orderOf(spec: TopLevelSpec, channel: string, field: string): string[] {
  const sort = at(spec, 'encoding', channel, 'sort') ?? at(spec, 'facet', channel, 'sort');
  return Array.isArray(sort) ? sort.map(String) : unique(valuesOf(spec).map((v) => v[field]));
}

/** The title with its subtitle lines, as plotly draws them. */
function titleOf(spec: TopLevelSpec): Obj {
  const title = spec.title as { text?: string; subtitle?: string[] } | string | undefined;
  const text = typeof title === 'string' ? title : (title?.text ?? '');
  const sub = typeof title === 'object' && title.subtitle?.length ? `<br><sub>${title.subtitle.join('<br>')}</sub>` : '';
  return { text: text + sub, x: 0, xanchor: 'left' };
}

const BASE_LAYOUT: Obj = { font: { family: 'DejaVu Sans, Verdana, sans-serif', size: 12 }, margin: { t: 110 }, paper_bgcolor: 'white', plot_bgcolor: 'white' };

function layout(spec: TopLevelSpec, extra: Obj): Obj {
  return { ...BASE_LAYOUT, title: titleOf(spec), ...extra };
}

/** Asymmetric error bars from low/high columns (null where a point has no interval). */
function errorBars(rows: readonly Obj[], value: string): Obj {
  const has = rows.some((r) => r.low != null && r.high != null);
  if (!has) return {};
  return {
    error_y: {
      type: 'data',
      symmetric: false,
      array: rows.map((r) => (r.high == null ? null : (r.high as number) - (r[value] as number))),
      arrayminus: rows.map((r) => (r.low == null ? null : (r[value] as number) - (r.low as number))),
      color: 'black',
      thickness: 1.5,
    },
  };
}

/** A heatmap of `value` over rows × columns, with a text per cell. */
function heatmap(rows: string[], cols: string[], cell: (r: string, c: string) => Obj | undefined, value: string, text: string): Obj {
  return {
    type: 'heatmap',
    x: cols,
    y: rows,
    z: rows.map((r) => cols.map((c) => (cell(r, c)?.[value] as number | undefined) ?? null)),
    text: rows.map((r) => cols.map((c) => String(cell(r, c)?.[text] ?? '').replace(/\n/g, '<br>'))),
    texttemplate: '%{text}',
    colorscale: BLUES,
    reversescale: false,
  };
}

const CONVERTERS: Record<PlotlyKind, (spec: TopLevelSpec) => Pick<PlotlyFigure, 'data' | 'layout'>> = {
  confusion(spec) {
    const values = valuesOf(spec);
    const classes = orderOf(spec, 'x', 'predicted');
    const find = (t: string, p: string) => values.find((v) => v.truth === t && v.predicted === p);
    return {
      data: [{ ...heatmap(classes, classes, find, 'rate', 'count'), zmin: 0, zmax: 1, colorbar: { title: { text: 'share of row' }, tickformat: '.0%' }, hovertemplate: 'true %{y}<br>predicted %{x}<br>%{text} items (%{z:.1%} of the row)<extra></extra>' }],
      layout: layout(spec, { xaxis: { title: { text: 'predicted class' }, side: 'bottom' }, yaxis: { title: { text: 'true class' }, autorange: 'reversed' } }),
    };
  },
  recall(spec) {
    const values = valuesOf(spec);
    const classes = orderOf(spec, 'x', 'class');
    const models = orderOf(spec, 'xOffset', 'model');
    const data = models.map((model) => {
      const rows = classes.map((c) => values.find((v) => v.model === model && v.class === c) ?? { class: c, recall: null, low: null, high: null });
      return { type: 'bar', name: model, x: classes, y: rows.map((r) => r.recall ?? null), ...errorBars(rows, 'recall') };
    });
    return { data, layout: layout(spec, { barmode: 'group', xaxis: { title: { text: 'true class' } }, yaxis: { title: { text: 'recall (%)' }, range: [0, 100] }, showlegend: models.length > 1 }) };
  },
  'latency-cdf'(spec) {
    const values = valuesOf(spec);
    const setups = (at(spec, 'encoding', 'color', 'scale', 'domain') as string[] | undefined) ?? unique(values.map((v) => v.setup));
    const log = at(spec, 'encoding', 'x', 'scale', 'type') === 'log';
    const data = setups.map((setup) => {
      const rows = values.filter((v) => v.setup === setup);
      const fromSamples = rows.every((r) => r.from === 'samples');
      return {
        type: 'scatter',
        mode: fromSamples ? 'lines' : 'lines+markers',
        name: setup,
        x: rows.map((r) => r.ms),
        y: rows.map((r) => r.share),
        line: { shape: fromSamples ? 'hv' : 'linear', width: 2 },
        hovertemplate: '%{x:.2f} ms: %{y:.1%} of calls<extra>%{fullData.name}</extra>',
      };
    });
    return {
      data,
      layout: layout(spec, {
        xaxis: { title: { text: 'latency per engine call (ms)' }, type: log ? 'log' : 'linear' },
        yaxis: { title: { text: 'share of calls (cumulative)' }, range: [0, 1], tickformat: '.0%' },
        legend: { orientation: 'h', y: -0.25 },
      }),
    };
  },
  'latency-violin'(spec) {
    const values = valuesOf(spec);
    const setups = orderOf(spec, 'row', 'setup');
    const log = values.length > 0 && Array.isArray(at(spec, 'transform')) && (at(spec, 'transform') as unknown[]).length > 0;
    const data = setups.map((setup) => ({
      type: 'violin',
      name: setup,
      x: values.filter((v) => v.setup === setup).map((v) => v.ms),
      orientation: 'h',
      box: { visible: true },
      meanline: { visible: false },
      points: false,
    }));
    return { data, layout: layout(spec, { xaxis: { title: { text: 'latency per engine call (ms)' }, type: log ? 'log' : 'linear' }, showlegend: false, height: 120 + 70 * setups.length }) };
  },
  coverage(spec) {
    const values = valuesOf(spec).filter((v) => 'status' in v && 'start' in v);
    const runs = orderOf(spec, 'y', 'run');
    const statuses = unique(values.map((v) => v.status));
    const data = statuses.map((status) => ({
      type: 'bar',
      orientation: 'h',
      name: status,
      y: runs,
      x: runs.map((run) => (values.find((v) => v.run === run && v.status === status)?.count as number | undefined) ?? 0),
    }));
    return { data, layout: layout(spec, { barmode: 'stack', xaxis: { title: { text: 'items' } }, yaxis: { autorange: 'reversed' }, legend: { orientation: 'h', y: -0.2 } }) };
  },
  loco(spec) {
    const values = valuesOf(spec);
    const tests = orderOf(spec, 'x', 'test');
    const models = orderOf(spec, 'xOffset', 'model');
    const yTitle = String(at(spec, 'layer', '0', 'encoding', 'y', 'title') ?? 'value');
    const data: Obj[] = [];
    for (const model of models) {
      const rows = tests.map((t) => values.find((v) => v.model === model && v.test === t) ?? { test: t, value: null, low: null, high: null, published: null });
      data.push({ type: 'bar', name: model, x: tests, y: rows.map((r) => r.value ?? null), offsetgroup: model, ...errorBars(rows, 'value') });
      if (rows.some((r) => r.published != null)) {
        data.push({
          type: 'scatter',
          mode: 'markers',
          name: `${model}: published`,
          x: tests,
          y: rows.map((r) => r.published ?? null),
          offsetgroup: model,
          marker: { symbol: 'line-ew', size: 26, color: 'black', line: { width: 3, color: 'black' } },
        });
      }
    }
    const percent = yTitle.endsWith('(%)');
    return { data, layout: layout(spec, { barmode: 'group', scattermode: 'group', xaxis: { title: { text: 'held-out test corpus' } }, yaxis: { title: { text: yTitle }, ...(percent ? { range: [0, 100] } : {}) } }) };
  },
  'cross-corpus'(spec) {
    const values = valuesOf(spec);
    const tests = orderOf(spec, 'x', 'test');
    const trains = orderOf(spec, 'y', 'train');
    const color = at(spec, 'layer', '0');
    const domain = (at(color, 'encoding', 'color', 'scale', 'domain') as [number, number] | undefined) ?? [0, 100];
    const title = String(at(color, 'encoding', 'color', 'title') ?? '');
    const find = (r: string, c: string) => values.find((v) => v.train === r && v.test === c);
    return {
      data: [{ ...heatmap(trains, tests, find, 'value', 'text'), zmin: domain[0], zmax: domain[1], colorbar: { title: { text: title } }, hovertemplate: 'trained on %{y}<br>tested on %{x}<br>%{z:.1f}<extra></extra>' }],
      layout: layout(spec, { xaxis: { title: { text: 'test corpus' }, side: 'top' }, yaxis: { title: { text: 'trained on' }, autorange: 'reversed' } }),
    };
  },
};

/** Which static figure a file stem names (`confusion-…`, `latency-cdf`, `loco-uar`, ...). */
export function plotlyKindOf(name: string): PlotlyKind {
  const kinds = Object.keys(CONVERTERS) as PlotlyKind[];
  // Longest first, so `latency-cdf` wins over a shorter prefix.
  const kind = [...kinds].sort((a, b) => b.length - a.length).find((k) => name === k || name.startsWith(`${k}-`));
  if (!kind) throw new BenchError('BAD_INPUT', `no interactive version of the figure "${name}"`, { fix: `interactive figures exist for: ${kinds.join(', ')}` });
  return kind;
}

/** The interactive version of a static figure (its name says which kind it is). */
export function toPlotly(figure: Figure, kind: PlotlyKind = plotlyKindOf(figure.name)): PlotlyFigure {
  return { name: figure.name, ...CONVERTERS[kind](figure.spec) };
}

/** The interactive figures of one kind from run records, with the same notes as `bench plot KIND`. */
export function plotlyFigures(kind: FigureKind, runs: readonly LoadedRun[], options: FigureKindOptions = {}): { figures: PlotlyFigure[]; notes: string[] } {
  const set = figuresOfKind(kind, runs, options);
  return { figures: set.figures.map((f) => toPlotly(f)), notes: set.notes };
}

// From plain data, for notebooks that already hold the numbers (the same inputs as the static figures).
export const plotlyConfusion = (input: ConfusionInput): PlotlyFigure => toPlotly({ name: 'confusion', spec: confusionSpec(input) });
export const plotlyRecall = (input: RecallSpecInput): PlotlyFigure => toPlotly({ name: 'recall', spec: recallSpec(input) });
export const plotlyLatencyCdf = (series: readonly LatencyDistribution[], options: LatencyFigureOptions = {}): PlotlyFigure =>
  toPlotly({ name: 'latency-cdf', spec: latencyCdfSpec(series, options) });
export const plotlyLoco = (points: readonly LocoPoint[], tests: readonly string[], options: LocoFigureOptions = {}): PlotlyFigure =>
  toPlotly({ name: 'loco', spec: locoSpec(points, tests, options) });
export const plotlyCrossCorpus = (input: CrossCorpusSpecInput): PlotlyFigure => toPlotly({ name: 'cross-corpus', spec: crossCorpusSpec(input) });

let library: string | undefined;
let libraryShown = false;

/** plotly.js from the installed `plotly.js-dist-min`, as a `<script>` element. */
export function plotlyLibraryHtml(): string {
  if (library === undefined) {
    let path: string;
    try {
      path = createRequire(import.meta.url).resolve('plotly.js-dist-min');
    } catch (cause) {
      throw new BenchError('TOOL_MISSING', 'plotly.js-dist-min is not installed, so interactive figures cannot be drawn', {
        fix: 'run `npm ci` (it is a devDependency of fer-bench), or show the static SVG figures instead',
        cause,
      });
    }
    library = readFileSync(path, 'utf8');
  }
  libraryShown = true;
  return `<script>${library.replace(/<\/script/gi, '<\\/script')}</script>`;
}

export interface PlotlyHtmlOptions {
  /**
   * Inline plotly.js: `once` (default) with the first figure of this process, then only the figure (a
   * notebook page keeps the library loaded); `always` with every figure (each output stands alone, ~5 MB each).
   */
  library?: 'once' | 'always';
  /** Height in px; default the figure's own or 420. */
  height?: number;
}

/** HTML that draws the figure in a notebook (tslab `display.html`), offline. */
export function plotlyHtml(figure: PlotlyFigure, options: PlotlyHtmlOptions = {}): string {
  const { library: mode = 'once' } = options;
  const id = `fer-plotly-${randomUUID()}`;
  const lib = mode === 'always' || !libraryShown ? plotlyLibraryHtml() : '';
  const layoutJson = { ...figure.layout, height: options.height ?? (figure.layout.height as number | undefined) ?? 420 };
  const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
  return `${lib}<div id="${id}"></div><script>Plotly.newPlot(${json(id)}, ${json(figure.data)}, ${json(layoutJson)}, {"responsive": true, "displaylogo": false});</script>`;
}
