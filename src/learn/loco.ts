/**
 * Leave-one-corpus-out (EMO-AffectNet's cross-corpus study): for each corpus in turn, train a fresh
 * head on the embeddings of all the others and predict the held-out one. Pure computation: the
 * embeddings come in as matrices, predictions go out; scoring (UAR etc.) is src/bench/metrics' job.
 */
import type { Classifier, ClassifierRecord } from './classifier.js';
import type { Label } from './labels.js';
import { badInput, type Matrix, type MatrixInput, toMatrix } from './matrix.js';

export interface LocoCorpus<L extends Label = Label> {
  name: string;
  X: MatrixInput;
  y: readonly L[];
}

export interface LocoFold<L extends Label = Label> {
  /** The held-out corpus. */
  test: string;
  train: string[];
  /** Predictions for the held-out corpus's rows, in its order. */
  predictions: L[];
  classifier: ClassifierRecord;
}

/** Runs every fold; `makeClassifier` returns a new, unfitted classifier each call. */
export async function leaveOneCorpusOut<L extends Label>(corpora: readonly LocoCorpus<L>[], makeClassifier: () => Classifier<L> | Promise<Classifier<L>>): Promise<LocoFold<L>[]> {
  if (corpora.length < 2) throw badInput(`leave-one-corpus-out needs at least 2 corpora, got ${corpora.length}`, 'pass two or more corpora');
  const names = new Set(corpora.map((c) => c.name));
  if (names.size !== corpora.length) throw badInput('two corpora have the same name', 'give each corpus a distinct name');
  const mats = corpora.map((c) => toMatrix(c.X, `corpus ${c.name}`));
  const d = mats[0].cols;
  mats.forEach((m, i) => {
    if (m.cols !== d) throw badInput(`corpus ${corpora[i].name} has ${m.cols} features per row but ${corpora[0].name} has ${d}`, 'embed every corpus with the same model and clip statistics');
    if (corpora[i].y.length !== m.rows) throw badInput(`corpus ${corpora[i].name} has ${corpora[i].y.length} labels for ${m.rows} rows`, 'give one label per row');
  });
  const folds: LocoFold<L>[] = [];
  for (let t = 0; t < corpora.length; t++) {
    const others = corpora.map((_, i) => i).filter((i) => i !== t);
    const X = stack(others.map((i) => mats[i]));
    const y = others.flatMap((i) => corpora[i].y);
    const clf = await makeClassifier();
    clf.fit(X, y);
    folds.push({ test: corpora[t].name, train: others.map((i) => corpora[i].name), predictions: clf.predict(mats[t]), classifier: clf.toJSON() });
  }
  return folds;
}

/** Rows of several matrices with the same width, one under another. */
export function stack(parts: readonly Matrix[]): Matrix {
  const cols = parts[0].cols;
  const rows = parts.reduce((s, m) => s + m.rows, 0);
  const data = new Float64Array(rows * cols);
  let off = 0;
  for (const m of parts) {
    data.set(m.data, off);
    off += m.data.length;
  }
  return { rows, cols, data };
}
