/**
 * What the paper layouts (hsemotion, emo-loco) share: a paper column as its sub-columns (measured, CI,
 * pub., Δ), the cell texts, the "not measured" dash and its note, and the long rows CSV gets.
 */
import { formatDiff, formatMetric, roundNoise } from '../format.js';
import type { TextColumn } from '../table.js';

/** Printed for a cell with no measurement (and, under pub., for a value the paper does not give). */
export const NOT_MEASURED = '—';
export const NOT_MEASURED_NOTE = `${NOT_MEASURED} under a measured column: not measured (no run record for that row and setting); under pub.: the paper gives no value; Δ needs both.`;

/** Beside a cell whose setup is not the paper's (another head, training set, or a replica's timing); a note says how. */
export const OTHER_SETUP_MARK = '*';

/** One measurement as a layout shows it (record scale: fractions for rates). */
export interface Measured {
  value: number;
  low: number | null;
  high: number | null;
  level: number | null;
  /** Marks to print beside the CI (†, ‡, ¶, *). */
  marks: string;
  /** A mark beside Δ (§ and what differs). */
  diffMark?: string;
  /** The run record it came from (null for a value read elsewhere, e.g. a file size). */
  runFile: string | null;
  /** The setup in words, for the CSV (`afew/val (hsemotion-svm, head linear-svc)`). */
  setup?: string;
}

/**
 * Which sub-columns a paper column has: the CI only when a cell has one, pub. and Δ only when the paper
 * gives values. A layout whose published values sit in a column of their own (emo-loco) has Δ without pub.
 */
export interface ColumnShape {
  ci: boolean;
  published: boolean;
  /** Default: as `published`. */
  diff?: boolean;
}

/** The sub-columns of one paper column, grouped under `group` in LaTeX; every number column is an `S` column. */
export function paperColumns(group: string, shape: ColumnShape): TextColumn[] {
  return [
    { title: group, group, sub: 'measured', align: 'r', numeric: true },
    ...(shape.ci ? [{ title: `${group} CI`, group, sub: 'CI', align: 'l' } as const] : []),
    ...(shape.published ? [{ title: `${group} pub.`, group, sub: 'pub.', align: 'r', numeric: true } as const] : []),
    ...((shape.diff ?? shape.published) ? [{ title: `${group} Δ`, group, sub: 'Δ', align: 'r', numeric: true } as const] : []),
  ];
}

/** The texts of one paper column's cells for one row, keyed like `paperColumns`. */
export function paperCells(group: string, shape: ColumnShape, metric: string, measured: Measured | null, published: number | null): Record<string, string> {
  const cells: Record<string, string> = { [group]: measured ? formatMetric(metric, measured.value) : NOT_MEASURED };
  if (shape.ci) {
    const ci = measured && measured.low !== null && measured.high !== null ? `[${formatMetric(metric, measured.low)}, ${formatMetric(metric, measured.high)}]` : '';
    cells[`${group} CI`] = (ci + (measured?.marks ? ` ${measured.marks}` : '')).trim();
  }
  if (shape.published) cells[`${group} pub.`] = published === null ? NOT_MEASURED : formatMetric(metric, published);
  if (shape.diff ?? shape.published) {
    const diff = diffOf(measured, published);
    cells[`${group} Δ`] = diff === null ? NOT_MEASURED : formatDiff(metric, diff) + (measured?.diffMark ?? '');
  }
  return cells;
}

export function diffOf(measured: Measured | null, published: number | null): number | null {
  return measured && published !== null ? roundNoise(measured.value - published) : null;
}

/** One cell of a layout as CSV holds it: every cell, measured or not, at full precision (rates as fractions). */
export interface LayoutCell {
  layout: string;
  /** The row: a model (hsemotion) or a test corpus (emo-loco). */
  row: string;
  column: string;
  metric: string;
  status: 'measured' | 'not measured';
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  ciLevel: number | null;
  published: number | null;
  publishedSource: string | null;
  diff: number | null;
  /** What the cell's setup was: protocol, head, host... in words. */
  setup: string | null;
  demo: boolean;
  runFile: string | null;
}

export function layoutCell(base: Pick<LayoutCell, 'layout' | 'row' | 'column' | 'metric' | 'demo'>, measured: Measured | null, published: { value: number; source: string } | null, setup: string | null): LayoutCell {
  return {
    ...base,
    status: measured ? 'measured' : 'not measured',
    value: measured?.value ?? null,
    ciLow: measured?.low ?? null,
    ciHigh: measured?.high ?? null,
    ciLevel: measured?.level ?? null,
    published: published?.value ?? null,
    publishedSource: published?.source ?? null,
    diff: diffOf(measured, published?.value ?? null),
    setup,
    runFile: measured?.runFile ?? null,
  };
}
