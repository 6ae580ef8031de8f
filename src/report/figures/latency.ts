/**
 * Latency distributions across models, engines and batch sizes: the empirical CDF of per-call
 * latency (every setup, from its samples or, when a record kept none, from its percentiles) and a
 * violin per setup (density of the samples, with the interquartile range and the median). Box plots
 * remain for callers that pass samples directly.
 */
import type { TopLevelSpec } from 'vega-lite';
import { quantileSorted } from '../../bench/metrics/bootstrap.js';
import type { RunRecord } from '../../bench/records.js';
import { engineLabel, latencyRows, modelLabel, selectNewest, type LoadedRun } from '../results.js';
import { DASHES, figureTitle, fileList, noData, nominalColor, withStyle, type FigureSet } from './style.js';

export interface LatencySeries {
  /** One box/curve per label, e.g. `enet_b0_8_va_mtl · onnxruntime-node 1.30.0 cpu · batch 1`. */
  label: string;
  /** Per-call latencies in ms. */
  samplesMs: readonly number[];
}

/** A setup's distribution: its samples, or only the percentiles a run record kept. */
export interface LatencyDistribution {
  label: string;
  samplesMs?: readonly number[];
  /** [cumulative share 0..1, ms] pairs, used when there are no samples. */
  percentiles?: ReadonlyArray<readonly [number, number]>;
}

export interface LatencyFigureOptions {
  title?: string;
  /** Plot width in px; default 480. */
  width?: number;
  /**
   * Log-scaled latency axis (for setups that differ by orders of magnitude). Default `auto`: log when
   * the slowest plotted call is over 10 times the fastest.
   */
  log?: boolean | 'auto';
  demo?: boolean;
  replica?: boolean;
}

/** Points per CDF curve: enough to look continuous, few enough to keep the SVG small. */
const CDF_POINTS = 400;
const LATENCY_AXIS = 'latency per engine call (ms)';
// Log axes label 2, 3, … 9 of every decade: drop the ones that would touch (class and setup labels are never dropped).
const LATENCY_TICKS = { labelOverlap: 'greedy' as const, labelSeparation: 6 };

function useLog(log: boolean | 'auto', all: readonly number[]): boolean {
  if (log !== 'auto') return log;
  const positive = all.filter((v) => v > 0);
  if (positive.length === 0) return false;
  return Math.max(...positive) / Math.min(...positive) > 10;
}

// A log axis is not rounded out to whole decades, which would squeeze the curves into a corner.
function latencyScale(log: boolean) {
  return log ? { type: 'log' as const, nice: false } : { zero: false };
}

/** Horizontal box plots, one per series, in the order given (whiskers at 1.5 IQR, slower calls as points). */
export function latencyBoxSpec(series: readonly LatencySeries[], options: LatencyFigureOptions = {}): TopLevelSpec {
  const { title = 'Latency per engine call', width = 480, log = false } = options;
  const values = series.flatMap((s) => s.samplesMs.map((ms) => ({ setup: s.label, ms })));
  if (values.length === 0) throw noData('no latency samples', 'time a model with `bench --model NAME` (its run record keeps the per-call samples)');
  return withStyle({
    title: figureTitle(title, ['Boxes: quartiles and median; whiskers: 1.5 IQR; points: slower calls.'], options),
    width,
    height: { step: 28 },
    data: { values },
    mark: { type: 'boxplot', extent: 1.5, color: '#3b6fb6', median: { color: 'white' } },
    encoding: {
      y: { field: 'setup', type: 'nominal', sort: series.map((s) => s.label), title: null },
      x: { field: 'ms', type: 'quantitative', title: LATENCY_AXIS, scale: latencyScale(useLog(log, values.map((v) => v.ms))), axis: LATENCY_TICKS },
    },
  });
}

