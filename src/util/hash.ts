/**
 * Content hashes used as identities: weights files, dataset manifests and cache keys. Everything is
 * sha256 in lower-case hex, so a hash printed here can be checked with `sha256sum` or `hashlib`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 of bytes or of a string's UTF-8 encoding. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of a file, streamed so a multi-GB weights file never sits in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Canonical JSON: object keys sorted by code unit (locale-independent), no whitespace, `undefined`
 * members dropped (as JSON.stringify does), `toJSON` honoured (dates). Two values that mean the same
 * thing serialise to the same bytes, whatever order their keys were built in.
 *
 * Throws on what JSON cannot say faithfully — NaN/±Infinity (JSON.stringify would turn them into
 * null and two different keys would collide), bigint, functions, symbols and cycles.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, [], '$');
  return out.join('');
}

function write(value: unknown, out: string[], stack: object[], path: string): void {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is ${value}, which JSON cannot represent`);
      out.push(JSON.stringify(value));
      return;
    case 'object': {
      if (value === null) {
        out.push('null');
        return;
      }
      if (stack.includes(value)) throw new TypeError(`canonicalJson: ${path} is a cycle`);
      stack.push(value);
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((v, i) => {
          if (i > 0) out.push(',');
          // Inside arrays JSON.stringify writes null for undefined; keep that so indices stay put.
          if (v === undefined) out.push('null');
          else write(v, out, stack, `${path}[${i}]`);
        });
        out.push(']');
      } else {
        const keys = Object.keys(value)
          .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
          .sort(compareCodeUnits);
        out.push('{');
        keys.forEach((k, i) => {
          if (i > 0) out.push(',');
          out.push(JSON.stringify(k), ':');
          write((value as Record<string, unknown>)[k], out, stack, `${path}.${k}`);
        });
        out.push('}');
      }
      stack.pop();
      return;
    }
    default:
      throw new TypeError(`canonicalJson: ${path} is a ${typeof value}, which JSON cannot represent`);
  }
}

/** Plain `<`/`>` on strings: the same order on every machine and locale (unlike localeCompare). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** sha256 of a value's canonical JSON: a stable identity for a settings object. */
export function sha256Json(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** The first `length` hex digits of a hash, for file names (12 digits = 48 bits: collisions are checked anyway). */
export function shortHash(hex: string, length = 12): string {
  if (!/^[0-9a-f]+$/.test(hex) || hex.length < length) throw new TypeError(`shortHash: not a hex hash of ≥ ${length} digits: ${hex}`);
  return hex.slice(0, length);
}

/** A string made safe as one file-name component: anything outside `[A-Za-z0-9._-]` becomes `-`. */
export function fileSafe(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return safe || 'unnamed';
}
