/**
 * Errors a user can cause (bad path, bad file, unknown model) are `BenchError`s: they carry a stable
 * `code`, the file and row when known, and a `fix` sentence. The CLI prints them without a stack trace
 * and exits non-zero; anything else is a bug and keeps its stack.
 */
export type BenchErrorCode =
  | 'UNKNOWN_MODEL'
  | 'UNKNOWN_DATASET'
  | 'BAD_MANIFEST'
  | 'WEIGHTS_MISSING'
  | 'CHECKSUM_MISMATCH'
  | 'UNSUPPORTED_FORMAT'
  | 'MODEL_IO_MISMATCH'
  | 'DEVICE_UNAVAILABLE'
  | 'DOWNLOAD_FAILED'
  | 'BAD_INPUT'
  /** A command-line option or argument the parser rejects (bad value, unknown or missing option). */
  | 'BAD_OPTION'
  | 'BAD_CSV'
  | 'BAD_LAYOUT'
  | 'UNSUPPORTED_LAYER'
  | 'BAD_H5'
  | 'REPLICA_NOT_ALLOWED'
  | 'TOOL_MISSING'
  /** The disk refused a write (full, quota, file-size limit, I/O error); what was written before is kept. */
  | 'DISK_FULL';

export interface BenchErrorDetails {
  /** The file the problem is in, when there is one. */
  file?: string;
  /** 1-based row or line number inside `file`. */
  row?: number;
  /** One sentence telling the user what to do about it. */
  fix?: string;
  cause?: unknown;
}

export class BenchError extends Error {
  readonly code: BenchErrorCode;
  readonly file?: string;
  readonly row?: number;
  readonly fix?: string;

  constructor(code: BenchErrorCode, message: string, details: BenchErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'BenchError';
    this.code = code;
    this.file = details.file;
    this.row = details.row;
    this.fix = details.fix;
  }

  /** The message as a user should read it: what, where, and how to fix it. */
  describe(): string {
    const where = this.file ? `\n  file: ${this.file}${this.row !== undefined ? `, row ${this.row}` : ''}` : '';
    const fix = this.fix ? `\n  fix: ${this.fix}` : '';
    return `error[${this.code}]: ${this.message}${where}${fix}`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, file: this.file, row: this.row, fix: this.fix };
  }
}

export function isBenchError(e: unknown): e is BenchError {
  return e instanceof BenchError;
}
