/**
 * Stores on disk as a researcher manages them. A store is keyed by the weights' sha256, so when the file
 * behind a model name changes the old store stays beside the new one and `results/predictions/<model>-*`
 * globs find both: `summariseStores` says which is which (and which one a newer store of the same model,
 * corpus and split supersedes), and `pruneStores` removes the stores no run record points at.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BenchError } from '../../errors.js';
import { DEFAULT_STORE_DIR, listStores } from './read.js';
import { LOCK_FILE } from './lock.js';
import { CHECKSUMS_SINCE_FORMAT, PREDICTIONS_FILE } from './meta.js';
import { readLines } from './jsonl.js';

export interface StoreSummary {
  dir: string;
  /** The directory name (`<model>-<corpus>-<split>-<key>`): what run records are matched on. */
  name: string;
  model: string | null;
  /** sha256 of the weights; null for a replica or an unreadable store. */
  modelSha256: string | null;
  replica: boolean;
  corpus: string | null;
  split: string | null;
  /** The corpus manifest hash: a changed corpus (or a changed --root listing) is a new store. */
  manifestSha256: string | null;
  /** Records at completion, or whole lines written so far when the run did not finish. */
  items: number;
  complete: boolean;
  /** When it completed, else when it was created (ISO). */
  date: string | null;
  bytes: number;
  /** Run records (files) whose predictionStore is this store. */
  referencedBy: string[];
  /** A newer store of the same model name, corpus and split exists with other weights or another corpus hash. */
  supersededBy: string | null;
  /** A writer lock is present: a run may be writing to it now. */
  locked: boolean;
  /** The store format (meta.json's formatVersion); null when unreadable. */
  formatVersion: number | null;
  /** Whether its record lines carry checksums (format 2 on); false for a format-1 store, whose records are read unverified. */
  checksums: boolean | null;
  /** Why the store's meta could not be read (such a store is listed, never pruned). */
  problem?: string;
}

export interface StoreListOptions {
  /** The prediction store folder. Default `results/predictions`. */
  storeDir?: string;
  /** Folders (or files) of run records whose references count. Default `results/runs`. */
  runs?: readonly string[];
}

/** Whole lines in the predictions file: the count of an unfinished store, read in bounded memory. */
async function countLines(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  let n = 0;
  for await (const line of readLines(file)) if (line.terminated && line.text.trim() !== '') n++;
  return n;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) total += (await stat(join(dir, name)).catch(() => null))?.size ?? 0;
  return total;
}

/**
 * Store directory name → the run record files that point at it. Every `*.json` directly in each folder
 * is read; one that is not JSON stops the listing (a prune must not guess what it referenced).
 */
export async function storeReferences(runs: readonly string[]): Promise<Map<string, string[]>> {
  const refs = new Map<string, string[]>();
  for (const source of runs) {
    const info = await stat(source).catch(() => null);
    if (!info) continue; // no run records yet: nothing references anything
    const files = info.isDirectory() ? (await readdir(source)).filter((f) => f.endsWith('.json')).sort().map((f) => join(source, f)) : [source];
    for (const file of files) {
      let record: { predictionStore?: unknown };
      try {
        record = JSON.parse(await readFile(file, 'utf8')) as { predictionStore?: unknown };
      } catch (e) {
        throw new BenchError('BAD_INPUT', `${file} is not valid JSON, so the stores it references are unknown`, {
          file,
          fix: 'move the file out of the run directory (or delete it), then run the command again',
          cause: e,
        });
      }
      if (typeof record?.predictionStore !== 'string') continue;
      // Matched by directory name: run records keep the path as it was typed (relative to where eval ran).
      const name = basename(record.predictionStore);
      refs.set(name, [...(refs.get(name) ?? []), file]);
    }
  }
  return refs;
}

