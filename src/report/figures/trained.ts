/**
 * What LOCO and cross-corpus figures read beyond an ordinary eval run record: which corpora the
 * evaluated head was trained on. No runner writes such records yet, so the shape is the smallest that
 * works and is read through one function that a caller can replace:
 *
 *   { kind: 'eval', protocol: 'loco', provenance: { dataset: { corpus: 'afew', ... }, ... },
 *     head: { trainCorpora: ['affectnet', 'ravdess', 'vgaf'], name: 'svm' }, metrics: { uar: {...} } }
 *
 * `provenance.dataset.corpus` is the test corpus (held out, under LOCO); `head.name` tells apart two
 * heads on one backbone.
 */
import type { RunRecord } from '../../bench/records.js';
import { corpusLabel, metricKey } from '../format.js';
import { resultRows, runProtocol, type LoadedRun, type ResultRow } from '../results.js';

export interface TrainedHead {
  trainCorpora: string[];
  name?: string;
  /** The head's family, e.g. `linear-svc`, `svc-rbf`, `lstm`. */
  kind?: string;
  /** True when the head is the authors' own trained weights (EMO-AffectNet's LSTMs), not one trained here. */
  published?: boolean;
}

/** Reads the trained head of a record, or null for a zero-shot run (the published model as it is). */
export type HeadOf = (record: RunRecord) => TrainedHead | null;

export const readHead: HeadOf = (record) => {
  const head = (record as RunRecord & { head?: unknown }).head as { trainCorpora?: unknown; name?: unknown; kind?: unknown; published?: unknown } | undefined;
  if (!head || !Array.isArray(head.trainCorpora) || head.trainCorpora.length === 0 || !head.trainCorpora.every((c) => typeof c === 'string')) return null;
  return {
    trainCorpora: head.trainCorpora as string[],
    ...(typeof head.name === 'string' ? { name: head.name } : {}),
    ...(typeof head.kind === 'string' ? { kind: head.kind } : {}),
    ...(typeof head.published === 'boolean' ? { published: head.published } : {}),
  };
};

/** Protocols that mean "trained on every other corpus, tested on this one". */
export function isLocoProtocol(protocol: string): boolean {
  return /^(loco|leave-one-corpus-out)$/i.test(protocol);
}

/** Protocols that only say how the head was trained (LOCO, `cross-corpus`): they add nothing to the test column's name. */
export function isTrainingProtocol(protocol: string, isLoco: (p: string) => boolean = isLocoProtocol): boolean {
  return isLoco(protocol) || /^cross-corpus$/i.test(protocol);
}

/** The test corpus as a column: `AFEW` under LOCO or `cross-corpus`, `AffectNet-7` under a class protocol. */
export function testCorpusLabel(record: RunRecord, isLoco: (p: string) => boolean = isLocoProtocol): string {
  const protocol = runProtocol(record);
  return corpusLabel(record.provenance.dataset?.corpus ?? 'unknown', isTrainingProtocol(protocol, isLoco) ? 'default' : protocol);
}

/** `AffectNet + RAVDESS` (corpus ids in alphabetical order, so one set always reads the same). */
export function trainSetLabel(head: TrainedHead): string {
  return [...head.trainCorpora]
    .sort()
    .map((c) => corpusLabel(c, 'default'))
    .join(' + ');
}

/** What makes a trained-head run its own setup: the head's name and training corpora. */
export function headKey(head: TrainedHead | null): string {
  return head ? `${head.name ?? 'head'} on ${[...head.trainCorpora].sort().join('+')}` : 'zero-shot';
}

/** Options of the figures that read trained-head records (LOCO, cross-corpus). */
export interface TrainedRunsOptions {
  /** Default `uar`. */
  metric?: string;
  /** Which protocols are LOCO; default `loco` and `leave-one-corpus-out`. */
  isLoco?: (protocol: string) => boolean;
  /** Reads the trained head of a record; default `record.head`. */
  headOf?: HeadOf;
}

/** Each run's result row for the metric; runs without it are returned apart, to be named in a note. */
export function metricRowsOf(runs: readonly LoadedRun[], metric: string): { found: Array<{ run: LoadedRun; row: ResultRow }>; lacking: string[] } {
  const found: Array<{ run: LoadedRun; row: ResultRow }> = [];
  const lacking: string[] = [];
  for (const run of runs) {
    const row = resultRows([run]).find((r) => metricKey(r.metric) === metricKey(metric));
    if (row) found.push({ run, row });
    else lacking.push(run.file);
  }
  return { found, lacking };
}
