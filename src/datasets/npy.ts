/**
 * A minimal NumPy `.npy` reader and writer: format versions 1.0, 2.0 and 3.0, little-endian (or
 * byte-order-free) booleans, integers, floats and `<U` unicode strings, any shape. Enough for the
 * AffectNet March-2021 annotations (`<idx>_exp.npy`, `_val.npy`, `_aro.npy`), which are 0-d arrays holding
 * either a number or a numeric string depending on the copy. Big-endian, object and structured dtypes are
 * refused with an error naming the dtype rather than misread.
 */
import { readFile } from 'node:fs/promises';
import { BenchError } from '../errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;

export type NpyData =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array
  | boolean[]
  | string[];

export interface NpyArray {
  /** NumPy dtype string as written in the header, e.g. `<i8`, `<f4`, `<U1`, `|b1`. */
  descr: string;
  shape: number[];
  /** When true, `data` is in column-major order (as stored); it is never transposed here. */
  fortranOrder: boolean;
  version: [number, number];
  /** The elements in file order. */
  data: NpyData;
}

type Kind = { kind: 'b' } | { kind: 'i' | 'u' | 'f'; size: number } | { kind: 'U'; chars: number };

function formatError(message: string, file?: string): BenchError {
  return new BenchError('UNSUPPORTED_FORMAT', message, {
    file,
    fix: 'save the array with numpy.save as a little-endian number, boolean or unicode-string array',
  });
}

function parseDescr(descr: string, file?: string): Kind {
  const m = /^([<>|=])([biufU])(\d+)$/.exec(descr);
  if (!m) throw formatError(`unsupported .npy dtype '${descr}'`, file);
  const [, order, kind, n] = m;
  const size = Number(n);
  if (order === '>' && !(kind !== 'U' && size === 1)) {
    throw formatError(`big-endian .npy dtype '${descr}' is not supported`, file);
  }
  if (kind === 'b') {
    if (size !== 1) throw formatError(`unsupported .npy dtype '${descr}'`, file);
    return { kind: 'b' };
  }
  // A zero-width string has no bytes to check a shape against: a hostile header could claim 1e15 of them.
  if (kind === 'U') {
    if (size === 0) throw formatError(`zero-width .npy dtype '${descr}' is not supported`, file);
    return { kind: 'U', chars: size };
  }
  const ok = kind === 'f' ? size === 4 || size === 8 : [1, 2, 4, 8].includes(size);
  if (!ok) throw formatError(`unsupported .npy dtype '${descr}'`, file);
  return { kind: kind as 'i' | 'u' | 'f', size };
}

/** Reads the Python-literal header dict (`{'descr': '<i8', 'fortran_order': False, 'shape': (), }`). */
function parseHeader(text: string, file?: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    throw formatError(`malformed .npy header ${JSON.stringify(text.trim())} (a structured dtype?)`, file);
  }
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => Number(s.replace(/L$/, '')));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw formatError(`malformed .npy shape (${shape[1]})`, file);
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: dims };
}

/** Parses the bytes of a `.npy` file. `file` only names the file in errors. */
export function parseNpy(bytes: Uint8Array, file?: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw formatError('not a .npy file (bad magic)', file);
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw formatError('truncated .npy header', file);
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw formatError(`unsupported .npy format version ${major}.${minor}`, file);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw formatError('truncated .npy header', file);
  // v1/v2 headers are latin1, v3 utf8; the keys we read are ASCII either way.
  const headerText = Buffer.from(bytes.buffer, bytes.byteOffset + headerStart, headerLen).toString(
    major === 3 ? 'utf8' : 'latin1',
  );
  const { descr, fortranOrder, shape } = parseHeader(headerText, file);
  const kind = parseDescr(descr, file);
  const count = shape.reduce((a, b) => a * b, 1);
  const itemSize = kind.kind === 'b' ? 1 : kind.kind === 'U' ? 4 * kind.chars : kind.size;
  if (bytes.length - dataStart < count * itemSize) {
    throw formatError(`truncated .npy data: expected ${count * itemSize} bytes, found ${bytes.length - dataStart}`, file);
  }
  // Copy into a fresh buffer so typed arrays are aligned whatever the header length was (and so a Node
  // Buffer's shared pool is not what `.buffer` points at).
  const body = new Uint8Array(count * itemSize);
  body.set(bytes.subarray(dataStart, dataStart + count * itemSize));
  return { descr, shape, fortranOrder, version: [major, minor], data: decode(kind, body, count, file) };
}

function decode(kind: Kind, body: Uint8Array, count: number, file?: string): NpyData {
  const buf = body.buffer;
  switch (kind.kind) {
    case 'b':
      return Array.from(body, (b) => b !== 0);
    case 'U': {
      const dv = new DataView(buf);
      const out: string[] = [];
      for (let i = 0; i < count; i++) {
        let s = '';
        for (let c = 0; c < kind.chars; c++) {
          const cp = dv.getUint32((i * kind.chars + c) * 4, true);
          if (cp === 0) break; // NumPy pads with NULs and strips them on read
          if (cp > 0x10ffff) throw formatError(`'<U' element ${i} holds ${cp}, which is not a Unicode code point`, file);
          s += String.fromCodePoint(cp);
        }
        out.push(s);
      }
      return out;
    }
    case 'f':
      return kind.size === 4 ? new Float32Array(buf, 0, count) : new Float64Array(buf, 0, count);
    case 'i':
      return kind.size === 1
        ? new Int8Array(buf, 0, count)
        : kind.size === 2
          ? new Int16Array(buf, 0, count)
          : kind.size === 4
            ? new Int32Array(buf, 0, count)
            : new BigInt64Array(buf, 0, count);
    case 'u':
      return kind.size === 1
        ? new Uint8Array(buf, 0, count)
        : kind.size === 2
          ? new Uint16Array(buf, 0, count)
          : kind.size === 4
            ? new Uint32Array(buf, 0, count)
            : new BigUint64Array(buf, 0, count);
  }
}

