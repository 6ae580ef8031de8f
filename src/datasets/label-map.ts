/**
 * Explicit label maps between a corpus label space and a model's class order. Everything is by canonical
 * name; indices exist only inside a space. A map decides, and records:
 * - the evaluation classes (confusion-matrix order): the protocol's classes present in the corpus, or the
 *   corpus classes when no protocol is given;
 * - which corpus items are dropped: a class outside the protocol (`not-in-protocol`, e.g. Contempt under
 *   AffectNet-7), or a class the model has no logit for when `missing` is `drop` (`model-lacks-class`);
 *   with `count-wrong` such items stay and can never be predicted right;
 * - which model logits are kept: those of evaluation classes. Prediction is the argmax over the kept logits
 *   in the model's own order, first index on ties, exactly `np.argmax(np.delete(scores, dropped))` as the
 *   papers compute the 7-class accuracy of an 8-class model (corpora.md §1.2).
 */
import { BenchError } from '../errors.js';
import type { ClassName } from './emotions.js';
import { AFFECTNET_CLASSES } from './affectnet-labels.js';

export interface Protocol {
  /** Recorded in the run record, e.g. `affectnet-7`. */
  name: string;
  /** Evaluated classes, in the order results are reported. */
  classes: readonly ClassName[];
}

/** AffectNet-8 (ids 0..7) or AffectNet-7, named `8-class` / `7-class` as the zoo's published results are (ids 0..6: Contempt items and the Contempt logit dropped). */
export function affectnetProtocol(classes: 8 | 7): Protocol {
  return { name: `${classes}-class`, classes: AFFECTNET_CLASSES.slice(0, classes) };
}

export type MissingPolicy = 'drop' | 'count-wrong';
export type DropReason = 'not-in-protocol' | 'model-lacks-class';

export interface LabelMapOptions {
  /** The corpus label space (`Corpus.classes`). */
  corpusClasses: readonly ClassName[];
  /** The model's classes in output order (`ModelCard.classes`). */
  modelClasses: readonly ClassName[];
  /** Classes to evaluate. Default: all corpus classes, in corpus order. */
  protocol?: Protocol;
  /** An evaluated class the model has no logit for: drop its items, or keep them as always wrong. Default `drop`. */
  missing?: MissingPolicy;
  /**
   * Order of the evaluation classes: `protocol` (default; corpus order without a protocol) or `model`
   * (the model's output order, as the HSEmotion notebooks print confusion matrices; classes the model
   * lacks come last).
   */
  order?: 'protocol' | 'model';
}

export interface LabelMapDescription {
  protocol: string | null;
  missing: MissingPolicy;
  order: 'protocol' | 'model';
  corpusClasses: ClassName[];
  modelClasses: ClassName[];
  evalClasses: ClassName[];
  /** Per evaluation class, the model logit it reads (null: the model lacks it; its items count wrong). */
  logits: Array<{ class: ClassName; eval: number; model: number | null }>;
  droppedLogits: Array<{ class: ClassName; model: number }>;
  /** Per corpus class: its evaluation index, or why its items are dropped. */
  labels: Array<{ class: ClassName; eval: number } | { class: ClassName; drop: DropReason }>;
  /** Protocol classes the corpus does not have (left out of the evaluation classes). */
  absentFromCorpus: ClassName[];
}

export interface LabelMap {
  readonly evalClasses: readonly ClassName[];
  /** Per evaluation class, the model logit index (null: lacking, `count-wrong`). */
  readonly logitOf: readonly (number | null)[];
  /** Model logit indices not used, ascending. */
  readonly droppedLogits: readonly number[];
  /** Evaluation index of a corpus label, or `drop` (see `dropReason`). */
  mapLabel(label: ClassName): number | 'drop';
  dropReason(label: ClassName): DropReason | undefined;
  /** Model scores → evaluation-order scores (-Infinity for a class the model lacks). */
  mapScores(scores: ArrayLike<number>): number[];
  /** Predicted evaluation index: argmax over the kept logits in model order, first on ties. */
  predict(scores: ArrayLike<number>): number;
  describe(): LabelMapDescription;
}

function assertUnique(what: string, classes: readonly ClassName[]): void {
  const dup = classes.find((c, i) => classes.indexOf(c) !== i);
  if (dup !== undefined) {
    throw new BenchError('BAD_INPUT', `${what} lists '${dup}' twice`, { fix: `give each class once in the ${what}` });
  }
}

