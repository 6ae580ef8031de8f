/**
 * A compact, append-only embedding file: float32 vectors of one fixed dimension, keyed by item id and
 * frame index, so per-frame features computed once can be reused by every protocol (clip statistics +
 * SVM, EMO's LSTM windows) without running the backbone again. A 1280-d vector takes 5 KB here against
 * about 12 KB as JSON text, and is read back without parsing.
 *
 * Layout (little-endian):
 *   header  "FEREMB01" · u32 dim · u32 metaLength · meta (UTF-8 JSON) · u32 crc32(everything before)
 *   record  u32 RECORD_MAGIC · u16 idLength · id (UTF-8) · i32 frame (−1: the item has no frames) ·
 *           float32[dim] · u32 crc32(everything in the record before it)
 *
 * Crash safety follows the JSON Lines store (scan.ts): the writer only appends whole records, so the
 * one thing a crash can leave is a damaged last record (cut short, or garbage after a power cut). The
 * reader reports it and never returns it; `openEmbeddingWriter` truncates it away. A damaged record
 * with a sound record after it cannot come from a crash: that is an error naming the file, the record
 * number and its byte offset. A repeated (id, frame) keeps its first vector and is counted.
 */
import { mkdir, open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { writeError } from '../../util/write-error.js';
import { BenchError } from '../../errors.js';
import { fsyncDir } from '../../util/atomic-write.js';

const FILE_MAGIC = Buffer.from('FEREMB01', 'latin1');
const RECORD_MAGIC = 0x52424d45; // "EMBR" little-endian
const MAX_ID_BYTES = 0xffff;
/** Frame index of an item that is one image, not a frame of a video. */
export const NO_FRAME = -1;

export interface EmbeddingRecord {
  id: string;
  /** 0-based frame index, or NO_FRAME. Default NO_FRAME. */
  frame?: number;
  vector: Float32Array | readonly number[];
}

export interface EmbeddingFileInfo {
  dim: number;
  /** Provenance the writer declared (model sha256, preprocessing, store key…). */
  meta: Record<string, unknown>;
}

/** What a scan found at the end of the file when the last record is damaged. */
export interface EmbeddingTornTail {
  /** 1-based number of the damaged record. */
  record: number;
  offset: number;
  bytes: number;
  reason: string;
}

/** One stored vector's place in the file. */
export interface EmbeddingEntry {
  frame: number;
  /** Byte offset of its float32 data. */
  offset: number;
}

export interface EmbeddingScan extends EmbeddingFileInfo {
  headerBytes: number;
  /** Sound records, duplicates included. */
  records: number;
  duplicates: number;
  /** The end of the last sound record. */
  validBytes: number;
  torn: EmbeddingTornTail | null;
  /** Entries by id, in file order. */
  index: Map<string, EmbeddingEntry[]>;
}

function recordBytes(idBytes: number, dim: number): number {
  return 4 + 2 + idBytes + 4 + 4 * dim + 4;
}

function encodeHeader(dim: number, meta: Record<string, unknown>): Buffer {
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const buf = Buffer.alloc(FILE_MAGIC.length + 8 + metaBytes.length + 4);
  FILE_MAGIC.copy(buf, 0);
  buf.writeUInt32LE(dim, 8);
  buf.writeUInt32LE(metaBytes.length, 12);
  metaBytes.copy(buf, 16);
  buf.writeUInt32LE(crc32(buf.subarray(0, buf.length - 4)), buf.length - 4);
  return buf;
}

function badFile(file: string, message: string, fix: string, row?: number): BenchError {
  return new BenchError('BAD_INPUT', `embedding file ${message}`, { file, row, fix });
}

/** Encodes records into one buffer (what one append writes). */
export function encodeRecords(records: readonly EmbeddingRecord[], dim: number, file = '<embeddings>'): Buffer {
  const ids = records.map((r) => Buffer.from(r.id, 'utf8'));
  const buf = Buffer.alloc(ids.reduce((n, id) => n + recordBytes(id.length, dim), 0));
  let pos = 0;
  records.forEach((r, i) => {
    const id = ids[i];
    const frame = r.frame ?? NO_FRAME;
    const where = `record for "${r.id}" frame ${frame}`;
    if (id.length === 0 || id.length > MAX_ID_BYTES) throw badFile(file, `${where}: the id must be 1..${MAX_ID_BYTES} bytes`, 'use a shorter item id');
    if (!Number.isInteger(frame) || frame < NO_FRAME || frame > 0x7fffffff) throw badFile(file, `${where}: frame must be an integer ≥ 0 (or ${NO_FRAME})`, 'pass the 0-based frame index');
    if (r.vector.length !== dim) throw badFile(file, `${where}: the vector has ${r.vector.length} values, the file holds ${dim}-d vectors`, 'write vectors of one backbone to one file');
    const start = pos;
    buf.writeUInt32LE(RECORD_MAGIC, pos);
    buf.writeUInt16LE(id.length, pos + 4);
    id.copy(buf, pos + 6);
    pos += 6 + id.length;
    buf.writeInt32LE(frame, pos);
    pos += 4;
    const vector = r.vector instanceof Float32Array ? r.vector : Float32Array.from(r.vector);
    const bad = vector.findIndex((v) => !Number.isFinite(v));
    if (bad !== -1) throw badFile(file, `${where}: value ${bad} is ${vector[bad]}`, 'count the item as non-finite-output instead of storing its embedding');
    // Raw little-endian float32 bytes (every platform Node runs on is little-endian).
    buf.set(new Uint8Array(vector.buffer, vector.byteOffset, 4 * dim), pos);
    pos += 4 * dim;
    buf.writeUInt32LE(crc32(buf.subarray(start, pos)), pos);
    pos += 4;
  });
  return buf;
}

/** Reads and checks the header; `undefined` for an empty file. */
async function readHeader(fh: FileHandle, file: string, size: number): Promise<(EmbeddingFileInfo & { headerBytes: number }) | undefined> {
  if (size === 0) return undefined;
  const fixed = Buffer.alloc(16);
  const { bytesRead } = await fh.read(fixed, 0, 16, 0);
  const notOurs = 'the path is not an embedding file written by fer-bench: pass the right file, or delete it to recompute';
  if (bytesRead < 16 || !fixed.subarray(0, 8).equals(FILE_MAGIC)) throw badFile(file, `${file} does not start with the ${FILE_MAGIC.toString('latin1')} header`, notOurs);
  const dim = fixed.readUInt32LE(8);
  const metaLength = fixed.readUInt32LE(12);
  const headerBytes = 16 + metaLength + 4;
  if (dim === 0 || headerBytes > size) throw badFile(file, `${file} has a damaged header (dim ${dim}, meta ${metaLength} bytes, file ${size} bytes)`, notOurs);
  const buf = Buffer.alloc(headerBytes);
  await fh.read(buf, 0, headerBytes, 0);
  if (crc32(buf.subarray(0, headerBytes - 4)) !== buf.readUInt32LE(headerBytes - 4)) {
    throw badFile(file, `${file}: the header's checksum does not match`, 'the file was changed by something else: delete it to recompute the embeddings');
  }
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(buf.toString('utf8', 16, 16 + metaLength)) as Record<string, unknown>;
  } catch (e) {
    throw badFile(file, `${file}: the header's metadata is not JSON (${(e as Error).message})`, notOurs);
  }
  return { dim, meta, headerBytes };
}

