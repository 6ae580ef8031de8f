/**
 * `bench pull`: downloads a card's weight file into the cache. Bytes go to `<file>.part`; an interrupted
 * download resumes with an HTTP Range request (206), or starts over when the server ignores the range
 * (200). The finished file is checked against the published sha256 and only then renamed into place,
 * so the final name never holds a partial or wrong file.
 */
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BenchError } from '../errors.js';
import type { ModelCard } from './card.js';
import { rememberSha256, sha256File, sha256Memo, verification } from './checksum.js';
import { cacheDir, hashMemoFile } from './weights.js';

export interface PullProgress {
  /** Bytes of the file on disk so far (including a resumed prefix). */
  received: number;
  /** Size of the whole file, when the server says. */
  total: number | null;
  /** Bytes that were already in the `.part` file when this request started. */
  resumedFrom: number;
}

export interface PullOptions {
  /** Directory to store the file in. Default: the weights cache (`cacheDir()`). */
  dest?: string;
  /** Download from this URL instead of the card's. */
  url?: string;
  onProgress?: (p: PullProgress) => void;
  /** Download even when a good copy is already at the destination. Default false. */
  force?: boolean;
  /** Give up when no byte arrives for this long. Default 60 000 ms. */
  idleTimeoutMs?: number;
}

export interface PullResult {
  path: string;
  sha256: string;
  /** true: matches the published sha256; otherwise there was none to compare with. */
  verified: true | 'no-published-checksum';
  sizeBytes: number;
  /** False when a good copy was already there and nothing was fetched. */
  downloaded: boolean;
  /** Bytes reused from an earlier partial download (0 for a fresh one). */
  resumedFrom: number;
  url: string;
}

/** Downloads `card`'s weights (see the module comment); throws DOWNLOAD_FAILED or CHECKSUM_MISMATCH. */
export async function pull(card: ModelCard, opts: PullOptions = {}): Promise<PullResult> {
  const url = opts.url ?? card.weights.url;
  const dir = opts.dest ?? cacheDir();
  const path = join(dir, card.weights.name);
  if (!url) {
    const fix = card.weights.bundled
      ? `nothing to download: it ships with the npm package ${card.weights.bundled.package}`
      : `the card has no URL: obtain ${card.weights.name} yourself and place it in models/, or pass --url`;
    throw new BenchError('DOWNLOAD_FAILED', `${card.name} has no download URL`, { fix });
  }
  const expected = card.weights.sha256;

  if (!opts.force) {
    const existing = await existingCopy(path, expected);
    if (existing) return { ...existing, downloaded: false, resumedFrom: 0, url };
  }

  await mkdir(dir, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new BenchError('DOWNLOAD_FAILED', `cannot create the download directory ${dir}: ${e.code ?? e.message}`, {
      file: dir,
      fix: `choose a writable directory with --dest or the FER_BENCH_CACHE environment variable`,
      cause: e,
    });
  });

  const part = `${path}.part`;
  let { resumedFrom } = await fetchToPart(card, url, part, path, opts);
  let sha256 = await sha256File(part);
  if (expected && sha256 !== expected && resumedFrom > 0) {
    // The reused prefix may be the culprit (a stale .part from another file): retry once from zero.
    await unlink(part);
    resumedFrom = (await fetchToPart(card, url, part, path, opts)).resumedFrom;
    sha256 = await sha256File(part);
  }
  if (expected && sha256 !== expected) {
    await unlink(part).catch(() => undefined);
    throw new BenchError(
      'CHECKSUM_MISMATCH',
      `downloaded ${card.weights.name} does not match the published checksum: expected sha256 ${expected}, got ${sha256}; the download was deleted`,
      {
        file: path,
        fix: `check the URL (${url}); if the upstream file changed on purpose, put its sha256 in a user zoo card (models/README.md)`,
      },
    );
  }
  await rename(part, path);
  await rememberSha256(path, sha256, hashMemoFile());
  const { size } = await stat(path);
  return { path, sha256, verified: expected ? true : 'no-published-checksum', sizeBytes: size, downloaded: true, resumedFrom, url };
}

