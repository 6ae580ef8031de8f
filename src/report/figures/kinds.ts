/** The figure kinds `bench plot KIND` knows, each a function from run records to figures. */
import { BenchError } from '../../errors.js';
import { suggestion } from '../../util/did-you-mean.js';
import type { LoadedRun } from '../results.js';
import { confusionFigures } from './confusion.js';
import { coverageFigures } from './coverage.js';
import { crossCorpusFigures } from './cross-corpus.js';
import { latencyFigures } from './latency.js';
import { locoFigures } from './loco.js';
import { recallFigures } from './recall.js';
import type { FigureSet } from './style.js';

export interface FigureKindOptions {
  /** Metric of the loco and cross-corpus figures; default `uar`. */
  metric?: string;
  /** Latency axis: log, linear, or `auto` (default: log when the range spans over 10×). */
  log?: boolean | 'auto';
}

const KINDS = {
  confusion: { about: 'row-normalised confusion heatmap of each eval run (counts in the cells)', make: (runs: readonly LoadedRun[]) => confusionFigures(runs) },
  recall: { about: 'per-class recall with bootstrap CIs, one figure per test set', make: (runs: readonly LoadedRun[]) => recallFigures(runs) },
  latency: { about: 'latency CDF and violins across models, engines and batch sizes', make: (runs: readonly LoadedRun[], o: FigureKindOptions) => latencyFigures(runs, { log: o.log }) },
  coverage: { about: 'items scored, skipped (by reason) and excluded, per eval run', make: (runs: readonly LoadedRun[]) => coverageFigures(runs) },
  loco: { about: 'leave-one-corpus-out bars with CIs (runs with protocol `loco`)', make: (runs: readonly LoadedRun[], o: FigureKindOptions) => locoFigures(runs, { metric: o.metric }) },
  'cross-corpus': { about: 'train × test heatmap of a metric (runs whose head names its training corpora)', make: (runs: readonly LoadedRun[], o: FigureKindOptions) => crossCorpusFigures(runs, { metric: o.metric }) },
} as const;

export type FigureKind = keyof typeof KINDS;
export const FIGURE_KINDS = Object.keys(KINDS) as FigureKind[];

/** One line per kind, for --help. */
export function describeFigureKinds(): string {
  const width = Math.max(...FIGURE_KINDS.map((k) => k.length));
  return FIGURE_KINDS.map((k) => `  ${k.padEnd(width)}  ${KINDS[k].about}`).join('\n');
}

export function isFigureKind(kind: string): kind is FigureKind {
  return Object.hasOwn(KINDS, kind);
}

/** The figures of one kind from run records (accuracy kinds never draw replica runs). */
export function figuresOfKind(kind: string, runs: readonly LoadedRun[], options: FigureKindOptions = {}): FigureSet {
  if (!isFigureKind(kind)) {
    throw new BenchError('BAD_INPUT', `unknown figure kind "${kind}".${suggestion(kind, FIGURE_KINDS)}`, { fix: `use one of: ${FIGURE_KINDS.join(', ')}` });
  }
  return KINDS[kind].make(runs, options);
}