/** Reads the file in chunks; `at(offset, length)` returns those bytes (copying across chunk edges). */
class ChunkReader {
  private buf = Buffer.alloc(0);
  private start = 0;
  constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
    private readonly chunk = 8 << 20,
  ) {}

  async at(offset: number, length: number): Promise<Buffer | undefined> {
    if (offset + length > this.size) return undefined;
    if (offset < this.start || offset + length > this.start + this.buf.length) {
      const want = Math.max(length, Math.min(this.chunk, this.size - offset));
      this.buf = Buffer.alloc(want);
      await this.fh.read(this.buf, 0, want, offset);
      this.start = offset;
    }
    return this.buf.subarray(offset - this.start, offset - this.start + length);
  }
}

/** Whether a sound record starts at `offset`; its length when it does. */
async function soundRecordAt(r: ChunkReader, offset: number, dim: number): Promise<{ length: number; id: string; frame: number } | { bad: string }> {
  const head = await r.at(offset, 6);
  if (!head) return { bad: 'cut short (a write interrupted)' };
  if (head.readUInt32LE(0) !== RECORD_MAGIC) return { bad: 'no record marker' };
  const idBytes = head.readUInt16LE(4);
  const length = recordBytes(idBytes, dim);
  const rec = await r.at(offset, length);
  if (!rec) return { bad: 'cut short (a write interrupted)' };
  if (crc32(rec.subarray(0, length - 4)) !== rec.readUInt32LE(length - 4)) return { bad: 'checksum mismatch (a damaged byte)' };
  return { length, id: rec.toString('utf8', 6, 6 + idBytes), frame: rec.readInt32LE(6 + idBytes) };
}

