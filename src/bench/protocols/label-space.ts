/**
 * The declared label space of a cross-corpus run, written into its records:
 * - LOCO (`locoLabelSpace`): the classes every corpus has. A head trained on corpora A and B and tested
 *   on C can only be scored on classes all three hold, so each corpus's items outside the intersection
 *   are excluded and counted by reason and class (RAVDESS `calm` next to a 7-class corpus, CREMA-D's lack
 *   of surprise removing surprise everywhere).
 * - Matrix (`matrixLabelSpace`): a published model on a corpus, zero-shot. Emotion corpora go through the
 *   ordinary label map (src/datasets/label-map.ts: an 8-class model on a 7-class corpus drops the
 *   Contempt logit, a corpus class the model lacks drops its items). A group-valence corpus (VGAF) is
 *   scored from the emotion scores only through an explicit class → valence map (`ValenceMap`), the
 *   user's or `DEFAULT_VALENCE_MAP`, recorded in the run record.
 * An empty (or one-class) intersection is refused with a fix.
 */
import { EMOTIONS, GROUP_VALENCE, toEmotion, type ClassName, type Emotion, type GroupValence } from '../../datasets/emotions.js';
import type { Corpus } from '../../datasets/corpus.js';
import { BenchError } from '../../errors.js';
import { softmax } from '../clips.js';

/** Why an item of a corpus is left out of a cross-corpus run. */
export type ExclusionReason = 'not-in-intersection' | 'no-label';

export interface CorpusExclusions {
  corpus: string;
  /** Items kept (their label is in the declared space). */
  kept: number;
  /** Items left out, by reason. */
  excluded: Partial<Record<ExclusionReason, number>>;
  /** Items left out as not-in-intersection, by their own class (e.g. `{ calm: 192 }`). */
  excludedClasses: Partial<Record<ClassName, number>>;
}

export interface LocoLabelSpace {
  kind: 'loco-intersection';
  /** The scored classes, in the canonical vocabulary's order. */
  classes: ClassName[];
  /** Each corpus's own classes, and what was left out of it. */
  corpora: Array<CorpusExclusions & { classes: ClassName[] }>;
}

type CorpusLike = Pick<Corpus, 'name' | 'classes' | 'samples'>;

const ORDER: readonly ClassName[] = [...EMOTIONS, ...GROUP_VALENCE.map((v) => `group:${v}` as const)];
const byVocabulary = (a: ClassName, b: ClassName): number => ORDER.indexOf(a) - ORDER.indexOf(b);

/** What `classes` keeps of a corpus's items: counts by reason, and by class for those outside. */
export function countExclusions(corpus: CorpusLike, classes: readonly ClassName[]): CorpusExclusions {
  const keep = new Set(classes);
  const out: CorpusExclusions = { corpus: corpus.name, kept: 0, excluded: {}, excludedClasses: {} };
  for (const s of corpus.samples) {
    if (s.label === null) out.excluded['no-label'] = (out.excluded['no-label'] ?? 0) + 1;
    else if (keep.has(s.label)) out.kept++;
    else {
      out.excluded['not-in-intersection'] = (out.excluded['not-in-intersection'] ?? 0) + 1;
      out.excludedClasses[s.label] = (out.excludedClasses[s.label] ?? 0) + 1;
    }
  }
  return out;
}

/** The classes all the corpora share; refused when fewer than two remain, or when a corpus keeps no item. */
export function locoLabelSpace(corpora: readonly CorpusLike[]): LocoLabelSpace {
  const shared = corpora.reduce<ClassName[]>((acc, c) => acc.filter((k) => c.classes.includes(k)), [...(corpora[0]?.classes ?? [])]).sort(byVocabulary);
  const listing = corpora.map((c) => `${c.name}: ${c.classes.join(', ')}`).join('; ');
  if (shared.length < 2) {
    const valence = corpora.filter((c) => c.classes.some((k) => k.startsWith('group:'))).map((c) => c.name);
    throw new BenchError('BAD_INPUT', `the corpora share ${shared.length === 0 ? 'no class' : `only ${shared[0]}`}, so no head can be trained and tested across them (${listing})`, {
      fix: valence.length
        ? `${valence.join(', ')} label${valence.length === 1 ? 's' : ''} group valence, not emotions: leave it out of bench loco (score emotion models on it with bench matrix and a valence map)`
        : 'choose corpora that share at least two emotion classes',
    });
  }
  const space: LocoLabelSpace = { kind: 'loco-intersection', classes: shared, corpora: corpora.map((c) => ({ ...countExclusions(c, shared), classes: [...c.classes] })) };
  const empty = space.corpora.find((c) => c.kept === 0);
  if (empty) {
    throw new BenchError('BAD_INPUT', `no item of ${empty.corpus} has one of the shared classes (${shared.join(', ')})`, {
      fix: `leave ${empty.corpus} out, or check its labels (bench store ls shows what was loaded)`,
    });
  }
  return space;
}

/* ------------------------------------------------------------------------------------------------ */
/* Emotion scores → group valence (VGAF), for zero-shot matrix runs.                                  */
/* ------------------------------------------------------------------------------------------------ */

