/**
 * sha256 of weight files, and a small on-disk memo so `bench models` does not re-hash 30 MB files on
 * every call: an entry is reused only while the file's absolute path, size and mtime are unchanged.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Streams the file through sha256; returns lower-case hex. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}

/** How a file compares with the card's published checksum. */
export type Verification = true | false | 'no-published-checksum';

export function verification(actual: string, expected: string | undefined): Verification {
  if (!expected) return 'no-published-checksum';
  return actual === expected.toLowerCase();
}

interface MemoEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

interface MemoFile {
  version: 1;
  files: Record<string, MemoEntry>;
}

/**
 * sha256 of `path`, memoised in the JSON file `memoFile` (keyed by absolute path, size and mtime).
 * A memo that cannot be read or written is ignored: hashing is then just slower, never wrong.
 */
export async function sha256Memo(path: string, memoFile: string): Promise<string> {
  const abs = resolve(path);
  const st = await stat(abs);
  const memo = await readMemo(memoFile);
  const hit = memo.files[abs];
  if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.sha256;
  const sha256 = await sha256File(abs);
  await rememberSha256(abs, sha256, memoFile, { size: st.size, mtimeMs: st.mtimeMs });
  return sha256;
}

/** Records a hash computed elsewhere (e.g. right after a download), so the next lookup is free. */
export async function rememberSha256(path: string, sha256: string, memoFile: string, st?: { size: number; mtimeMs: number }): Promise<void> {
  const abs = resolve(path);
  try {
    const s = st ?? (await stat(abs));
    const memo = await readMemo(memoFile);
    memo.files[abs] = { size: s.size, mtimeMs: s.mtimeMs, sha256 };
    await mkdir(dirname(memoFile), { recursive: true });
    // Write-then-rename: a concurrent reader never sees half a file.
    const tmp = `${memoFile}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(memo, null, 1));
    await rename(tmp, memoFile);
  } catch {
    // read-only cache dir or a race with another process: the memo is an optimisation only
  }
}

async function readMemo(memoFile: string): Promise<MemoFile> {
  try {
    const parsed = JSON.parse(await readFile(memoFile, 'utf8')) as MemoFile;
    if (parsed && parsed.version === 1 && parsed.files && typeof parsed.files === 'object') return parsed;
  } catch {
    // missing or corrupt memo: start afresh
  }
  return { version: 1, files: {} };
}