/** The CDF of each setup's per-call latency: from samples as a step curve, from percentiles as marked points. */
export function latencyCdfSpec(series: readonly LatencyDistribution[], options: LatencyFigureOptions = {}): TopLevelSpec {
  const { title = 'Latency per engine call: cumulative distribution', width = 480, log = 'auto' } = options;
  const values: Array<{ setup: string; ms: number; share: number; from: string }> = [];
  for (const s of series) {
    if (s.samplesMs && s.samplesMs.length > 0) {
      const sorted = Float64Array.from(s.samplesMs).sort();
      const n = sorted.length;
      if (n <= CDF_POINTS) sorted.forEach((ms, i) => values.push({ setup: s.label, ms, share: (i + 1) / n, from: 'samples' }));
      else for (let k = 0; k <= CDF_POINTS; k++) values.push({ setup: s.label, ms: quantileSorted(sorted, k / CDF_POINTS), share: k / CDF_POINTS, from: 'samples' });
    } else {
      for (const [share, ms] of s.percentiles ?? []) values.push({ setup: s.label, ms, share, from: 'percentiles' });
    }
  }
  if (values.length === 0) throw noData('no latency samples or percentiles', 'time a model with `bench --model NAME`');
  const labels = series.map((s) => s.label).filter((l) => values.some((v) => v.setup === l));
  const fromPercentiles = series.some((s) => !(s.samplesMs && s.samplesMs.length) && s.percentiles?.length);
  const logScale = useLog(log, values.map((v) => v.ms));
  const subtitle = [
    `Height of a curve at x: share of the timed calls that took at most x ms${logScale ? ' (log scale)' : ''}.`,
    ...(fromPercentiles ? ['Marked points: a run that kept only its percentiles (min, p50, p90, p95, p99, p99.9, max).'] : []),
  ];
  return withStyle({
    title: figureTitle(title, subtitle, options),
    width,
    height: 260,
    data: { values },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: LATENCY_AXIS, scale: latencyScale(logScale), axis: LATENCY_TICKS },
      y: { field: 'share', type: 'quantitative', title: 'share of calls (cumulative)', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      color: { field: 'setup', type: 'nominal', title: null, scale: nominalColor(labels), legend: { orient: 'bottom', direction: 'vertical', symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 900 } },
      strokeDash: { field: 'setup', type: 'nominal', title: null, scale: { domain: labels, range: DASHES } },
    },
    layer: [
      { transform: [{ filter: "datum.from === 'samples'" }], mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 } },
      { transform: [{ filter: "datum.from === 'percentiles'" }], mark: { type: 'line', point: { filled: true, size: 36 }, strokeWidth: 2 } },
    ],
  });
}

/** One violin per setup with samples (density, mirrored), the interquartile range as a bar and the median as a white dot. */
export function latencyViolinSpec(series: readonly LatencySeries[], options: LatencyFigureOptions = {}): TopLevelSpec {
  const { title = 'Latency per engine call: distribution', width = 480, log = 'auto' } = options;
  const values = series.flatMap((s) => s.samplesMs.map((ms) => ({ setup: s.label, ms })));
  if (values.length === 0) throw noData('no latency samples', 'time a model with `bench --model NAME` (its run record keeps the per-call samples)');
  const labels = series.filter((s) => s.samplesMs.length > 0).map((s) => s.label);
  const all = values.map((v) => v.ms);
  const logScale = useLog(log, all);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  // The density is estimated on log(ms) for a log axis, so the violin is smooth in the axis drawn.
  const field = logScale ? 'logms' : 'ms';
  return withStyle({
    title: figureTitle(title, [`Violins: density of the timed calls${logScale ? ' (log scale)' : ''}; black bar: interquartile range; white dot: median.`], options),
    data: { values },
    transform: logScale ? [{ calculate: 'log(datum.ms) / LN10', as: 'logms' }] : [],
    facet: { row: { field: 'setup', type: 'nominal', sort: labels, title: null, header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelPadding: 2 } } },
    spacing: 6,
    resolve: { scale: { y: 'independent' } },
    spec: {
      width,
      height: 44,
      layer: [
        {
          transform: [
            // Over each setup's own range: a shared extent draws long flat tails where it has no calls.
            { density: field, steps: 120, as: ['at', 'density'] },
            { calculate: logScale ? 'pow(10, datum.at)' : 'datum.at', as: 'ms' },
            { calculate: '-datum.density', as: 'mirror' },
          ],
          mark: { type: 'area', color: '#9ecae1', stroke: '#08519c', strokeWidth: 1, orient: 'vertical' },
          encoding: {
            x: { field: 'ms', type: 'quantitative', title: LATENCY_AXIS, scale: { ...latencyScale(logScale), domain: [lo, hi] }, axis: LATENCY_TICKS },
            y: { field: 'density', type: 'quantitative', axis: null },
            y2: { field: 'mirror' },
          },
        },
        {
          transform: [{ aggregate: [{ op: 'q1', field: 'ms', as: 'q1' }, { op: 'q3', field: 'ms', as: 'q3' }, { op: 'median', field: 'ms', as: 'median' }] }],
          layer: [
            { mark: { type: 'rule', color: 'black', strokeWidth: 5 }, encoding: { x: { field: 'q1', type: 'quantitative' }, x2: { field: 'q3' }, y: { datum: 0 } } },
            { mark: { type: 'point', filled: true, color: 'white', stroke: 'black', strokeWidth: 1, size: 30, opacity: 1 }, encoding: { x: { field: 'median', type: 'quantitative' }, y: { datum: 0 } } },
          ],
        },
      ],
    },
  } as TopLevelSpec);
}

