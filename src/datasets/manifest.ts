/**
 * The last step every loader runs: drop repeated ids, check that every listed file is there, and hash the
 * item list. Kept in one place so every corpus applies the same rules:
 * - ids are unique (the prediction store is keyed by id): a repeat is skipped as `duplicate-id`;
 * - with `confine` (loaders reading paths out of a file), no source may lead outside that folder's real
 *   path through a symlink: the first one that does stops the load (`pathEscapeError`), before any is read;
 * - every source is `stat`ed at load time (bounded concurrency), so a missing or empty file is counted
 *   before the run starts (`missing-file`, `empty-file`); undecodable images are found at decode time;
 * - `manifestSha256` covers, per item, id, canonical label, source kind + path relative to the root +
 *   box / frame, group, and valence/arousal targets (and per-frame labels, for corpora that have them:
 *   Aff-Wild2), sorted, so any change to what is evaluated changes it, while moving the corpus to another
 *   folder or reordering its list does not.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Corpus } from './corpus.js';
import type { Sample, SampleSource, SkippedItem } from './sample.js';
import { pathEscapeError, RealRoot, relativePosix } from './paths.js';
import { mapLimit, DEFAULT_FILE_CONCURRENCY } from './pool.js';
import { SkipList, type ItemWhere } from './skips.js';

export type CorpusParts = Omit<Corpus, 'manifestSha256' | 'flagged'> & { flagged?: SkippedItem[] };

export interface FinishOptions {
  /** Stat every source file and skip the missing/empty ones. Default true. */
  checkFiles?: boolean;
  /** Files stat'ed at once. Default 32. */
  concurrency?: number;
  /** Where each sample was listed (parallel to `samples`), so a missing file is reported with its CSV row. */
  origins?: readonly (ItemWhere | undefined)[];
  /** Folder every source must really be inside (symlinks resolved), for paths read from a file. Default: no check. */
  confine?: string;
}

/** The file or folder a sample is read from. */
export function sourcePath(s: SampleSource): string {
  return s.kind === 'frames-dir' ? s.dir : s.path;
}

function sourceKey(root: string, s: SampleSource): unknown[] {
  const rel = relativePosix(root, sourcePath(s));
  if (s.kind === 'image') return [s.kind, rel, s.box ? [s.box.x, s.box.y, s.box.width, s.box.height] : null];
  if (s.kind === 'video') return [s.kind, rel, s.start ?? null, s.end ?? null];
  return [s.kind, rel, null];
}

/** SHA-256 over the sorted item list (see the module comment for what it covers). */
export function manifestSha256(samples: readonly Sample[], root: string): string {
  const lines = samples.map((s) =>
    JSON.stringify([
      s.id,
      s.label,
      ...sourceKey(root, s.source),
      s.group ?? null,
      s.meta?.valence ?? null,
      s.meta?.arousal ?? null,
      // Appended only when present, so the hashes of corpora without per-frame labels stay as they were.
      ...(Array.isArray(s.meta?.frameLabels) ? [(s.meta!.frameLabels as unknown[]).join(',')] : []),
    ]),
  );
  lines.sort();
  const h = createHash('sha256');
  for (const l of lines) h.update(`${l}\n`);
  return h.digest('hex');
}

/** Applies the shared rules above and returns the finished corpus. */
export async function finishCorpus(parts: CorpusParts, opts: FinishOptions = {}): Promise<Corpus> {
  const { checkFiles = true, concurrency = DEFAULT_FILE_CONCURRENCY, origins, confine } = opts;
  const skips = new SkipList();
  const seen = new Set<string>();
  const unique: Array<{ sample: Sample; where: ItemWhere }> = [];
  parts.samples.forEach((sample, i) => {
    const where = origins?.[i] ?? {};
    if (seen.has(sample.id)) {
      skips.add('duplicate-id', sample.id, { ...where, detail: `id '${sample.id}' is listed more than once` });
    } else {
      seen.add(sample.id);
      unique.push({ sample, where });
    }
  });

  if (confine !== undefined) {
    const real = await RealRoot.of(confine);
    const escapes = await mapLimit(unique, concurrency, ({ sample }) => real.escape(sourcePath(sample.source), sample.source.kind === 'frames-dir' ? 'dir' : 'file'));
    const i = escapes.findIndex((e) => e !== undefined);
    if (i >= 0) throw pathEscapeError(unique[i].where, escapes[i]!, real.root);
  }

  let kept = unique;
  if (checkFiles) {
    const problems = await mapLimit(unique, concurrency, async ({ sample }) => {
      const p = sourcePath(sample.source);
      const wantDir = sample.source.kind === 'frames-dir';
      try {
        const st = await stat(p);
        if (wantDir ? !st.isDirectory() : !st.isFile()) return { reason: 'missing-file' as const, detail: `${p} is not a ${wantDir ? 'folder' : 'regular file'}` };
        if (!wantDir && st.size === 0) return { reason: 'empty-file' as const, detail: `${p} is empty` };
        return null;
      } catch {
        return { reason: 'missing-file' as const, detail: `${p} does not exist` };
      }
    });
    kept = [];
    unique.forEach((u, i) => {
      const pr = problems[i];
      if (!pr) kept.push(u);
      else skips.add(pr.reason, u.sample.id, { file: u.where.file ?? sourcePath(u.sample.source), row: u.where.row, detail: pr.detail });
    });
  }

  const samples = kept.map((k) => k.sample);
  return {
    name: parts.name,
    root: parts.root,
    split: parts.split,
    layout: parts.layout,
    ...(parts.release !== undefined ? { release: parts.release } : {}),
    classes: parts.classes,
    sourceLabels: parts.sourceLabels,
    samples,
    skipped: [...parts.skipped, ...skips.items],
    flagged: parts.flagged ?? [],
    manifestSha256: manifestSha256(samples, parts.root),
  };
}