/** The first sound record after `from`, if any (so a damaged record is known to be the tail or not). */
async function nextSoundRecord(r: ChunkReader, from: number, size: number, dim: number): Promise<number | undefined> {
  const STEP = 1 << 20;
  const marker = Buffer.alloc(4);
  marker.writeUInt32LE(RECORD_MAGIC);
  for (let pos = from; pos + 4 <= size; pos += STEP) {
    // Windows overlap by 3 bytes so a marker across an edge is seen; a copy, as soundRecordAt moves the reader.
    const window = Buffer.from((await r.at(pos, Math.min(STEP + 3, size - pos)))!);
    for (let hit = window.indexOf(marker); hit !== -1 && hit < STEP; hit = window.indexOf(marker, hit + 1)) {
      if (!('bad' in (await soundRecordAt(r, pos + hit, dim)))) return pos + hit;
    }
  }
  return undefined;
}

/** Scans the whole file: header, every record's checksum, the index by id. A missing file is an error. */
export async function scanEmbeddings(file: string): Promise<EmbeddingScan> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const header = await readHeader(fh, file, size);
    if (!header) throw badFile(file, `${file} is empty (no header)`, 'delete it; the writer creates the header');
    const { dim, meta, headerBytes } = header;
    const r = new ChunkReader(fh, size);
    const scan: EmbeddingScan = { dim, meta, headerBytes, records: 0, duplicates: 0, validBytes: headerBytes, torn: null, index: new Map() };
    const seen = new Set<string>();
    let offset = headerBytes;
    let n = 0;
    while (offset < size) {
      n++;
      const rec = await soundRecordAt(r, offset, dim);
      if ('bad' in rec) {
        const next = await nextSoundRecord(r, offset + 1, size, dim);
        if (next !== undefined) {
          throw badFile(file, `${file} has a damaged record ${n} at byte ${offset}: ${rec.bad}`, 'a crash can only damage the last record, so something else changed this file: delete it to recompute the embeddings', n);
        }
        scan.torn = { record: n, offset, bytes: size - offset, reason: rec.bad };
        break;
      }
      scan.records++;
      const key = `${rec.frame}\u0000${rec.id}`;
      if (seen.has(key)) {
        scan.duplicates++;
      } else {
        seen.add(key);
        const list = scan.index.get(rec.id) ?? [];
        if (list.length === 0) scan.index.set(rec.id, list);
        list.push({ frame: rec.frame, offset: offset + 6 + Buffer.byteLength(rec.id, 'utf8') + 4 });
      }
      offset += rec.length;
      scan.validBytes = offset;
    }
    return scan;
  } finally {
    await fh.close();
  }
}

export interface EmbeddingWriterOptions {
  /** The vector dimension; must equal the existing file's. */
  dim: number;
  /** Provenance written into a new file's header; an existing file keeps its own. Default `{}`. */
  meta?: Record<string, unknown>;
  /** fsync after every append. Default true; false only for scratch files and benchmarks. */
  fsync?: boolean;
}

