/**
 * Per-class recall with bootstrap CIs: one figure per test set (corpus and protocol), the true class on
 * x, one bar per model, the CI as a black line. Recall of a class is the share of its items predicted
 * as it, so the bars are the confusion matrix's diagonal with their uncertainty.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LoadedRun } from '../results.js';
import { accuracyRuns, anyDemo, runModelLabel, testSetLabel } from './runs.js';
import { figureName, figureTitle, fileList, noData, nominalColor, withStyle, type FigureSet } from './style.js';

export interface RecallPoint {
  model: string;
  className: string;
  /** Recall as a fraction (0..1), as in the run record. */
  value: number;
  low: number | null;
  high: number | null;
}

export interface RecallSpecInput {
  test: string;
  classes: readonly string[];
  points: readonly RecallPoint[];
  /** Confidence level of the intervals, e.g. 0.95 (null when no point has one). */
  level: number | null;
  demo?: boolean;
}

const pct = (v: number | null) => (v === null ? null : v * 100);

export function recallSpec(input: RecallSpecInput): TopLevelSpec {
  const models = [...new Set(input.points.map((p) => p.model))];
  const values = input.points.map((p) => ({ model: p.model, class: p.className, recall: pct(p.value), low: pct(p.low), high: pct(p.high) }));
  const ci = input.level === null ? 'no CIs in the run records' : `black lines: ${Math.round(input.level * 100)}% bootstrap CI`;
  return withStyle({
    title: figureTitle(models.length === 1 ? `Per-class recall: ${models[0]} on ${input.test}` : `Per-class recall on ${input.test}`, [`Bars: share of each true class predicted as that class; ${ci}.`], { demo: input.demo }),
    // With xOffset the step is one bar, not one class.
    width: { step: models.length > 1 ? 16 : 36 },
    height: 240,
    data: { values },
    encoding: {
      x: { field: 'class', type: 'nominal', sort: [...input.classes], title: 'true class', axis: { labelAngle: -40 } },
      xOffset: { field: 'model', type: 'nominal', sort: models },
    },
    layer: [
      {
        mark: { type: 'bar', stroke: 'black', strokeWidth: 0.5 },
        encoding: {
          y: { field: 'recall', type: 'quantitative', title: 'recall (%)', scale: { domain: [0, 100] }, stack: null },
          color: { field: 'model', type: 'nominal', title: 'model', scale: nominalColor(models), legend: models.length > 1 ? { orient: 'bottom', direction: 'vertical' } : null },
        },
      },
      {
        transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
        mark: { type: 'rule', color: 'black', strokeWidth: 1.5 },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
    ],
  });
}

/** One figure per test set from the eval runs' `recall/<class>` metrics (replicas never). */
export function recallFigures(runs: readonly LoadedRun[]): FigureSet {
  const { runs: chosen, notes } = accuracyRuns(runs);
  const byTest = new Map<string, LoadedRun[]>();
  const lacking: string[] = [];
  for (const run of chosen) {
    const { classes, metrics } = run.record;
    if (!classes || !metrics || !classes.some((c) => metrics[`recall/${c}`])) {
      lacking.push(run.file);
      continue;
    }
    const test = testSetLabel(run.record);
    byTest.set(test, [...(byTest.get(test) ?? []), run]);
  }
  if (lacking.length) notes.push(`No per-class recall in ${fileList(lacking)}.`);
  if (byTest.size === 0) throw noData('no non-replica eval run record has per-class recall (`recall/<class>` metrics)', 'run `bench eval` (it scores every class), or point --runs at the directory that holds the records');
  const figures = [...byTest].map(([test, group]) => {
    const classes = [...new Set(group.flatMap((r) => r.record.classes ?? []))];
    const points: RecallPoint[] = [];
    let level: number | null = null;
    for (const { record } of group) {
      for (const c of record.classes ?? []) {
        const m = record.metrics?.[`recall/${c}`];
        if (!m) continue;
        level ??= m.ci?.level ?? null;
        points.push({ model: runModelLabel(record), className: c, value: m.value, low: m.ci?.low ?? null, high: m.ci?.high ?? null });
      }
    }
    return { name: figureName('recall', test), spec: recallSpec({ test, classes, points, level, demo: anyDemo(group) }) };
  });
  return { figures, notes };
}