/** Which valence each emotion class counts toward. Classes not listed are left out of the sum. */
export type ValenceMap = Partial<Record<Emotion, GroupValence>>;

/**
 * The bench's default (not a paper's: HSEmotion trains an SVM on VGAF instead): the usual valence of
 * each basic emotion; surprise counts positive, as in the circumplex placement most FER work uses.
 */
export const DEFAULT_VALENCE_MAP: Readonly<ValenceMap> = {
  happiness: 'positive',
  surprise: 'positive',
  neutral: 'neutral',
  calm: 'neutral',
  sadness: 'negative',
  fear: 'negative',
  disgust: 'negative',
  anger: 'negative',
  contempt: 'negative',
};

/** Parses `happiness=positive,surprise=neutral,...` (or JSON `{ "happiness": "positive" }`); refuses unknown names. */
export function parseValenceMap(spec: string): ValenceMap {
  const trimmed = spec.trim();
  let pairs: Array<[string, string]>;
  if (trimmed.startsWith('{')) {
    try {
      pairs = Object.entries(JSON.parse(trimmed) as Record<string, string>);
    } catch (e) {
      throw new BenchError('BAD_INPUT', `--valence-map is not JSON: ${(e as Error).message}`, { fix: 'pass e.g. "happiness=positive,neutral=neutral,sadness=negative"' });
    }
  } else {
    pairs = trimmed.split(',').filter(Boolean).map((p) => {
      const [k, v] = p.split('=').map((s) => s.trim());
      return [k, v ?? ''];
    });
  }
  const out: ValenceMap = {};
  for (const [k, v] of pairs) {
    const e = toEmotion(k);
    if (!e) throw new BenchError('BAD_INPUT', `--valence-map: unknown emotion "${k}"`, { fix: `use emotion names: ${EMOTIONS.join(', ')}` });
    if (!(GROUP_VALENCE as readonly string[]).includes(v)) throw new BenchError('BAD_INPUT', `--valence-map: "${k}=${v}" is not a valence`, { fix: `map each emotion to one of ${GROUP_VALENCE.join(', ')}` });
    out[e] = v as GroupValence;
  }
  return out;
}

export interface ValenceProjection {
  kind: 'emotion-to-valence';
  /** The map as applied (only the model's classes), recorded in the run record. */
  map: ValenceMap;
  /** `default` (DEFAULT_VALENCE_MAP) or `user`. */
  source: 'default' | 'user';
  /** Output classes, the corpus's order. */
  classes: ClassName[];
  /** The model's classes the map does not name: their probability is left out. */
  unmapped: Emotion[];
  /** How a valence class scores: the sum of the softmax probabilities of its emotions. */
  rule: string;
}

/**
 * The projection of a model's emotion scores onto a valence corpus's classes; refused when a valence class
 * would get no emotion (it could never be predicted) or the model's classes are not emotions.
 */
export function valenceProjection(modelClasses: readonly ClassName[], corpusClasses: readonly ClassName[], user?: ValenceMap): ValenceProjection {
  const source = user ? 'user' : 'default';
  const full = user ?? DEFAULT_VALENCE_MAP;
  const map: ValenceMap = {};
  const unmapped: Emotion[] = [];
  for (const c of modelClasses) {
    if (c.startsWith('group:')) throw new BenchError('BAD_INPUT', `the model already predicts group valence (${c}); no emotion → valence map applies`, { fix: 'score it on the valence corpus directly with bench eval' });
    const v = full[c as Emotion];
    if (v) map[c as Emotion] = v;
    else unmapped.push(c as Emotion);
  }
  const empty = corpusClasses.filter((k) => !Object.values(map).some((v) => `group:${v}` === k));
  if (empty.length) {
    throw new BenchError('BAD_INPUT', `the valence map gives ${empty.join(', ')} no emotion of the model (${modelClasses.join(', ')}), so it could never be predicted`, {
      fix: 'pass --valence-map naming at least one of the model’s emotions for each of positive, neutral and negative',
    });
  }
  return { kind: 'emotion-to-valence', map, source, classes: [...corpusClasses], unmapped, rule: 'P(valence) = Σ softmax probability of the emotions mapped to it; argmax, first class on ties' };
}

/** Whether a corpus labels group valence (VGAF) rather than emotions. */
export function isValenceCorpus(classes: readonly ClassName[]): boolean {
  return classes.length > 0 && classes.every((c) => c.startsWith('group:'));
}

/**
 * Emotion scores (logits or probabilities, model order) → one score per valence class (corpus order):
 * the summed probabilities of the emotions the map sends there.
 */
export function projectToValence(p: ValenceProjection, modelClasses: readonly ClassName[], scores: ArrayLike<number>, kind: 'logits' | 'probabilities'): number[] {
  const probs = kind === 'logits' ? softmax(Array.from(scores)) : Array.from(scores);
  const out = p.classes.map(() => 0);
  modelClasses.forEach((c, i) => {
    const v = p.map[c as Emotion];
    if (v) out[p.classes.indexOf(`group:${v}`)] += probs[i];
  });
  return out;
}