/** A copy already at `path` that is good (or cannot be judged); undefined when absent or wrong. */
async function existingCopy(path: string, expected: string | undefined): Promise<Omit<PullResult, 'downloaded' | 'resumedFrom' | 'url'> | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile() || st.size === 0) return undefined;
  const sha256 = await sha256Memo(path, hashMemoFile());
  const verified = verification(sha256, expected);
  if (verified === false) return undefined; // replaced by a fresh download (renamed over it once verified)
  return { path, sha256, verified, sizeBytes: st.size };
}

/** Brings `part` to the whole file, resuming what is there; returns how many bytes were reused. */
async function fetchToPart(card: ModelCard, url: string, part: string, path: string, opts: PullOptions): Promise<{ resumedFrom: number }> {
  const manual = `download ${url} yourself and place it at ${path}`;
  const fail = (what: string, cause?: unknown, keepPart = false) =>
    new BenchError('DOWNLOAD_FAILED', `cannot download ${card.name} from ${url}: ${what}`, {
      file: path,
      fix: keepPart ? `run the command again to resume, or ${manual}` : `check your connection and the URL, or ${manual}`,
      cause,
    });

  for (let attempt = 0; ; attempt++) {
    const have = (await stat(part).catch(() => undefined))?.size ?? 0;
    const controller = new AbortController();
    const idleMs = opts.idleTimeoutMs ?? 60_000;
    let timer = setTimeout(() => controller.abort(), idleMs);
    const keepAlive = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), idleMs);
    };
    try {
      let res: Response;
      try {
        res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, redirect: 'follow', signal: controller.signal });
      } catch (e) {
        throw fail(controller.signal.aborted ? `no response for ${idleMs} ms` : networkReason(e), e);
      }

      let offset: number;
      let total: number | null;
      if (res.status === 206) {
        const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
        if (!range || Number(range[1]) !== have) {
          // A range we did not ask for: drop the partial file and start over once.
          await res.body?.cancel();
          await unlink(part).catch(() => undefined);
          if (attempt === 0) continue;
          throw fail(`the server answered the range request with ${res.headers.get('content-range') ?? 'no Content-Range'}`);
        }
        offset = have;
        total = range[3] === '*' ? null : Number(range[3]);
      } else if (res.status === 416 && have > 0 && attempt === 0) {
        // The partial file is not a prefix the server knows (e.g. it is complete or from another file).
        await res.body?.cancel();
        await unlink(part).catch(() => undefined);
        continue;
      } else if (res.ok) {
        offset = 0;
        const len = res.headers.get('content-length');
        total = len ? Number(len) : null;
      } else {
        await res.body?.cancel();
        throw fail(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
      }
      if (/^text\/html/i.test(res.headers.get('content-type') ?? '')) {
        await res.body?.cancel();
        throw fail('the server sent an HTML page, not the model file (a GitHub "blob" URL needs ?raw=true)');
      }

      opts.onProgress?.({ received: offset, total, resumedFrom: offset });
      const file = await open(part, offset > 0 ? 'a' : 'w');
      let received = offset;
      try {
        if (res.body) {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            keepAlive();
            await file.write(chunk);
            received += chunk.byteLength;
            opts.onProgress?.({ received, total, resumedFrom: offset });
          }
        }
      } catch (e) {
        throw fail(`the connection broke after ${received} bytes${controller.signal.aborted ? ` (no data for ${idleMs} ms)` : ''}; the partial file ${part} is kept`, e, true);
      } finally {
        await file.close();
      }
      if (total !== null && received !== total) {
        throw fail(`the connection closed after ${received} of ${total} bytes; the partial file ${part} is kept`, undefined, true);
      }
      return { resumedFrom: offset };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** "ECONNREFUSED 127.0.0.1:9" from undici's "fetch failed" and its cause. */
function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return cause?.message ? `${(e as Error).message}: ${cause.message}` : (e as Error).message;
}
