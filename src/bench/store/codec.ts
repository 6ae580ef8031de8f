/**
 * One PredictionRecord ⇄ one line of JSON. Writing puts the fields in one fixed order, so the same
 * record gives the same bytes however the runner built the object; numbers are written in JavaScript's
 * shortest round-trip form, so reading gives back exactly the same doubles. NaN/Infinity are refused:
 * JSON would silently turn them into null.
 *
 * Every line ends with a checksum (store format 2): the record's JSON `{…}` is written as
 * `{…,"_crc":"<crc32 of the UTF-8 bytes of {…}, 8 lower-case hex digits>"}`. A flipped byte that still
 * parses (a digit changed) is caught by it; the suffix has a fixed width, so the record's own bytes are
 * the line minus 19 characters plus `}`. pandas sees one more column, `_crc`. Lines written before
 * format 2 have no suffix: they are read, and counted as unverified (see scan.ts).
 */
import { crc32 } from 'node:zlib';
import { BenchError } from '../../errors.js';
import { compareCodeUnits } from '../../util/hash.js';
import type { PredictionRecord } from '../records.js';

const FIELD_ORDER = [
  'id',
  'group',
  'clip',
  'frame',
  'box',
  'label',
  'scores',
  'valence',
  'arousal',
  'valenceTrue',
  'arousalTrue',
  'embedding',
  'face',
  'latencyMs',
  'skip',
] as const;
const KNOWN = new Set<string>(FIELD_ORDER);

export interface RecordShape {
  /** Number of classes `label` indexes (the corpus's). */
  corpusClasses: number;
  /** Length of `scores` when present (the model's class count); 0 when the model has no class head. */
  modelClasses: number;
}

/**
 * The record as one line of JSON with its `\n`. Throws on a record the store must not keep; with a
 * `shape`, also on a label or a scores length that does not fit the class lists.
 */
export function encodeRecord(r: PredictionRecord, shape: RecordShape | null = null): string {
  checkRecord(r, shape);
  const o: Record<string, unknown> = {};
  for (const k of FIELD_ORDER) if ((r as unknown as Record<string, unknown>)[k] !== undefined) o[k] = (r as unknown as Record<string, unknown>)[k];
  // Fields a later version adds: kept, in a stable order.
  for (const k of Object.keys(r).filter((k) => !KNOWN.has(k)).sort(compareCodeUnits)) {
    const v = (r as unknown as Record<string, unknown>)[k];
    if (v !== undefined) o[k] = v;
  }
  return withChecksum(JSON.stringify(o)) + '\n';
}

/** The member the checksum is stored in: never a record field (decodeRecord refuses a record using it). */
export const CHECKSUM_FIELD = '_crc';
const SUFFIX = new RegExp(`,"${CHECKSUM_FIELD}":"([0-9a-f]{8})"}$`);
const SUFFIX_CHARS = `,"${CHECKSUM_FIELD}":"00000000"}`.length;

function crcHex(json: string): string {
  return crc32(Buffer.from(json, 'utf8')).toString(16).padStart(8, '0');
}

function withChecksum(json: string): string {
  return `${json.slice(0, -1)},"${CHECKSUM_FIELD}":"${crcHex(json)}"}`;
}

function checkRecord(r: PredictionRecord, shape: RecordShape | null): void {
  if (typeof r.id !== 'string' || r.id.length === 0) throw new TypeError(`prediction record without an id: ${JSON.stringify(r).slice(0, 200)}`);
  const where = `prediction record ${r.id}`;
  if (CHECKSUM_FIELD in r) throw new TypeError(`${where}: "${CHECKSUM_FIELD}" is reserved for the line's checksum`);
  if (typeof r.face !== 'boolean') throw new TypeError(`${where}: face must be a boolean`);
  if (r.label !== null && !(Number.isInteger(r.label) && r.label >= 0 && r.label < (shape?.corpusClasses ?? Infinity))) {
    throw new TypeError(`${where}: label ${r.label} is not an index into the corpus classes${shape ? ` (${shape.corpusClasses})` : ''}`);
  }
  if (r.scores !== null) {
    if (!Array.isArray(r.scores)) throw new TypeError(`${where}: scores must be an array or null`);
    if (shape && r.scores.length !== shape.modelClasses) throw new TypeError(`${where}: ${r.scores.length} scores for ${shape.modelClasses} model classes`);
    finiteAll(r.scores, where, 'scores');
  }
  if (r.embedding !== undefined) finiteAll(r.embedding, where, 'embedding');
  for (const f of ['valence', 'arousal', 'valenceTrue', 'arousalTrue'] as const) {
    if (r[f] !== undefined) finite(r[f]!, where, f);
  }
  if (r.latencyMs !== null) finite(r.latencyMs, where, 'latencyMs');
}

function finiteAll(xs: readonly number[], where: string, field: string): void {
  for (let i = 0; i < xs.length; i++) finite(xs[i]!, where, `${field}[${i}]`);
}

function finite(x: number, where: string, field: string): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new BenchError('BAD_INPUT', `${where}: ${field} is ${x}; JSON cannot store it and the metrics would be meaningless`, {
      fix: 'record the item as skipped (skip.reason "non-finite output") with scores null',
    });
  }
}

export interface DecodedLine {
  record: PredictionRecord;
  /** Whether the line carried a checksum (it matched, or decodeLine would have thrown). */
  verified: boolean;
}

/**
 * Parses one stored line, checking its checksum when it has one; `requireChecksum` refuses a line
 * without (a format-2 store writes none). Throws an Error saying what is wrong (the caller adds file
 * and line); a checksum mismatch is a `ChecksumError`.
 */
export function decodeLine(text: string, requireChecksum: boolean): DecodedLine {
  const m = SUFFIX.exec(text);
  if (!m) {
    const record = decodeRecord(text); // garbage is reported as such first
    if (requireChecksum) throw new ChecksumError(`no "${CHECKSUM_FIELD}" checksum at the end of the line (the line was changed)`);
    return { record, verified: false };
  }
  const json = text.slice(0, -SUFFIX_CHARS) + '}';
  const want = crcHex(json);
  if (want !== m[1]) throw new ChecksumError(`checksum mismatch (stored ${m[1]}, computed ${want}): a byte of this record was changed`);
  return { record: decodeRecord(json), verified: true };
}

/** A line whose bytes are not the ones written: a damaged disk or an edit, never a crash in the middle. */
export class ChecksumError extends Error {}

/** Parses one record's JSON (no checksum suffix); throws an Error saying what is wrong. */
export function decodeRecord(text: string): PredictionRecord {
  const v: unknown = JSON.parse(text);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
  const r = v as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id.length === 0) throw new Error('no string "id"');
  if (CHECKSUM_FIELD in r) throw new Error(`a "${CHECKSUM_FIELD}" member that is not the line's checksum suffix`);
  if (typeof r.face !== 'boolean') throw new Error('no boolean "face"');
  if (!(r.label === null || typeof r.label === 'number')) throw new Error('"label" is neither a number nor null');
  if (!(r.scores === null || Array.isArray(r.scores))) throw new Error('"scores" is neither an array nor null');
  if (!(r.latencyMs === null || typeof r.latencyMs === 'number')) throw new Error('"latencyMs" is neither a number nor null');
  return v as PredictionRecord;
}
