/** Loads the scikit-learn reference outputs written by scripts/make-learn-fixtures.py. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import type { Matrix } from '../../src/learn/matrix.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'learn');

export interface SvcRef {
  kernel: string; C: number; gamma: number; classes: number[]; nSupport: number[]; support: number[];
  intercept: number[]; decisionOvo: number[][]; decisionOvr: number[][]; predict: number[];
}
export interface LogisticRef {
  C: number; standardize: boolean; scalerMean?: number[]; scalerScale?: number[]; classes: number[];
  coef: number[][]; intercept: number[]; proba: number[][]; decision: number[][] | number[]; predict: number[]; nIter: number;
  sklearnGradMax: number; optimumGradMax: number; optimumCoef: number[][]; optimumIntercept: number[];
}
export interface ProblemRef {
  name: string; d: number; nTrain: number; nTest: number; l2Rows: boolean; yTrain: number[]; yTest: number[];
  linearSvc: { C: number; tol: number; maxIter: number; classes: number[]; coef: number[][]; intercept: number[]; decision: number[][] | number[]; predict: number[]; nIter: number };
  svc: { rbf: SvcRef; linear: SvcRef };
  logistic: { raw: LogisticRef; scaled: LogisticRef };
}
export interface Reference {
  sklearn: string; numpy: string;
  problems: ProblemRef[];
  stats: { d: number; afew: { frames: number[][]; descriptor: number[]; normalized: number[] }[]; vgaf: { frames: number[][][]; descriptor: number[]; normalized: number[] }[] };
}

export const reference: Reference = JSON.parse(readFileSync(path.join(DIR, 'reference.json'), 'utf8'));

export interface Problem { ref: ProblemRef; train: Float32Array[]; test: Float32Array[] }

/** A problem's rows as Float32Array (what embeddings arrive as). */
export function loadProblem(name: string): Problem {
  const ref = reference.problems.find((p) => p.name === name);
  assert.ok(ref, `no problem ${name} in reference.json`);
  const bytes = readFileSync(path.join(DIR, `${name}.f32`));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  assert.equal(all.length, (ref.nTrain + ref.nTest) * ref.d);
  const rows = Array.from({ length: ref.nTrain + ref.nTest }, (_, i) => all.subarray(i * ref.d, (i + 1) * ref.d));
  return { ref, train: rows.slice(0, ref.nTrain), test: rows.slice(ref.nTrain) };
}

/** Largest |a − b| between a Matrix and nested reference values (a flat list for one column). */
export function maxAbsDiff(m: Matrix, expected: number[][] | number[]): number {
  const flat = (expected as (number | number[])[]).flat();
  assert.equal(m.data.length, flat.length, 'shape differs from the reference');
  let worst = 0;
  for (let k = 0; k < flat.length; k++) worst = Math.max(worst, Math.abs(m.data[k] - flat[k]));
  return worst;
}
