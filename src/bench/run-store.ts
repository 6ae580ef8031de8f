/**
 * Run records on disk: one JSON file per run under `results/runs/` (by default), written atomically so a
 * crash never leaves half a record, with a `checksum` member (util/json-checksum.ts) so a changed digit
 * is reported by `loadRunRecords`, not tabled. File names sort by date and say what the run was.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../util/atomic-write.js';
import { withJsonChecksum } from '../util/json-checksum.js';
import type { RunRecord } from './records.js';

/** A file name for the record: `<UTC date>_<model>_<kind>[_<corpus>][_b<batch>_t<threads>].json`. */
export function runRecordFileName(record: RunRecord): string {
  const date = record.provenance.date.replace(/[:.]/g, '-');
  const parts = [date, record.provenance.model.name + (record.replica ? '-replica' : ''), record.kind];
  if (record.provenance.dataset) parts.push(`${record.provenance.dataset.corpus}-${record.provenance.dataset.split}`);
  if (record.protocol) parts.push(record.protocol);
  parts.push(`b${record.provenance.batchSize}`, `t${record.provenance.engine.threads}`);
  return parts.join('_').replace(/[^A-Za-z0-9_.-]/g, '-') + '.json';
}

/** Writes the record atomically under `dir` and returns its path. */
export async function saveRunRecord(dir: string, record: RunRecord): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, runRecordFileName(record));
  await writeJsonAtomic(file, withJsonChecksum(record));
  return file;
}
