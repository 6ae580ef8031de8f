/**
 * Reading `predictions.jsonl` after anything, a crash included. The writer only ever appends whole
 * lines, so the one thing a crash (kill -9, power cut) can leave is a damaged *last* line: one without
 * its `\n`, or (after a power cut) one that is not valid JSON. That tail is reported, never returned as
 * a record, and `openStore` truncates it away. A bad line anywhere else cannot come from a crash and is
 * an error naming the file and the line. Repeated ids keep their first record and are counted.
 */
import { access } from 'node:fs/promises';
import { BenchError } from '../../errors.js';
import type { PredictionRecord } from '../records.js';
import { decodeRecord } from './codec.js';
import { readLines } from './jsonl.js';

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
}

/** Scans the file, calling `onRecord` for every kept record in file order. A missing file is an empty store. */
export async function scanPredictions(file: string, onRecord?: (r: PredictionRecord) => void): Promise<ScanResult> {
  const result: ScanResult = { ids: new Set(), lines: 0, duplicates: 0, validBytes: 0, torn: null };
  if (!(await exists(file))) return result;
  // A bad whole line is only known to be the tail once no line follows it.
  let bad: { line: number; start: number; reason: string } | null = null;
  let end = 0;
  for await (const line of readLines(file)) {
    end = line.end;
    if (bad) throw corrupt(file, bad.line, bad.reason);
    if (!line.terminated) {
      bad = { line: line.lineNo, start: line.start, reason: 'no newline at the end (a write cut short)' };
      break;
    }
    let record: PredictionRecord;
    try {
      if (line.text.trim() === '') throw new Error('empty line');
      record = decodeRecord(line.text);
    } catch (e) {
      bad = { line: line.lineNo, start: line.start, reason: (e as Error).message };
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

function corrupt(file: string, line: number, reason: string): BenchError {
  return new BenchError('BAD_INPUT', `prediction store has a bad record at line ${line}: ${reason}`, {
    file,
    row: line,
    fix: 'a crash can only damage the last line, so this file was changed by something else: delete the store directory to recompute it, or remove that line by hand to keep the rest',
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
