/**
 * Which published value applies to a run: the one decision behind the "pub." and Δ of a run record, of
 * `bench eval`'s report and of every table (the table re-applies it to the entries a record carries, so an
 * old or hand-edited record cannot show a value its run does not match).
 *
 * A published number applies only to a run on the same corpus, split, release (layout family) and class
 * protocol. Valence/arousal CCCs are published per corpus, not per class protocol, so for them the
 * protocol is not compared. The first matching entry of a metric wins: cards list the headline number
 * (the README's) before later re-evaluations.
 *
 * A trained-head protocol can score what the cards publish under other protocol names: an
 * `hsemotion-svm` run's `accuracy` (the face subset) is the card's `faces-detected` accuracy, and its
 * `complete_accuracy` the card's `complete` accuracy (PROTOCOL_ALIASES).
 */
import type { PublishedResult } from './card.js';

/** Defaults of entries that do not say: the validation split of the official release. */
export const PUBLISHED_DEFAULTS = { split: 'val', release: 'official' } as const;

/** What a run was computed on, as its record says. */
export interface RunSetting {
  corpus: string;
  split: string;
  /** Corpus release (`official`, `march2021`); undefined when unknown (old record, generic corpus): nothing applies. */
  release: string | undefined;
  protocol: string;
}

/** A published entry as a run record carries it (record metric names: `accuracy`, `macroF1`, `valence_ccc`). */
export interface AppliedPublished {
  metric: string;
  corpus?: string;
  protocol: string;
  split?: string;
  release?: string;
  /** The resize kernel behind the published number, when the card names it. */
  resize?: string;
  value: number;
  source: string;
}

/** Card metric names → run-record metric names (only those a run record computes). */
const RECORD_METRIC: Record<string, string> = {
  accuracy: 'accuracy',
  macro_f1: 'macroF1',
  uar: 'uar',
  ccc_valence: 'valence_ccc',
  ccc_arousal: 'arousal_ccc',
};

const isVa = (metric: string): boolean => /valence|arousal/i.test(metric);

/**
 * Per run protocol: card protocol → the card metric it publishes and the run-record metric that
 * measures it. HSEmotion's AFEW/VGAF numbers (corpora.md §2–3) are those of its SVM protocol.
 */
const PROTOCOL_ALIASES: Record<string, Record<string, { card: string; record: string }>> = {
  'hsemotion-svm': {
    'faces-detected': { card: 'accuracy', record: 'accuracy' },
    complete: { card: 'accuracy', record: 'complete_accuracy' },
  },
};

/** The run-record metric a card entry is compared with under the run's protocol, or undefined when none. */
function recordMetricOf(entry: Pick<PublishedResult, 'metric' | 'protocol'>, runProtocol: string): string | undefined {
  const alias = PROTOCOL_ALIASES[runProtocol]?.[entry.protocol];
  if (alias) return alias.card === entry.metric ? alias.record : undefined;
  return RECORD_METRIC[entry.metric];
}

/** Whether an entry's protocol (with its record metric name) is the run's, directly or by an alias. */
function protocolMatches(entry: Pick<AppliedPublished, 'metric' | 'protocol'>, runProtocol: string): boolean {
  if (entry.protocol === runProtocol || isVa(entry.metric)) return true;
  return PROTOCOL_ALIASES[runProtocol]?.[entry.protocol]?.record === entry.metric;
}

/** Whether `entry` (its metric named as run records name it) applies to `run` (see the module comment). */
export function publishedApplies(entry: Pick<AppliedPublished, 'metric' | 'corpus' | 'protocol' | 'split' | 'release'>, run: RunSetting): boolean {
  if (run.release === undefined) return false;
  return (
    (entry.corpus ?? run.corpus) === run.corpus &&
    (entry.split ?? PUBLISHED_DEFAULTS.split) === run.split &&
    (entry.release ?? PUBLISHED_DEFAULTS.release) === run.release &&
    protocolMatches(entry, run.protocol)
  );
}

/** The applicable entries, at most one per metric (the first: the headline), in the given order. */
export function applicablePublished<T extends Pick<AppliedPublished, 'metric' | 'corpus' | 'protocol' | 'split' | 'release'>>(
  entries: readonly T[],
  run: RunSetting,
  key: (metric: string) => string = (m) => m,
): T[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const k = key(e.metric);
    if (seen.has(k) || !publishedApplies(e, run)) return false;
    seen.add(k);
    return true;
  });
}

/** The card's entries that apply to the run, as the run record stores them. */
export function publishedForRun(card: readonly PublishedResult[], run: RunSetting, defaultResize?: string): AppliedPublished[] {
  const recordable = card.flatMap((r) => {
    const metric = recordMetricOf(r, run.protocol);
    return metric === undefined ? [] : [{ ...r, metric }];
  });
  return applicablePublished(recordable, run).map((r) => ({
    metric: r.metric,
    corpus: r.corpus,
    protocol: r.protocol,
    split: r.split ?? PUBLISHED_DEFAULTS.split,
    release: r.release ?? PUBLISHED_DEFAULTS.release,
    ...((r.resize ?? defaultResize) ? { resize: r.resize ?? defaultResize } : {}),
    value: r.value,
    source: r.source,
  }));
}
