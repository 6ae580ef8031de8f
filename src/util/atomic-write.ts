/**
 * Whole-file writes that a crash cannot leave half done: the data goes to a temporary file in the same
 * directory (so the rename stays on one file system), is fsynced, then renamed over the target, and the
 * directory is fsynced so the rename itself survives a power cut. Readers see the old file or the new
 * one, never a mix. A crash can leave a stray `.<name>.<pid>-<rand>.tmp` beside the target; it is
 * harmless, and `isAtomicTempFile` recognises it for clean-up.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeError } from './write-error.js';

export interface AtomicWriteOptions {
  /** fsync the file before the rename and the directory after it. Default true; false only for scratch data. */
  fsync?: boolean;
  /** Permission bits of a newly created file. Default 0o666 (less the umask). */
  mode?: number;
  /** Fault-injection hook for tests: runs after the temporary file is complete, before the rename. */
  beforeRename?: (tempPath: string) => void | Promise<void>;
}

/** `data` may be an async iterable of chunks (a file rewritten in bounded memory). */
export async function writeFileAtomic(path: string, data: string | Uint8Array | AsyncIterable<string | Uint8Array>, opts: AtomicWriteOptions = {}): Promise<void> {
  const doSync = opts.fsync ?? true;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(temp, 'wx', opts.mode ?? 0o666);
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) await fh.writeFile(data);
      else for await (const chunk of data) await fh.writeFile(chunk); // each from the current position
      if (doSync) await fh.sync();
    } finally {
      await fh.close();
    }
    await opts.beforeRename?.(temp);
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw writeError(e, path, { kept: `the previous ${basename(path)} is unchanged` });
  }
  if (doSync) await fsyncDir(dir);
}

/** Pretty-printed JSON (2-space indent, trailing newline), written atomically. */
export async function writeJsonAtomic(path: string, value: unknown, opts: AtomicWriteOptions = {}): Promise<void> {
  const text = JSON.stringify(value, null, 2);
  if (text === undefined) throw new TypeError(`writeJsonAtomic: nothing to write for ${path} (value is ${typeof value})`);
  await writeFileAtomic(path, text + '\n', opts);
}

/** Makes a directory's entries (a rename, a new file) durable. A no-op where directories cannot be opened (Windows). */
export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
  } catch (e) {
    if (isCode(e, 'EISDIR', 'EPERM', 'EACCES')) return;
    throw e;
  }
  try {
    await fh.sync();
  } catch (e) {
    if (!isCode(e, 'EINVAL', 'EPERM', 'EBADF')) throw e;
  } finally {
    await fh.close();
  }
}

/** Whether `name` is a temporary file `writeFileAtomic` left behind for `target` (any target when omitted). */
export function isAtomicTempFile(name: string, target?: string): boolean {
  const m = /^\.(.+)\.\d+-[0-9a-f]{8}\.tmp$/.exec(name);
  return m !== null && (target === undefined || m[1] === target);
}

function isCode(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && codes.includes((e as { code?: string }).code ?? '');
}
