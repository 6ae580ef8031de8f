/**
 * How a metric is named, scaled and printed. Run records keep rates as fractions (0..1) while model
 * cards publish them in percent; everything that compares or prints the two goes through here so the
 * units can never be mixed up.
 */

/** `percent`: stored as a fraction, printed ×100; `raw`: printed as stored (CCC, P_MTL); `ms`: milliseconds. */
export type MetricUnit = 'percent' | 'raw' | 'ms';

/**
 * A spelling-independent key for a metric name: `macro_f1`, `macroF1` and `Macro-F1` are one metric,
 * and so are `ccc_valence` and `valence_ccc` (the cards and the scorer use different spellings).
 */
export function metricKey(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '')
    .sort()
    .join('_');
}

const PERCENT = new Set(
  ['accuracy', 'f1_macro', 'f1_weighted', 'uar', 'top1', 'top5', 'war', 'top2_accuracy', 'top3_accuracy', 'top5_accuracy', 'precision', 'recall', 'f1', 'valence_sagr', 'arousal_sagr', 'complete_accuracy', 'complete_uar'].map(metricKey),
);
const MS = new Set(['latency_ms', 'ms'].map(metricKey));

const LABELS: Record<string, string> = {
  [metricKey('accuracy')]: 'Accuracy',
  [metricKey('macro_f1')]: 'Macro-F1',
  [metricKey('weighted_f1')]: 'Weighted-F1',
  [metricKey('uar')]: 'UAR',
  [metricKey('complete_accuracy')]: 'Complete accuracy',
  [metricKey('complete_uar')]: 'Complete UAR',
  [metricKey('ccc_valence')]: 'CCC (valence)',
  [metricKey('ccc_arousal')]: 'CCC (arousal)',
  [metricKey('p_mtl')]: 'P_MTL',
  [metricKey('latency_ms')]: 'Latency',
  [metricKey('top2_accuracy')]: 'Top-2 accuracy',
  [metricKey('top3_accuracy')]: 'Top-3 accuracy',
  [metricKey('top5_accuracy')]: 'Top-5 accuracy',
};

export function metricUnit(metric: string): MetricUnit {
  const key = metricKey(metric);
  if (PERCENT.has(key)) return 'percent';
  if (MS.has(key)) return 'ms';
  return 'raw';
}

/** Human name, e.g. `Macro-F1`; unknown metrics keep their own name. */
export function metricLabel(metric: string): string {
  return LABELS[metricKey(metric)] ?? metric;
}

/** `Accuracy (%)`, `CCC (valence)`, `Latency (ms)`. */
export function metricHeading(metric: string): string {
  const unit = metricUnit(metric);
  return metricLabel(metric) + (unit === 'percent' ? ' (%)' : unit === 'ms' ? ' (ms)' : '');
}

/** A published value (card units: percent for rates) on the run record's scale (fractions for rates). */
export function publishedToRecordScale(metric: string, value: number): number {
  return metricUnit(metric) === 'percent' ? roundNoise(value / 100) : value;
}

/** Drops binary floating-point noise (56.73 / 100 = 0.5672999999999999) so CSV cells read as written. */
export function roundNoise(value: number): number {
  return Number(value.toPrecision(12));
}

/** A record-scale value on the printed scale (percent for rates). */
export function toDisplayScale(metric: string, value: number): number {
  return metricUnit(metric) === 'percent' ? value * 100 : value;
}

/**
 * Decimals printed per unit, the one convention of every printer (eval, score, compare, table): rates
 * in percent with 1 decimal (a paper's "61.9"), milliseconds with 2, raw scores such as CCC with 3.
 */
export const DEFAULT_DECIMALS: Readonly<Record<MetricUnit, number>> = { percent: 1, ms: 2, raw: 3 };

/** How a printer may ask for other precision than the default. */
export interface FormatOptions {
  /** Decimals for rates in percent. Default 1 (DEFAULT_DECIMALS.percent). */
  percentDecimals?: number;
}

/** Decimals printed for `metric` (see DEFAULT_DECIMALS). */
export function metricDecimals(metric: string, opts: FormatOptions = {}): number {
  const unit = metricUnit(metric);
  return unit === 'percent' ? (opts.percentDecimals ?? DEFAULT_DECIMALS.percent) : DEFAULT_DECIMALS[unit];
}

/** A record-scale value as printed: `61.9` for accuracy 0.6193, `0.594` for a CCC; `n/a` for NaN. */
export function formatMetric(metric: string, value: number, opts: FormatOptions = {}): string {
  if (Number.isNaN(value)) return 'n/a';
  return fixed(toDisplayScale(metric, value), metricDecimals(metric, opts));
}

/** A signed difference as printed: `+0.1`, `-1.3` (points for rates). */
export function formatDiff(metric: string, diff: number, opts: FormatOptions = {}): string {
  const text = formatMetric(metric, diff, opts);
  return text.startsWith('-') || text === 'n/a' ? text : `+${text}`;
}

/** `61.9 [60.4, 63.4]`, or just `61.9` without an interval. */
export function formatWithCI(metric: string, value: number, low: number | null, high: number | null, opts: FormatOptions = {}): string {
  const v = formatMetric(metric, value, opts);
  return low === null || high === null ? v : `${v} [${formatMetric(metric, low, opts)}, ${formatMetric(metric, high, opts)}]`;
}

/** toFixed without the `-0.00` that rounding tiny negatives produces. */
export function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

const CORPUS_NAMES: Record<string, string> = {
  affectnet: 'AffectNet',
  afew: 'AFEW',
  vgaf: 'VGAF',
  ravdess: 'RAVDESS',
  'crema-d': 'CREMA-D',
  savee: 'SAVEE',
  ramas: 'RAMAS',
  iemocap: 'IEMOCAP',
  'aff-wild2': 'Aff-Wild2',
  affwild2: 'Aff-Wild2',
};

/** The HSEmotion README's column order: AffectNet, AFEW, VGAF, then the rest alphabetically. */
const CORPUS_ORDER = ['affectnet', 'afew', 'vgaf', 'ravdess'];

/** A corpus/protocol column as the HSEmotion README names it: `AffectNet-8`, `AFEW`, `AFEW (complete)`. */
export function corpusLabel(corpus: string, protocol: string): string {
  const name = CORPUS_NAMES[corpus.toLowerCase()] ?? corpus;
  const classes = /^(\d+)-class$/.exec(protocol);
  if (classes) return `${name}-${classes[1]}`;
  return protocol === 'default' ? name : `${name} (${protocol})`;
}

/**
 * Column order: known corpora first in README order, then by name; protocols of one corpus in
 * descending order, so `8-class` comes before `7-class` as in the README.
 */
export function compareCorpusColumns(a: { corpus: string; protocol: string }, b: { corpus: string; protocol: string }): number {
  const rank = (c: string) => {
    const i = CORPUS_ORDER.indexOf(c.toLowerCase());
    return i === -1 ? CORPUS_ORDER.length : i;
  };
  return (
    rank(a.corpus) - rank(b.corpus) ||
    a.corpus.localeCompare(b.corpus) ||
    b.protocol.localeCompare(a.protocol, 'en', { numeric: true })
  );
}
