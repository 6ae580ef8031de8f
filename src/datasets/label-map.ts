/**
 * Explicit label maps between a corpus label space and a model's class order. Everything is by canonical
 * name; indices exist only inside a space. A map decides, and records:
 * - the evaluation classes (confusion-matrix order): with a protocol, ALL of the protocol's classes, whether the
 *   corpus holds them or not (those it lacks are recorded as `absentFromCorpus`, never removed from the
 *   prediction space: a corpus of neutral faces scored under AffectNet-8 can still be predicted surprise);
 *   without one, the corpus classes;
 * - which corpus items are dropped: a class outside the protocol (`not-in-protocol`, e.g. Contempt under
 *   AffectNet-7), or a class the model has no logit for when `missing` is `drop` (`model-lacks-class`);
 *   with `count-wrong` such items stay and can never be predicted right (`countedWrong`);
 * - which model logits are kept: those of evaluation classes. Prediction is the argmax over the kept logits
 *   in the model's own order, first index on ties, exactly `np.argmax(np.delete(scores, dropped))` as the
 *   papers compute the 7-class accuracy of an 8-class model (corpora.md §1.2).
 *
 * A named protocol (AffectNet `8-class`, `7-class`) fixes its label space: a model lacking one of its classes
 * has those items counted wrong (the default, as the papers' 8-class column would be), and `drop` is refused,
 * since removing a class would make it another protocol under the same name. A custom class list may drop;
 * the map's `protocolName` then names the classes actually scored.
 */
import { BenchError } from '../errors.js';
import type { ClassName } from './emotions.js';
import { AFFECTNET_CLASSES } from './affectnet-labels.js';

export interface Protocol {
  /** Recorded in the run record, e.g. `affectnet-7`. */
  name: string;
  /** Evaluated classes, in the order results are reported. */
  classes: readonly ClassName[];
  /**
   * A published protocol whose label space is fixed (AffectNet-8/-7): classes the model lacks count wrong by
   * default and `missing: 'drop'` is refused. Default false (a custom class list).
   */
  named?: boolean;
}

/** AffectNet-8 (ids 0..7) or AffectNet-7, named `8-class` / `7-class` as the zoo's published results are (ids 0..6: Contempt items and the Contempt logit dropped). */
export function affectnetProtocol(classes: 8 | 7): Protocol {
  return { name: `${classes}-class`, classes: AFFECTNET_CLASSES.slice(0, classes), named: true };
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
  /**
   * An evaluated class the model has no logit for: drop its items, or keep them as always wrong. Default
   * `count-wrong` under a named protocol (where `drop` is refused), `drop` otherwise.
   */
  missing?: MissingPolicy;
  /**
   * Order of the evaluation classes: `protocol` (default; corpus order without a protocol) or `model`
   * (the model's output order, as the HSEmotion notebooks print confusion matrices; classes the model
   * lacks come last).
   */
  order?: 'protocol' | 'model';
}

export interface LabelMapDescription {
  /** What was scored: the named protocol, `classes:a+b+...` for a class list (after drops), or `all-classes`. */
  protocol: string;
  /** The protocol asked for (null: none), before `drop` removed classes. */
  requestedProtocol: string | null;
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
  /** Evaluation classes the model has no logit for: their items are always wrong. */
  countedWrong: ClassName[];
  /** Evaluation classes the corpus does not have: kept in the prediction space, no recall (no items). */
  absentFromCorpus: ClassName[];
}

export interface LabelMap {
  /** What was scored (see `LabelMapDescription.protocol`); the run record's protocol. */
  readonly protocolName: string;
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
  const { corpusClasses, modelClasses, protocol, order = 'protocol' } = opts;
  const missing = opts.missing ?? (protocol?.named ? 'count-wrong' : 'drop');
  assertUnique('corpus classes', corpusClasses);
  assertUnique('model classes', modelClasses);
  if (protocol) assertUnique(`protocol ${protocol.name}`, protocol.classes);

  const inCorpus = new Set(corpusClasses);
  const inModel = new Set(modelClasses);
  const wanted = protocol ? [...protocol.classes] : [...corpusClasses];
  const lacking = wanted.filter((c) => !inModel.has(c));
  if (protocol?.named && missing === 'drop' && lacking.length > 0) {
    throw new BenchError(
      'BAD_INPUT',
      `--missing drop would remove ${lacking.join(', ')} (which the model lacks) from the ${protocol.name} protocol, so the result would not be ${protocol.name}`,
      { fix: narrowerProtocolFix(protocol, lacking) },
    );
  }
  let evalClasses = missing === 'drop' ? wanted.filter((c) => inModel.has(c)) : wanted;
  const protocolName = !protocol
    ? evalClasses.length === wanted.length
      ? 'all-classes'
      : `classes:${evalClasses.join('+')}`
    : protocol.named || evalClasses.length === wanted.length
      ? protocol.name
      : `classes:${evalClasses.join('+')}`;
  if (order === 'model') {
    const rank = (c: ClassName): number => (inModel.has(c) ? modelClasses.indexOf(c) : modelClasses.length + wanted.indexOf(c));
    evalClasses = [...evalClasses].sort((a, b) => rank(a) - rank(b));
  }
  if (evalClasses.length < 2) {
    throw new BenchError(
      'BAD_INPUT',
      `label map leaves ${evalClasses.length} class${evalClasses.length === 1 ? '' : 'es'} to evaluate (corpus: ${corpusClasses.join(', ')}; model: ${modelClasses.join(', ')}${protocol ? `; protocol ${protocol.name}: ${protocol.classes.join(', ')}` : ''})`,
      { fix: 'name the classes to evaluate with a protocol (--classes), or use missing=count-wrong' },
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
  const inProtocol = new Set(wanted);

  const dropReason = (label: ClassName): DropReason | undefined => {
    if (!inCorpus.has(label)) throw new Error(`label '${label}' is not in the corpus classes (${corpusClasses.join(', ')})`);
    if (evalIndex.has(label)) return undefined;
    return inProtocol.has(label) ? 'model-lacks-class' : 'not-in-protocol';
  };
  const checkLength = (scores: ArrayLike<number>): void => {
    if (scores.length !== modelClasses.length) {
      throw new BenchError('MODEL_IO_MISMATCH', `model gave ${scores.length} scores for ${modelClasses.length} classes (${modelClasses.join(', ')})`, {
        fix: "check the card's classes and expression head against the model's output",
      });
    }
  };

  return {
    protocolName,
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
      protocol: protocolName,
      requestedProtocol: protocol?.name ?? null,
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
      countedWrong: evalClasses.filter((c) => !inModel.has(c)),
      absentFromCorpus: evalClasses.filter((c) => !inCorpus.has(c)),
    }),
  };
}

/** The fix when `drop` would narrow a named protocol: the narrower named protocol when there is one. */
function narrowerProtocolFix(protocol: Protocol, lacking: readonly ClassName[]): string {
  if (protocol.name === '8-class' && lacking.length === 1 && lacking[0] === 'contempt') {
    return 'that is the 7-class protocol: use --classes 7 (or keep --missing count-wrong, the default, to score the model under 8-class with Contempt items counted wrong)';
  }
  return `keep --missing count-wrong (the default for ${protocol.name}), or give the classes to score as a comma list (--classes ${protocol.classes.filter((c) => !lacking.includes(c)).join(',')})`;
}
