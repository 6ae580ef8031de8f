/** The figure kinds and what each draws, kept free of imports so `bench --help` stays fast. */
export const FIGURE_KIND_ABOUT = {
  confusion: 'row-normalised confusion heatmap of each eval run (counts in the cells)',
  recall: 'per-class recall with bootstrap CIs, one figure per test set',
  latency: 'latency CDF and violins across models, engines and batch sizes',
  coverage: 'items scored, skipped (by reason) and excluded, per eval run',
  loco: 'leave-one-corpus-out bars with CIs (runs with protocol `loco`)',
  'cross-corpus': 'train × test heatmap of a metric (runs whose head names its training corpora)',
} as const;

export type FigureKind = keyof typeof FIGURE_KIND_ABOUT;
export const FIGURE_KINDS = Object.keys(FIGURE_KIND_ABOUT) as FigureKind[];

/** One line per kind, for --help. */
export function describeFigureKinds(): string {
  const width = Math.max(...FIGURE_KINDS.map((k) => k.length));
  return FIGURE_KINDS.map((k) => `  ${k.padEnd(width)}  ${FIGURE_KIND_ABOUT[k]}`).join('\n');
}

export function isFigureKind(kind: string): kind is FigureKind {
  return Object.hasOwn(FIGURE_KIND_ABOUT, kind);
}