/** Builds the label map (see the module comment). */
export function buildLabelMap(opts: LabelMapOptions): LabelMap {
  const { corpusClasses, modelClasses, protocol, missing = 'drop', order = 'protocol' } = opts;
  assertUnique('corpus classes', corpusClasses);
  assertUnique('model classes', modelClasses);
  if (protocol) assertUnique(`protocol ${protocol.name}`, protocol.classes);

  const inCorpus = new Set(corpusClasses);
  const inModel = new Set(modelClasses);
  const wanted = protocol ? protocol.classes.filter((c) => inCorpus.has(c)) : [...corpusClasses];
  const absentFromCorpus = protocol ? protocol.classes.filter((c) => !inCorpus.has(c)) : [];
  let evalClasses = missing === 'drop' ? wanted.filter((c) => inModel.has(c)) : wanted;
  if (order === 'model') {
    const rank = (c: ClassName): number => (inModel.has(c) ? modelClasses.indexOf(c) : modelClasses.length + wanted.indexOf(c));
    evalClasses = [...evalClasses].sort((a, b) => rank(a) - rank(b));
  }
  if (evalClasses.length < 2) {
    throw new BenchError(
      'BAD_INPUT',
      `label map leaves ${evalClasses.length} class${evalClasses.length === 1 ? '' : 'es'} to evaluate (corpus: ${corpusClasses.join(', ')}; model: ${modelClasses.join(', ')}${protocol ? `; protocol ${protocol.name}: ${protocol.classes.join(', ')}` : ''})`,
      { fix: 'choose a protocol whose classes both the corpus and the model have, or use missing=count-wrong' },
    );
  }

  const evalIndex = new Map(evalClasses.map((c, i) => [c, i]));
  const logitOf = evalClasses.map((c) => (inModel.has(c) ? modelClasses.indexOf(c) : null));
  const kept = new Set(logitOf.filter((i): i is number => i !== null));
  if (kept.size === 0) {
    throw new BenchError('BAD_INPUT', `the model has none of the evaluation classes (${evalClasses.join(', ')})`, {
      fix: 'pair the corpus with a model that predicts its classes',
    });
  }
  const droppedLogits = modelClasses.map((_, i) => i).filter((i) => !kept.has(i));
  // Model indices to scan for the argmax, ascending (model order), each with its evaluation index.
  const scan = [...kept].sort((a, b) => a - b).map((m) => [m, evalIndex.get(modelClasses[m])!] as const);
  const wantedSet = new Set(wanted);

  const dropReason = (label: ClassName): DropReason | undefined => {
    if (!inCorpus.has(label)) throw new Error(`label '${label}' is not in the corpus classes (${corpusClasses.join(', ')})`);
    if (evalIndex.has(label)) return undefined;
    return wantedSet.has(label) ? 'model-lacks-class' : 'not-in-protocol';
  };
  const checkLength = (scores: ArrayLike<number>): void => {
    if (scores.length !== modelClasses.length) {
      throw new BenchError('MODEL_IO_MISMATCH', `model gave ${scores.length} scores for ${modelClasses.length} classes (${modelClasses.join(', ')})`, {
        fix: "check the card's classes and expression head against the model's output",
      });
    }
  };

  return {
    evalClasses,
    logitOf,
    droppedLogits,
    mapLabel: (label) => (dropReason(label) === undefined ? evalIndex.get(label)! : 'drop'),
    dropReason,
    mapScores(scores) {
      checkLength(scores);
      return logitOf.map((m) => (m === null ? -Infinity : scores[m]));
    },
    predict(scores) {
      checkLength(scores);
      let best = scan[0];
      for (const s of scan) if (scores[s[0]] > scores[best[0]]) best = s;
      return best[1];
    },
    describe: () => ({
      protocol: protocol?.name ?? null,
      missing,
      order,
      corpusClasses: [...corpusClasses],
      modelClasses: [...modelClasses],
      evalClasses: [...evalClasses],
      logits: evalClasses.map((c, i) => ({ class: c, eval: i, model: logitOf[i] })),
      droppedLogits: droppedLogits.map((m) => ({ class: modelClasses[m], model: m })),
      labels: corpusClasses.map((c) => {
        const r = dropReason(c);
        return r === undefined ? { class: c, eval: evalIndex.get(c)! } : { class: c, drop: r };
      }),
      absentFromCorpus,
    }),
  };
}
