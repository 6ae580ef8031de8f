/**
 * Confusion heatmaps: rows the true class, columns the predicted class, colour the share of the row
 * (row-normalised, so classes of any size compare), the count printed in every cell.
 */
import type { TopLevelSpec } from 'vega-lite';
import { BenchError } from '../../errors.js';
import type { LoadedRun } from '../results.js';
import { accuracyRuns, runModelLabel, testSetLabel } from './runs.js';
import { figureName, figureTitle, fileList, noData, SEQUENTIAL_SCHEME, withStyle, type FigureSet } from './style.js';

export interface ConfusionInput {
  /** Class names in matrix order. */
  classes: readonly string[];
  /** counts[true][predicted]. */
  matrix: readonly (readonly number[])[];
  title?: string;
  /** Mark the figure as a demo run's. */
  demo?: boolean;
}

export interface ConfusionOptions {
  /** Cell size in px; default 40. */
  cellPx?: number;
}

export function confusionSpec(input: ConfusionInput, options: ConfusionOptions = {}): TopLevelSpec {
  const { classes, matrix, title = 'Confusion matrix' } = input;
  const k = classes.length;
  if (k === 0 || matrix.length !== k || matrix.some((row) => row.length !== k)) {
    throw new BenchError('BAD_INPUT', `the confusion matrix is not ${k} × ${k} for ${k} classes`, {
      fix: "pass the run record's `classes` and `confusion` together (rows true, columns predicted)",
    });
  }
  const values = matrix.flatMap((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => ({ truth: classes[i], predicted: classes[j], count, rate: total > 0 ? count / total : 0 }));
  });
  const n = matrix.flat().reduce((a, b) => a + b, 0);
  const cell = options.cellPx ?? 40;
  const order = [...classes];
  return withStyle({
    title: figureTitle(title, [`Colour: share of the true class (row-normalised); numbers: item counts (n = ${n}).`], { demo: input.demo }),
    width: { step: cell },
    height: { step: cell },
    data: { values },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: order, title: 'predicted class', axis: { labelAngle: -40, orient: 'bottom' } },
      y: { field: 'truth', type: 'nominal', sort: order, title: 'true class' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'rate',
            type: 'quantitative',
            title: 'share of row',
            scale: { domain: [0, 1], scheme: SEQUENTIAL_SCHEME },
            legend: { format: '.0%', gradientLength: Math.max(120, cell * Math.min(k, 6)) },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: cell >= 36 ? 11 : 9 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          // Dark cells get white text so the count stays readable (and in greyscale too).
          color: { condition: { test: 'datum.rate > 0.5', value: 'white' }, value: 'black' },
        },
      },
    ],
  });
}

/** One heatmap per eval run that kept its confusion matrix (replicas never). */
export function confusionFigures(runs: readonly LoadedRun[], options: ConfusionOptions = {}): FigureSet {
  const { runs: chosen, notes } = accuracyRuns(runs);
  const withMatrix = chosen.filter((r) => Array.isArray(r.record.confusion) && Array.isArray(r.record.classes));
  const without = chosen.filter((r) => !withMatrix.includes(r));
  if (without.length) notes.push(`No confusion matrix in ${fileList(without.map((r) => r.file))}.`);
  if (withMatrix.length === 0) throw noData('no non-replica eval run record holds a confusion matrix', 'run `bench eval` (its run record keeps `classes` and `confusion`), or point --runs at the directory that holds them');
  const figures = withMatrix.map(({ file, record }) => {
    const model = runModelLabel(record);
    const test = testSetLabel(record);
    const spec = (() => {
      try {
        return confusionSpec({ classes: record.classes!, matrix: record.confusion!, title: `${model} on ${test}`, demo: record.demo === true }, options);
      } catch (e) {
        throw e instanceof BenchError ? new BenchError('BAD_INPUT', `${file}: ${e.message}`, { file, fix: e.fix }) : e;
      }
    })();
    return { name: figureName('confusion', model, test), spec };
  });
  return { figures, notes };
}
