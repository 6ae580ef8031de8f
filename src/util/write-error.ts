/**
 * A write the disk refused (full, over quota, over the file-size limit, an I/O error) as a BenchError
 * naming the file and what to do, instead of a bare `ENOSPC: no space left on device, write`. Other
 * errors are returned unchanged.
 */
import { BenchError } from '../errors.js';

const WHY: Record<string, { what: string; fix: string }> = {
  ENOSPC: { what: 'disk full', fix: 'free space and re-run' },
  EDQUOT: { what: 'disk quota exceeded', fix: 'free space (or raise the quota) and re-run' },
  EFBIG: { what: 'file too large', fix: "raise the file-size limit (ulimit -f) or write to a file system with a larger maximum, and re-run" },
  EIO: { what: 'input/output error', fix: 'check the disk or the network mount (dmesg) and re-run' },
};

export interface WriteErrorContext {
  /** Said after the fix: what survives, e.g. "1234 items already stored will not be re-run". */
  kept?: string;
}

/** Whether `e` is one of the write failures `writeError` translates. */
export function isDiskWriteError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in WHY;
}

export function writeError(e: unknown, file: string, ctx: WriteErrorContext = {}): unknown {
  if (!isDiskWriteError(e)) return e;
  const code = (e as { code: string }).code;
  const why = WHY[code]!;
  return new BenchError('DISK_FULL', `${why.what} (${code}) while writing ${file}`, {
    file,
    fix: `${why.fix}${ctx.kept ? `; ${ctx.kept}` : ''}`,
    cause: e,
  });
}