/** `mobilenet_7 (replica) · onnxruntime-node 1.30.0 cpu · batch 8 · 2 threads`. */
function setupLabel(run: LoadedRun): string {
  const [row] = latencyRows([run]);
  const threads = row.threads === 0 ? 'auto threads' : `${row.threads} thread${row.threads === 1 ? '' : 's'}`;
  return `${modelLabel(row)} · ${engineLabel(row)} ${row.device} · batch ${row.batch} · ${threads}${row.valid ? '' : ' (short run)'}`;
}

function samplesOf(record: RunRecord): number[] {
  const samples = (record as RunRecord & { samplesMs?: unknown }).samplesMs;
  return Array.isArray(samples) ? samples.filter((s): s is number => typeof s === 'number' && Number.isFinite(s)) : [];
}

function percentilesOf(record: RunRecord): Array<[number, number]> {
  const l = record.latency!;
  const points: Array<[number, number | undefined]> = [[0, l.minMs], [0.5, l.p50Ms], [0.9, l.p90Ms], [0.95, l.p95Ms], [0.99, l.p99Ms], [0.999, l.p999Ms], [1, l.maxMs]];
  return points.filter((p): p is [number, number] => typeof p[1] === 'number' && Number.isFinite(p[1]));
}

/**
 * The CDF and (for setups with samples) the violin figure of the newest latency run of each setup,
 * ordered by model, then batch size, then threads.
 */
export function latencyFigures(runs: readonly LoadedRun[], options: Omit<LatencyFigureOptions, 'title' | 'demo' | 'replica'> = {}): FigureSet {
  const { runs: newest, notes } = selectNewest(runs.filter((r) => r.record.kind === 'latency' && r.record.latency));
  if (newest.length === 0) throw noData('no latency run records', 'time a model with `bench --model NAME` (or `--replica`), or point --runs at the directory that holds the records');
  const ordered = [...newest].sort((a, b) => {
    const [x, y] = [latencyRows([a])[0], latencyRows([b])[0]];
    return modelLabel(x).localeCompare(modelLabel(y)) || x.batch - y.batch || x.threads - y.threads || setupLabel(a).localeCompare(setupLabel(b));
  });
  const flags = { demo: ordered.some((r) => r.record.demo === true), replica: ordered.some((r) => r.record.replica) };
  const dists = ordered.map((run) => ({ label: setupLabel(run), samplesMs: samplesOf(run.record), percentiles: percentilesOf(run.record) }));
  const figures = [{ name: 'latency-cdf', spec: latencyCdfSpec(dists, { ...options, ...flags }) }];
  const withSamples = dists.filter((d) => d.samplesMs.length > 0);
  const without = ordered.filter((r) => samplesOf(r.record).length === 0).map((r) => r.file);
  // A sample that is not a finite number (a hand-edited or damaged record) is left out, and said so.
  for (const run of ordered) {
    const raw = (run.record as RunRecord & { samplesMs?: unknown }).samplesMs;
    const bad = Array.isArray(raw) ? raw.length - samplesOf(run.record).length : 0;
    if (bad > 0) notes.push(`${run.file}: ${bad} of ${(raw as unknown[]).length} samples are not finite numbers and were left out.`);
  }
  if (without.length) notes.push(`No per-call samples in ${fileList(without)}: drawn in the CDF from their percentiles, left out of the violins.`);
  if (withSamples.length) figures.push({ name: 'latency-violin', spec: latencyViolinSpec(withSamples, { ...options, ...flags }) });
  return { figures, notes };
}
