/**
 * A checksum inside a JSON file written whole (meta.json): the member `"checksum": "crc32:<8 hex>"`,
 * the crc32 of the compact JSON of the object without that member. JSON.parse then JSON.stringify
 * gives back the same compact text for anything JSON.stringify wrote, so the reader can recompute it
 * whatever indentation the file has. It catches a changed byte that still parses (a digit).
 */
import { crc32 } from 'node:zlib';

export const CHECKSUM_MEMBER = 'checksum';

function crcOf(value: object): string {
  return `crc32:${crc32(Buffer.from(JSON.stringify(value), 'utf8')).toString(16).padStart(8, '0')}`;
}

/** The object with its checksum as the last member. */
export function withJsonChecksum<T extends object>(value: T): T & { checksum: string } {
  const { [CHECKSUM_MEMBER]: _old, ...rest } = value as Record<string, unknown>;
  return { ...rest, [CHECKSUM_MEMBER]: crcOf(rest) } as T & { checksum: string };
}

export type JsonChecksumResult<T> = { value: T; checksum: 'verified' | 'absent' } | { value: null; checksum: 'mismatch'; reason: string };

/** Checks and removes the checksum member of a parsed object. */
export function verifyJsonChecksum<T extends object>(parsed: T): JsonChecksumResult<T> {
  const { [CHECKSUM_MEMBER]: stored, ...rest } = parsed as Record<string, unknown>;
  if (stored === undefined) return { value: parsed, checksum: 'absent' };
  const want = crcOf(rest);
  if (stored !== want) return { value: null, checksum: 'mismatch', reason: `checksum mismatch (stored ${JSON.stringify(stored)}, computed ${want})` };
  return { value: rest as T, checksum: 'verified' };
}
