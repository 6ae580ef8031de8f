/**
 * Reading `predictions.jsonl` after anything, a crash included. The writer only ever appends whole
 * lines, so the one thing a crash (kill -9, power cut) can leave is a damaged *last* line: one without
 * its `\n`, or (after a power cut) one that is not valid JSON. That tail is reported, never returned as
 * a record, and `openStore` truncates it away. A bad line anywhere else cannot come from a crash and is
 * an error naming the file and the line. Repeated ids keep their first record and are counted.
 *
 * Every line's checksum (codec.ts) is verified, so a changed byte is an error too, never a record read
 * with a wrong digit. A store of format 1 (written before checksums) has lines without one: they are
 * read and counted as `unverified`; a format-2 store must have one on every line, and so must every
 * line after the first checksummed one in any store (only whole checksummed lines are appended now).
 */
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BenchError } from '../../errors.js';
import type { PredictionRecord } from '../records.js';
import { ChecksumError, decodeLine } from './codec.js';
import { readLines } from './jsonl.js';
import { CHECKSUMS_SINCE_FORMAT, readMeta } from './meta.js';

export interface TornTail {
  /** 1-based line number of the damaged last line. */
  line: number;
  /** Bytes from the end of the last whole line to the end of the file. */
  bytes: number;
  reason: string;
}

export interface ScanResult {
  /** Distinct ids, in file order. */
  ids: Set<string>;
  /** Whole, parsable lines (duplicates included). */
  lines: number;
  /** Lines whose id was already seen (the first one is kept). */
  duplicates: number;
  /** Length of the file's sound part: the end of its last whole line. */
  validBytes: number;
  torn: TornTail | null;
  /** Whole lines read without a checksum to verify (a format-1 store's). */
  unverified: number;
}

export interface ScanOptions {
  /**
   * Refuse lines without a checksum. Default: when the store's `meta.json` (beside the file) says
   * format 2 or later.
   */
  requireChecksums?: boolean;
}

/** Scans the file, calling `onRecord` for every kept record in file order. A missing file is an empty store. */
export async function scanPredictions(file: string, onRecord?: (r: PredictionRecord) => void, opts: ScanOptions = {}): Promise<ScanResult> {
  const result: ScanResult = { ids: new Set(), lines: 0, duplicates: 0, validBytes: 0, torn: null, unverified: 0 };
  if (!(await exists(file))) return result;
  let required = opts.requireChecksums ?? ((await readMeta(dirname(file)))?.formatVersion ?? 1) >= CHECKSUMS_SINCE_FORMAT;
  // A bad whole line is only known to be the tail once no line follows it.
  let bad: { line: number; start: number; reason: string; checksum: boolean } | null = null;
  let end = 0;
  for await (const line of readLines(file)) {
    end = line.end;
    if (bad) throw corrupt(file, bad.line, bad.reason, bad.checksum);
    if (!line.terminated) {
      bad = { line: line.lineNo, start: line.start, reason: 'no newline at the end (a write cut short)', checksum: false };
      break;
    }
    let record: PredictionRecord;
    try {
      if (line.text.trim() === '') throw new Error('empty line');
      const decoded = decodeLine(line.text, required);
      record = decoded.record;
      if (decoded.verified) required = true;
      else result.unverified++;
    } catch (e) {
      bad = { line: line.lineNo, start: line.start, reason: (e as Error).message, checksum: e instanceof ChecksumError };
      continue;
    }
    result.lines++;
    result.validBytes = line.end;
    if (result.ids.has(record.id)) {
      result.duplicates++;
      continue;
    }
    result.ids.add(record.id);
    onRecord?.(record);
  }
  if (bad) result.torn = { line: bad.line, bytes: end - bad.start, reason: bad.reason };
  return result;
}

function corrupt(file: string, line: number, reason: string, checksum: boolean): BenchError {
  const dir = dirname(file);
  return new BenchError('BAD_INPUT', `prediction store has a ${checksum ? 'damaged' : 'bad'} record at line ${line}: ${reason}`, {
    file,
    row: line,
    fix: `a crash can only damage the last line, so this file was changed by something else (a failing disk, an edit): \`bench store repair ${dir}\` drops the damaged records (the next run recomputes them), or delete the store directory to recompute it all`,
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