/** Reads and parses a `.npy` file. */
export async function readNpyFile(file: string): Promise<NpyArray> {
  return parseNpy(await readFile(file), file);
}

/** The single element of a 0-d (or one-element) array. */
export function npyScalar(arr: NpyArray, file?: string): number | bigint | boolean | string {
  if (arr.data.length !== 1) {
    throw formatError(`expected a scalar .npy, found shape (${arr.shape.join(', ')})`, file);
  }
  return arr.data[0];
}

/**
 * The single element as a JS number: numeric strings (`'3'`, `'-0.17'`) are parsed, 64-bit integers
 * converted when exact. This is what `float(np.load(f))` / `int(np.load(f))` do in the Python loaders.
 */
export function npyNumber(arr: NpyArray, file?: string): number {
  const v = npyScalar(arr, file);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw formatError(`integer ${v} does not fit a JS number`, file);
    return n;
  }
  const t = v.trim();
  const n = t === '' ? NaN : Number(t);
  if (Number.isNaN(n) && t.toLowerCase() !== 'nan') throw formatError(`'${v}' is not a number`, file);
  return n;
}

export type NpyWriteDescr =
  | '|b1'
  | '|i1'
  | '|u1'
  | '<i2'
  | '<i4'
  | '<i8'
  | '<u2'
  | '<u4'
  | '<u8'
  | '<f4'
  | '<f8'
  | `<U${number}`;

export interface NpyWriteInput {
  descr: NpyWriteDescr;
  /** `[]` for a 0-d scalar, as `np.save(f, np.array(x))` writes it. */
  shape: readonly number[];
  /** Elements in C order: numbers (or bigints for 8-byte integers), booleans for `|b1`, strings for `<U`. */
  data: ArrayLike<number> | readonly bigint[] | readonly boolean[] | readonly string[];
}

/** Python's repr of a shape tuple: `()`, `(3,)`, `(2, 3)`. */
function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * Serialises an array exactly as NumPy 1.24's `np.save` does (version 1.0 header, same padding), so a
 * fixture written here is byte-identical to one written by Python.
 */
export function writeNpy(input: NpyWriteInput): Uint8Array {
  const kind = parseDescr(input.descr);
  const count = input.shape.reduce((a, b) => a * b, 1);
  if (input.data.length !== count) {
    throw new Error(`writeNpy: shape (${input.shape.join(', ')}) needs ${count} elements, got ${input.data.length}`);
  }
  let header = `{'descr': '${input.descr}', 'fortran_order': False, 'shape': ${shapeRepr(input.shape)}, }`;
  if (input.shape.length > 0) header += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(input.shape[0]).length);
  const hlen = header.length + 1;
  const padlen = ARRAY_ALIGN - ((MAGIC.length + 2 + 2 + hlen) % ARRAY_ALIGN);
  const headerBytes = Buffer.from(header + ' '.repeat(padlen) + '\n', 'latin1');
  if (headerBytes.length > 0xffff) throw new Error('writeNpy: header too long for format 1.0');

  const itemSize = kind.kind === 'b' ? 1 : kind.kind === 'U' ? 4 * kind.chars : kind.size;
  const out = new Uint8Array(10 + headerBytes.length + count * itemSize);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  dv.setUint16(8, headerBytes.length, true);
  out.set(headerBytes, 10);
  const base = 10 + headerBytes.length;
  const data = input.data as ArrayLike<unknown>;
  for (let i = 0; i < count; i++) {
    const v = data[i];
    const at = base + i * itemSize;
    if (kind.kind === 'b') {
      out[at] = v ? 1 : 0;
    } else if (kind.kind === 'U') {
      const cps = Array.from(String(v), (ch) => ch.codePointAt(0) ?? 0);
      if (cps.length > kind.chars) throw new Error(`writeNpy: '${String(v)}' is longer than ${input.descr}`);
      cps.forEach((cp, c) => dv.setUint32(at + 4 * c, cp, true));
    } else if (kind.kind === 'f') {
      if (kind.size === 4) dv.setFloat32(at, Number(v), true);
      else dv.setFloat64(at, Number(v), true);
    } else {
      const signed = kind.kind === 'i';
      switch (kind.size) {
        case 1:
          if (signed) dv.setInt8(at, Number(v));
          else dv.setUint8(at, Number(v));
          break;
        case 2:
          if (signed) dv.setInt16(at, Number(v), true);
          else dv.setUint16(at, Number(v), true);
          break;
        case 4:
          if (signed) dv.setInt32(at, Number(v), true);
          else dv.setUint32(at, Number(v), true);
          break;
        default:
          if (signed) dv.setBigInt64(at, BigInt(v as number | bigint), true);
          else dv.setBigUint64(at, BigInt(v as number | bigint), true);
      }
    }
  }
  return out;
}
