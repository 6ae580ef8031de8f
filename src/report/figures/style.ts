/**
 * What every figure shares: fonts and sizes legible in a two-column paper, colour scales whose order
 * survives greyscale printing, and the captions that mark demo and replica runs.
 */
import type { Config, TopLevelSpec } from 'vega-lite';
import { BenchError } from '../../errors.js';
import { FIGURE_FONT } from './fonts.js';

/**
 * Sequential scheme of the heatmaps: light (low) to dark (high) in one hue, so the lightness, all a
 * greyscale print keeps, still orders the cells.
 */
export const SEQUENTIAL_SCHEME = 'blues';

/**
 * Nominal colours (models, setups, coverage reasons) are sampled from viridis, whose lightness rises
 * monotonically, so neighbouring categories stay apart in greyscale. The darkest quarter is left out
 * so that black CI lines and black text stay visible on every bar.
 */
export const NOMINAL_SCHEME = { name: 'viridis' as const, extent: [0.25, 1] as [number, number] };

/** A colour scale over the given categories, in this order. */
export function nominalColor(domain: readonly string[]) {
  // A single category gets the middle colour rather than the palest one.
  return { domain: [...domain], scheme: domain.length === 1 ? { name: 'viridis' as const, extent: [0.55, 0.56] as [number, number] } : NOMINAL_SCHEME };
}

/** Dash patterns for lines, so setups stay apart in greyscale and for colour-blind readers. */
export const DASHES: number[][] = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4], [3, 5], [10, 2, 2, 2, 2, 2]];

/** A figure title: text plus subtitle lines. */
export type FigureTitle = NonNullable<TopLevelSpec['title']>;

export const FIGURE_CONFIG: Config = {
  font: FIGURE_FONT,
  background: 'white',
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: '#222', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0, titleFontWeight: 'normal', labelColor: '#000', titleColor: '#000' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0, titleFontWeight: 'normal', titleLimit: 0 },
  header: { labelFontSize: 11, titleFontSize: 12, labelLimit: 0 },
  view: { stroke: '#888' },
};

export const DEMO_CAPTION = 'Demo run: generated corpus or bundled model. It checks the pipeline; it is not a result.';
export const REPLICA_CAPTION = 'Replica: random weights, same graph and cost. Latency only.';

/** The title with its subtitle lines, plus the demo and replica captions when any plotted run is one. */
export function figureTitle(text: string, subtitle: readonly string[], flags: { demo?: boolean; replica?: boolean } = {}): FigureTitle {
  const lines = [...subtitle, ...(flags.demo ? [DEMO_CAPTION] : []), ...(flags.replica ? [REPLICA_CAPTION] : [])];
  return lines.length ? { text, subtitle: lines } : { text };
}

/** Adds the shared config to a spec, so the spec alone (e.g. in vega-embed) draws the same figure. */
export function withStyle(spec: TopLevelSpec): TopLevelSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...spec, config: { ...FIGURE_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
}

export function noData(what: string, fix: string, file?: string): BenchError {
  return new BenchError('BAD_INPUT', `nothing to plot: ${what}`, { fix, file });
}

/** A file-name stem from its parts: `confusion-enet_b0_8-AffectNet-8`. */
export function figureName(...parts: string[]): string {
  return parts
    .map((p) =>
      p
        .replace(/\s*\+\s*/g, '+')
        .replace(/[^A-Za-z0-9_.+-]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter((p) => p !== '')
    .join('-');
}

/** `a, b, c` for a few files, `a, b, c and 21 more` for many, so a note stays one readable line. */
export function fileList(files: readonly string[], max = 3): string {
  return files.length <= max ? files.join(', ') : `${files.slice(0, max).join(', ')} and ${files.length - max} more`;
}

/** One figure made from run records: its file stem and its spec. */
export interface Figure {
  name: string;
  spec: TopLevelSpec;
}

/** The figures of one kind, with sentences about what was left out and why (for the CLI to print). */
export interface FigureSet {
  figures: Figure[];
  notes: string[];
}
