/** Which run records an accuracy figure may show, and how a run is named in one. */
import type { RunRecord } from '../../bench/records.js';
import { corpusLabel } from '../format.js';
import { modelLabel, runProtocol, selectNewest, type LoadedRun } from '../results.js';
import { fileList } from './style.js';
import { headKey, readHead, trainSetLabel, type HeadOf } from './trained.js';

export interface Chosen {
  runs: LoadedRun[];
  notes: string[];
}

/**
 * The eval runs an accuracy figure draws: the newest of each setup (model, trained head, corpus,
 * protocol), never a replica (random weights have no accuracy to show), with a note naming the
 * replicas left out. `setupExtra` says what else tells setups apart; default the trained head. `shownIn`
 * words the replica note for the caller (a table says "shown in accuracy tables").
 */
export function accuracyRuns(
  runs: readonly LoadedRun[],
  setupExtra: (record: RunRecord) => string = (r) => (readHead(r) ? headKey(readHead(r)) : ''),
  shownIn = 'drawn in accuracy figures',
): Chosen {
  const evals = runs.filter((r) => r.record.kind === 'eval');
  const replicas = evals.filter((r) => r.record.replica);
  const candidates = evals.filter((r) => !r.record.replica);
  // selectNewest keys eval setups by (model, corpus, protocol); a trained head is part of the setup
  // too, so its description rides along in the protocol of a copy, and the originals are returned.
  const keyed = candidates.map((r) => {
    const extra = setupExtra(r.record);
    return { file: r.file, record: extra ? { ...r.record, protocol: `${runProtocol(r.record)} · ${extra}` } : r.record, original: r };
  });
  const { runs: newest, notes } = selectNewest(keyed);
  if (replicas.length) notes.push(`Replica runs are never ${shownIn}; left out: ${fileList(replicas.map((r) => r.file))}.`);
  return { runs: newest.map((r) => (r as (typeof keyed)[number]).original), notes };
}

/** The test set as the tables name it: `AffectNet-8`, `AFEW (faces-detected)`. */
export function testSetLabel(record: RunRecord): string {
  return corpusLabel(record.provenance.dataset?.corpus ?? 'unknown', runProtocol(record));
}

/**
 * The model as the tables name it, with its trained head if any: `mobilenet_7 (demo)`,
 * `enet_b0_8_va_mtl + svm (trained on AFEW)`. Figures whose axis shows the training corpora
 * (LOCO, cross-corpus) leave them out of the label with `training: false`.
 */
export function runModelLabel(record: RunRecord, options: { headOf?: HeadOf; training?: boolean } = {}): string {
  const { headOf = readHead, training = true } = options;
  const head = headOf(record);
  const base = modelLabel({ model: record.provenance.model.name, replica: record.replica, demo: record.demo === true });
  if (!head) return base;
  return `${base} + ${head.name ?? 'head'}${training ? ` (trained on ${trainSetLabel(head)})` : ''}`;
}

export function anyDemo(runs: readonly LoadedRun[]): boolean {
  return runs.some((r) => r.record.demo === true);
}
