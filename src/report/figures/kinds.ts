/** The figure kinds `bench plot KIND` knows, each a function from run records to figures. */
import { BenchError } from '../../errors.js';
import { suggestion } from '../../util/did-you-mean.js';
import type { LoadedRun } from '../results.js';
import { confusionFigures } from './confusion.js';
import { coverageFigures } from './coverage.js';
import { crossCorpusFigures } from './cross-corpus.js';
import { FIGURE_KINDS, isFigureKind, type FigureKind } from './kind-names.js';
import { latencyFigures } from './latency.js';
import { locoFigures } from './loco.js';
import { recallFigures } from './recall.js';
import type { FigureSet } from './style.js';

export { FIGURE_KINDS, describeFigureKinds, isFigureKind, type FigureKind } from './kind-names.js';

export interface FigureKindOptions {
  /** Metric of the loco and cross-corpus figures; default `uar`. */
  metric?: string;
  /** Latency axis: log, linear, or `auto` (default: log when the range spans over 10×). */
  log?: boolean | 'auto';
}

const MAKERS: Record<FigureKind, (runs: readonly LoadedRun[], o: FigureKindOptions) => FigureSet> = {
  confusion: (runs) => confusionFigures(runs),
  recall: (runs) => recallFigures(runs),
  latency: (runs, o) => latencyFigures(runs, { log: o.log }),
  coverage: (runs) => coverageFigures(runs),
  loco: (runs, o) => locoFigures(runs, { metric: o.metric }),
  'cross-corpus': (runs, o) => crossCorpusFigures(runs, { metric: o.metric }),
};

/** An unknown kind as a BenchError naming the close ones. */
export function checkFigureKind(kind: string): FigureKind {
  if (isFigureKind(kind)) return kind;
  throw new BenchError('BAD_INPUT', `unknown figure kind "${kind}".${suggestion(kind, FIGURE_KINDS)}`, { fix: `use one of: ${FIGURE_KINDS.join(', ')}` });
}

/** The figures of one kind from run records (accuracy kinds never draw replica runs). */
export function figuresOfKind(kind: string, runs: readonly LoadedRun[], options: FigureKindOptions = {}): FigureSet {
  return MAKERS[checkFigureKind(kind)](runs, options);
}