/** Every store under `storeDir`, with what it holds and who references it, sorted by name. */
export async function summariseStores(opts: StoreListOptions = {}): Promise<StoreSummary[]> {
  const storeDir = opts.storeDir ?? DEFAULT_STORE_DIR;
  const refs = await storeReferences(opts.runs ?? ['results/runs']);
  const out: StoreSummary[] = [];
  for (const { dir, meta, problem } of await listStores(storeDir)) {
    const name = basename(dir);
    if (name.startsWith('.')) continue; // a removal that was cut short (see removeStore)
    const key = meta?.key;
    out.push({
      dir,
      name,
      model: key?.model.name ?? null,
      modelSha256: key?.model.sha256 ?? null,
      replica: key?.model.replica ?? false,
      corpus: key?.dataset.corpus ?? null,
      split: key?.dataset.split ?? null,
      manifestSha256: key?.dataset.manifestSha256 ?? null,
      items: meta?.complete ? meta.complete.records : await countLines(join(dir, PREDICTIONS_FILE)),
      complete: meta?.complete != null,
      date: meta ? (meta.complete?.date ?? meta.created) : null,
      bytes: await dirBytes(dir),
      referencedBy: refs.get(name) ?? [],
      supersededBy: null,
      locked: existsSync(join(dir, LOCK_FILE)),
      formatVersion: meta?.formatVersion ?? null,
      checksums: meta ? meta.formatVersion >= CHECKSUMS_SINCE_FORMAT : null,
      ...(problem ? { problem } : {}),
    });
  }
  // The newest store of each (model, corpus, split) supersedes older ones with other weights or data.
  const newest = new Map<string, StoreSummary>();
  for (const s of out) {
    if (!s.model || !s.date) continue;
    const k = [s.model, s.replica, s.corpus, s.split].join('\u0000');
    const best = newest.get(k);
    if (!best || s.date > best.date!) newest.set(k, s);
  }
  for (const s of out) {
    const best = s.model ? newest.get([s.model, s.replica, s.corpus, s.split].join('\u0000')) : undefined;
    if (best && best !== s && (best.modelSha256 !== s.modelSha256 || best.manifestSha256 !== s.manifestSha256)) s.supersededBy = best.name;
  }
  return out;
}

/** What a prune would remove, and what it keeps despite no reference (locked, unreadable). */
export interface PrunePlan {
  remove: StoreSummary[];
  keep: Array<{ store: StoreSummary; why: string }>;
}

/** Stores no run record references; a locked or unreadable store is kept, with the reason. */
export function planPrune(stores: readonly StoreSummary[]): PrunePlan {
  const plan: PrunePlan = { remove: [], keep: [] };
  for (const s of stores) {
    if (s.referencedBy.length > 0) continue;
    if (s.locked) plan.keep.push({ store: s, why: `a writer lock (${LOCK_FILE}) is present: a run may be writing to it` });
    else if (s.problem) plan.keep.push({ store: s, why: `its meta could not be read (${s.problem}): inspect it by hand` });
    else plan.remove.push(s);
  }
  return plan;
}

/**
 * The store of (model, corpus, split) written last under `storeDir`, and the whole records on disk, read
 * synchronously: for a Ctrl-C handler, which must answer before the process exits while the engine keeps
 * the event loop busy. Null when there is none.
 */
export function lastWrittenStoreSync(storeDir: string, of: { model: string; corpus: string; split: string }): { dir: string; items: number } | null {
  let best: { dir: string; file: string; mtime: number } | null = null;
  let names: string[];
  try {
    names = readdirSync(storeDir);
  } catch {
    return null;
  }
  for (const name of names) {
    const dir = join(storeDir, name);
    try {
      const key = (JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { key?: { model?: { name?: string }; dataset?: { corpus?: string; split?: string } } }).key;
      if (key?.model?.name !== of.model || key.dataset?.corpus !== of.corpus || key.dataset?.split !== of.split) continue;
      const file = join(dir, PREDICTIONS_FILE);
      const mtime = statSync(file).mtimeMs;
      if (!best || mtime > best.mtime) best = { dir, file, mtime };
    } catch {
      // not a store, or one with no records yet
    }
  }
  if (!best) return null;
  const bytes = readFileSync(best.file);
  let items = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) items++;
  return { dir: best.dir, items };
}

/**
 * Removes one store directory. It is first renamed out of the store folder's namespace, so a crash in
 * the middle never leaves a half-deleted directory that still looks like a store.
 */
export async function removeStore(dir: string): Promise<void> {
  const doomed = join(dirname(resolve(dir)), `.${basename(dir)}.removing-${process.pid}`);
  await rename(dir, doomed);
  await rm(doomed, { recursive: true, force: true });
}
