/**
 * `bench store repair DIR`: a store whose records file has damaged lines (a checksum mismatch, a line
 * that does not parse, a torn tail) is rewritten without them, atomically and under the writer lock, and
 * marked incomplete, so the next run over it recomputes exactly the items it lost. Sound lines are kept
 * byte for byte. `verifyStore` is the read-only half: what a repair would drop.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { decodeLine } from './codec.js';
import { readLines } from './jsonl.js';
import { acquireLock } from './lock.js';
import { CHECKSUMS_SINCE_FORMAT, PREDICTIONS_FILE, readMeta, writeMeta, type StoreMeta } from './meta.js';

export interface DamagedLine {
  /** 1-based line number in the file as it was. */
  line: number;
  reason: string;
}

export interface StoreCheck {
  dir: string;
  file: string;
  formatVersion: number;
  /** Whole lines whose checksum matched. */
  verified: number;
  /** Whole lines read without a checksum (a format-1 store's). */
  unverified: number;
  damaged: DamagedLine[];
}

export interface RepairResult extends StoreCheck {
  /** Whether the file was rewritten (false when nothing was damaged). */
  rewritten: boolean;
}

async function storeMeta(dir: string): Promise<StoreMeta> {
  const meta = await readMeta(dir);
  if (!meta) {
    throw new BenchError('BAD_INPUT', `not a prediction store: no meta.json in ${dir}`, {
      file: join(dir, 'meta.json'),
      fix: 'pass a directory under results/predictions/ (bench store ls lists them)',
    });
  }
  return meta;
}

type Line = { sound: true; text: string; verified: boolean } | { sound: false; damaged: DamagedLine };

/** Every line of the records file, sound or damaged, in file order (bounded memory). */
async function* classify(file: string, meta: StoreMeta): AsyncGenerator<Line> {
  let required = meta.formatVersion >= CHECKSUMS_SINCE_FORMAT;
  if (!existsSync(file)) return;
  for await (const line of readLines(file)) {
    if (!line.terminated) {
      yield { sound: false, damaged: { line: line.lineNo, reason: 'no newline at the end (a write cut short)' } };
      continue;
    }
    try {
      const { verified } = decodeLine(line.text, required);
      if (verified) required = true;
      yield { sound: true, text: line.text + '\n', verified };
    } catch (e) {
      yield { sound: false, damaged: { line: line.lineNo, reason: (e as Error).message } };
    }
  }
}

async function checkLines(dir: string, meta: StoreMeta): Promise<StoreCheck> {
  const file = join(dir, PREDICTIONS_FILE);
  const out: StoreCheck = { dir, file, formatVersion: meta.formatVersion, verified: 0, unverified: 0, damaged: [] };
  for await (const l of classify(file, meta)) {
    if (!l.sound) out.damaged.push(l.damaged);
    else if (l.verified) out.verified++;
    else out.unverified++;
  }
  return out;
}

/** The sound lines, in chunks of about 1 MB (one write each). */
async function* soundLines(file: string, meta: StoreMeta): AsyncGenerator<string> {
  let chunk: string[] = [];
  let size = 0;
  for await (const l of classify(file, meta)) {
    if (!l.sound) continue;
    chunk.push(l.text);
    size += l.text.length;
    if (size >= 1 << 20) {
      yield chunk.join('');
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length) yield chunk.join('');
}

/** Reads every line of the store and reports what is damaged; changes nothing. */
export async function verifyStore(dir: string): Promise<StoreCheck> {
  return checkLines(dir, await storeMeta(dir));
}

/** Drops the damaged lines (see the module comment). Refused while a run holds the store's lock. */
export async function repairStore(dir: string, opts: { fsync?: boolean } = {}): Promise<RepairResult> {
  const lock = await acquireLock(dir);
  try {
    const meta = await storeMeta(dir);
    const check = await checkLines(dir, meta);
    if (check.damaged.length === 0) return { ...check, rewritten: false };
    // Incomplete first: should the rewrite be cut short, the store still says it must be finished.
    if (meta.complete) await writeMeta(dir, { ...meta, complete: null }, opts.fsync ?? true);
    // We hold the lock, so the file does not change between the check and the rewrite.
    await writeFileAtomic(check.file, soundLines(check.file, meta), { fsync: opts.fsync });
    return { ...check, rewritten: true };
  } finally {
    await lock.release();
  }
}
