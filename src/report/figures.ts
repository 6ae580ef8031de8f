/**
 * Paper figures: each kind is a pure function run records → vega-lite spec (in `figures/`), drawn to
 * SVG by vega's headless renderer or to PNG by resvg with a bundled font. The functions below take
 * plain data and return SVG, for notebooks and callers that already hold the numbers.
 */
import { confusionSpec, type ConfusionInput, type ConfusionOptions } from './figures/confusion.js';
import { latencyBoxSpec, type LatencyFigureOptions, type LatencySeries } from './figures/latency.js';
import { locoRowsSpec, type LocoFigureOptions } from './figures/loco.js';
import { renderSvg } from './figures/render.js';
import type { ResultRow } from './results.js';

export { renderSvg, renderPng, renderFigure, writeFigure, FIGURE_FORMATS, type FigureFormat, type PngOptions } from './figures/render.js';
export { figuresOfKind, checkFigureKind, FIGURE_KINDS, describeFigureKinds, isFigureKind, type FigureKind, type FigureKindOptions } from './figures/kinds.js';
export { confusionSpec, confusionFigures, type ConfusionInput, type ConfusionOptions } from './figures/confusion.js';
export { recallSpec, recallFigures, type RecallPoint, type RecallSpecInput } from './figures/recall.js';
export { latencyBoxSpec, latencyCdfSpec, latencyViolinSpec, latencyFigures, type LatencySeries, type LatencyDistribution, type LatencyFigureOptions } from './figures/latency.js';
export { coverageSpec, coverageFigures, type CoverageBar } from './figures/coverage.js';
export { locoSpec, locoRowsSpec, locoFigures, type LocoPoint, type LocoFigureOptions, type LocoRunsOptions } from './figures/loco.js';
export { crossCorpusSpec, crossCorpusFigures, type CrossCell, type CrossCorpusOptions } from './figures/cross-corpus.js';
export { readHead, isLocoProtocol, type TrainedHead, type HeadOf } from './figures/trained.js';
export {
  toPlotly,
  plotlyFigures,
  plotlyKindOf,
  plotlyHtml,
  plotlyLibraryHtml,
  plotlyConfusion,
  plotlyRecall,
  plotlyLatencyCdf,
  plotlyLoco,
  plotlyCrossCorpus,
  type PlotlyFigure,
  type PlotlyKind,
  type PlotlyHtmlOptions,
} from './figures/plotly.js';
export { fontWarning, figureFonts, FIGURE_FONT } from './figures/fonts.js';
export { SEQUENTIAL_SCHEME, NOMINAL_SCHEME, DEMO_CAPTION, REPLICA_CAPTION, type Figure, type FigureSet } from './figures/style.js';

/** Latency distributions as SVG, one horizontal box per setup, in the order given. */
export async function latencyFigure(series: readonly LatencySeries[], options: LatencyFigureOptions = {}): Promise<string> {
  return renderSvg(latencyBoxSpec(series, options));
}

/** A confusion-matrix heatmap as SVG: rows true class, columns predicted, colour = share of the row, text = count. */
export async function confusionFigure(input: ConfusionInput, options: ConfusionOptions = {}): Promise<string> {
  return renderSvg(confusionSpec(input, options));
}

/** Leave-one-corpus-out bars as SVG from long result rows (replica rows are never plotted). */
export async function locoFigure(rows: readonly ResultRow[], options: LocoFigureOptions = {}): Promise<string> {
  return renderSvg(locoRowsSpec(rows, options));
}
