/**
 * Models × corpora, zero-shot (issue 10's `bench matrix`): each published model scored on each corpus
 * as it is, through the ordinary `evaluate` (so every cell's predictions are in the store and re-score
 * with `bench score`). The label space of each pair is declared and recorded (`matrixLabelSpace`):
 * - an emotion corpus: the classes model and corpus share (an 8-class model on a 7-class corpus drops
 *   its Contempt logit; a corpus class the model lacks, e.g. RAVDESS calm, drops its items, counted);
 * - a group-valence corpus (VGAF): the emotion scores projected onto Negative/Neutral/Positive through
 *   the explicit valence map (the user's or the documented default).
 */
import type { Corpus } from '../../datasets/corpus.js';
import type { ClassName } from '../../datasets/emotions.js';
import { affectnetProtocol, buildLabelMap, type Protocol } from '../../datasets/label-map.js';
import type { OpenedModel } from '../../models/open.js';
import { evaluate, type EvalRunRecord, type EvaluateOptions } from '../evaluate.js';
import { countExclusions, isValenceCorpus, valenceProjection, type CorpusExclusions, type ValenceMap, type ValenceProjection } from './label-space.js';

export interface MatrixLabelSpace {
  kind: 'model-corpus';
  model: string;
  corpus: string;
  /** The classes scored. */
  classes: ClassName[];
  /** Model logits not read (e.g. contempt on a 7-class corpus). */
  droppedLogits: ClassName[];
  /** Corpus items outside the scored classes, counted. */
  exclusions: CorpusExclusions;
  /** Set for a group-valence corpus: how emotion scores became valence scores. */
  valence?: ValenceProjection;
}

/** The declared label space of one model on one corpus; refuses a pair with fewer than two shared classes. */
export function matrixLabelSpace(modelName: string, modelClasses: readonly ClassName[], corpus: Pick<Corpus, 'name' | 'classes' | 'samples'>, valenceMap?: ValenceMap): MatrixLabelSpace {
  if (isValenceCorpus(corpus.classes)) {
    const valence = valenceProjection(modelClasses, corpus.classes, valenceMap);
    return { kind: 'model-corpus', model: modelName, corpus: corpus.name, classes: [...corpus.classes], droppedLogits: valence.unmapped, exclusions: countExclusions(corpus, corpus.classes), valence };
  }
  // buildLabelMap refuses fewer than two shared classes with its own fix.
  const map = buildLabelMap({ corpusClasses: corpus.classes, modelClasses, missing: 'drop' });
  return {
    kind: 'model-corpus',
    model: modelName,
    corpus: corpus.name,
    classes: [...map.evalClasses],
    droppedLogits: map.droppedLogits.map((i) => modelClasses[i]),
    exclusions: countExclusions(corpus, map.evalClasses),
  };
}

export type MatrixRunRecord = EvalRunRecord & { labelSpace: MatrixLabelSpace };

export interface MatrixCellOptions {
  valenceMap?: ValenceMap;
  /** The evaluate options of this cell (video options for a corpus of clips, store, CIs). */
  evaluate: EvaluateOptions;
}

/** One cell: the model on the corpus under the declared label space. */
export async function runMatrixCell(opened: OpenedModel, corpus: Corpus, opts: MatrixCellOptions): Promise<MatrixRunRecord> {
  const space = matrixLabelSpace(opened.card.name, opened.card.classes, corpus, opts.valenceMap);
  const record = await evaluate(opened, corpus, {
    ...opts.evaluate,
    ...(space.valence ? { valence: space.valence } : { protocol: protocolOf(corpus.name, space.classes), missing: 'drop' as const }),
  });
  return { ...record, labelSpace: space };
}

/** AffectNet keeps its named protocols (so its published numbers apply); elsewhere the shared classes. */
function protocolOf(corpus: string, classes: readonly ClassName[]): Protocol {
  if (corpus === 'affectnet' && (classes.length === 8 || classes.length === 7)) return affectnetProtocol(classes.length);
  return { name: `classes:${classes.join('+')}`, classes };
}
