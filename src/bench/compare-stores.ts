/**
 * Two models on the same items: McNemar's test on who got which item right, and paired-bootstrap
 * intervals of every metric's difference (A − B). The pairing is by item id over the items both models
 * scored under the same protocol, so a claim "A beats B" rests on a paired test (lm-eval #3831), not on
 * two overlapping intervals.
 */
import type { MissingPolicy, Protocol } from '../datasets/label-map.js';
import { BenchError } from '../errors.js';
import { projectPredictions } from './evaluate.js';
import { compareClassifiers, type McNemarResult } from './metrics/index.js';
import type { MetricWithCI } from './records.js';
import { clipScoringFor, readScorableStore } from './rescore.js';

export interface CompareOptions {
  protocol?: Protocol;
  missing?: MissingPolicy;
  /** Bootstrap resamples (default 2000), level (0.95) and seed (0) of the paired intervals. */
  ci?: { resamples?: number; level?: number; seed?: number };
}

export interface StoreComparison {
  models: [string, string];
  corpus: { name: string; split: string; manifestSha256: string };
  protocol: string;
  classes: string[];
  /** Items scored by both models (the paired set), and by only one of them (left out). */
  paired: number;
  onlyA: number;
  onlyB: number;
  accuracy: [number, number];
  mcnemar: McNemarResult;
  /** A − B for every classification metric, with paired bootstrap CIs. */
  difference: Record<string, MetricWithCI>;
}

export async function compareStores(dirA: string, dirB: string, opts: CompareOptions = {}): Promise<StoreComparison> {
  const [a, b] = await Promise.all([readScorableStore(dirA), readScorableStore(dirB)]);
  const da = a.meta.key.dataset;
  const db = b.meta.key.dataset;
  if (da.manifestSha256 !== db.manifestSha256) {
    throw new BenchError('BAD_INPUT', `the two stores were made on different item lists (${da.corpus}/${da.split} ${da.manifestSha256.slice(0, 12)} vs ${db.corpus}/${db.split} ${db.manifestSha256.slice(0, 12)})`, {
      file: dirB,
      fix: 'compare predictions of two models on the same corpus and split',
    });
  }
  const ctx = { protocol: opts.protocol, missing: opts.missing };
  // Video stores compare clip against clip, each model's frames aggregated as its own head requires.
  const clipsOf = (s: typeof a) => {
    const c = clipScoringFor(s);
    return c ? { clips: c } : {};
  };
  const pa = projectPredictions(a.records, { ...ctx, corpusClasses: a.corpusClasses, modelClasses: a.modelClasses, ...clipsOf(a) });
  const pb = projectPredictions(b.records, { ...ctx, corpusClasses: b.corpusClasses, modelClasses: b.modelClasses, ...clipsOf(b) });
  const classes = [...pa.map.evalClasses];
  if (classes.join() !== pb.map.evalClasses.join()) {
    throw new BenchError('BAD_INPUT', `the models are evaluated on different classes (${classes.join(', ')} vs ${pb.map.evalClasses.join(', ')})`, {
      fix: 'choose a protocol both models cover (e.g. --protocol 7), or --missing count-wrong',
    });
  }
  // Both projections are in id order: walk them together to keep the items both scored.
  const labels: number[] = [];
  const predsA: number[] = [];
  const predsB: number[] = [];
  let i = 0;
  let j = 0;
  while (i < pa.ids.length && j < pb.ids.length) {
    if (pa.ids[i] === pb.ids[j]) {
      labels.push(pa.labels[i]);
      predsA.push(pa.preds[i++]);
      predsB.push(pb.preds[j++]);
    } else if (pa.ids[i] < pb.ids[j]) i++;
    else j++;
  }
  if (labels.length === 0) throw new BenchError('BAD_INPUT', 'the two stores have no scored item in common', { fix: 'compare stores of the same corpus' });
  const { mcnemar, difference } = compareClassifiers({ labels, predsA, predsB, classes }, opts.ci ?? {});
  const acc = (preds: number[]) => preds.filter((p, k) => p === labels[k]).length / labels.length;
  return {
    models: [a.model, b.model],
    corpus: { name: da.corpus, split: da.split, manifestSha256: da.manifestSha256 },
    protocol: pa.map.protocolName,
    classes,
    paired: labels.length,
    onlyA: pa.ids.length - labels.length,
    onlyB: pb.ids.length - labels.length,
    accuracy: [acc(predsA), acc(predsB)],
    mcnemar,
    difference,
  };
}
