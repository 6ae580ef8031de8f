/**
 * Reading a JSON Lines file line by line with the byte offset of every line, in bounded memory.
 * Offsets are what crash repair needs (truncate to the end of the last whole line); readline cannot
 * give them once lines contain multi-byte characters.
 */
import { open } from 'node:fs/promises';

export interface JsonlLine {
  /** The line without its `\n`. */
  text: string;
  /** 1-based. */
  lineNo: number;
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just past the line's `\n` (or the end of the file when unterminated). */
  end: number;
  /** False for a last line with no `\n`: a write that was cut short. */
  terminated: boolean;
}

const NL = 0x0a;

export async function* readLines(path: string, chunkBytes = 1 << 20): AsyncGenerator<JsonlLine> {
  const fh = await open(path, 'r');
  try {
    let carry: Buffer = Buffer.alloc(0);
    let carryStart = 0; // file offset of carry[0]
    let lineNo = 0;
    const chunk = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      // Copy: `chunk` is reused by the next read.
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : Buffer.from(chunk.subarray(0, bytesRead));
      let from = 0;
      for (let nl = buf.indexOf(NL, from); nl !== -1; nl = buf.indexOf(NL, from)) {
        yield { text: buf.toString('utf8', from, nl), lineNo: ++lineNo, start: carryStart + from, end: carryStart + nl + 1, terminated: true };
        from = nl + 1;
      }
      carry = buf.subarray(from);
      carryStart += from;
    }
    if (carry.length) {
      yield { text: carry.toString('utf8'), lineNo: ++lineNo, start: carryStart, end: carryStart + carry.length, terminated: false };
    }
  } finally {
    await fh.close();
  }
}