export interface EmbeddingWriter {
  readonly file: string;
  readonly dim: number;
  /** The damaged tail removed when the file was opened, if any. */
  readonly repaired: EmbeddingTornTail | null;
  /** (id, frame) keys already in the file when it was opened, so a resumed run can skip them. */
  readonly existing: ReadonlyMap<string, readonly EmbeddingEntry[]>;
  append(records: readonly EmbeddingRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `file` for appending: creates it with a header, or checks the existing one (same dim), removes
 * a damaged tail (reported in `repaired`) and appends after the last sound record.
 */
export async function openEmbeddingWriter(file: string, opts: EmbeddingWriterOptions): Promise<EmbeddingWriter> {
  const { dim } = opts;
  if (!Number.isInteger(dim) || dim < 1) throw badFile(file, `dimension ${dim} is not a positive integer`, 'pass the embedding head length, e.g. 1280');
  const doSync = opts.fsync ?? true;
  await mkdir(dirname(file), { recursive: true });
  const size = await stat(file).then((s) => s.size, () => -1);
  let repaired: EmbeddingTornTail | null = null;
  let existing = new Map<string, EmbeddingEntry[]>();
  if (size > 0) {
    const scan = await scanEmbeddings(file);
    if (scan.dim !== dim) throw badFile(file, `${file} holds ${scan.dim}-d vectors, not ${dim}-d`, 'write each backbone to its own file');
    if (scan.torn) {
      await truncate(file, scan.validBytes);
      repaired = scan.torn;
    }
    existing = scan.index;
  }
  const fh = await open(file, 'a');
  try {
    if (size <= 0) {
      await fh.writeFile(encodeHeader(dim, opts.meta ?? {}));
      if (doSync) {
        await fh.datasync();
        await fsyncDir(dirname(file));
      }
    } else if (repaired && doSync) {
      await fh.datasync();
    }
  } catch (e) {
    await fh.close();
    throw e;
  }
  let queue: Promise<void> = Promise.resolve();
  return {
    file,
    dim,
    repaired,
    existing,
    append(records) {
      // Encode first, so a bad record is refused before anything is written; writes stay in call order.
      const buf = encodeRecords(records, dim, file);
      const run = queue.then(async () => {
        try {
          // writeFile, not write: write may stop short (a full disk) and the next record would follow a partial one.
          await fh.writeFile(buf);
          if (doSync) await fh.datasync();
        } catch (e) {
          throw writeError(e, file, { kept: 'the embeddings already written are kept and will not be recomputed' });
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      await queue;
      await fh.close();
    },
  };
}

export interface EmbeddingReader extends EmbeddingFileInfo {
  readonly file: string;
  /** Ids in file order. */
  ids(): string[];
  /** Frames stored for an id, in frame order. */
  frames(id: string): number[];
  /** An id's vectors, one per stored frame in frame order; `undefined` for an id not in the file. */
  read(id: string): Promise<Array<{ frame: number; vector: Float32Array }> | undefined>;
  /** The scan: record count, duplicates, a damaged tail (never returned as a vector). */
  readonly scan: Omit<EmbeddingScan, 'index'>;
  close(): Promise<void>;
}

/** Opens a file for reading by id (scans it once; vectors are read on demand). */
export async function openEmbeddingReader(file: string): Promise<EmbeddingReader> {
  const scan = await scanEmbeddings(file);
  const fh = await open(file, 'r');
  const { index, ...summary } = scan;
  for (const list of index.values()) list.sort((a, b) => a.frame - b.frame);
  return {
    file,
    dim: scan.dim,
    meta: scan.meta,
    scan: summary,
    ids: () => [...index.keys()],
    frames: (id) => (index.get(id) ?? []).map((e) => e.frame),
    async read(id) {
      const list = index.get(id);
      if (!list) return undefined;
      const bytes = 4 * scan.dim;
      // Records of one id share a length; frames written one after another are read in one span.
      const stride = recordBytes(Buffer.byteLength(id, 'utf8'), scan.dim);
      const byOffset = [...list].sort((a, b) => a.offset - b.offset);
      const vectors = new Map<EmbeddingEntry, Float32Array>();
      for (let i = 0; i < byOffset.length; ) {
        let j = i + 1;
        while (j < byOffset.length && byOffset[j].offset === byOffset[j - 1].offset + stride) j++;
        const span = Buffer.alloc((j - i - 1) * stride + bytes);
        await fh.read(span, 0, span.length, byOffset[i].offset);
        for (let k = i; k < j; k++) {
          // A fresh, aligned buffer per vector: the caller owns it.
          const vector = new Float32Array(scan.dim);
          new Uint8Array(vector.buffer).set(span.subarray((k - i) * stride, (k - i) * stride + bytes));
          vectors.set(byOffset[k], vector);
        }
        i = j;
      }
      return list.map((e) => ({ frame: e.frame, vector: vectors.get(e)! }));
    },
    close: () => fh.close(),
  };
}
