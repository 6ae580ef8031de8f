/**
 * The corpus contract every loader returns, and the registry the CLI and notebooks open corpora through.
 * A corpus is metadata only (ids, labels, paths, boxes); pixels are read later by the media stage.
 */
import path from 'node:path';
import { BenchError } from '../errors.js';
import { suggestion } from '../util/did-you-mean.js';
import type { ClassName } from './emotions.js';
import type { Sample, SkippedItem } from './sample.js';
import { countByReason } from './skips.js';
import { loadAffectNet, type AffectNetOptions } from './affectnet.js';
import { loadImageFolder, type ImageFolderOptions } from './image-folder.js';
import { loadCsvManifest, type CsvManifestOptions } from './csv-manifest.js';
import { loadAfew, type AfewOptions } from './afew.js';
import { loadVgaf, type VgafOptions } from './vgaf.js';
import { loadRavdess, type RavdessOptions } from './ravdess.js';
import { loadCremaD, type CremaDOptions } from './crema-d.js';
import { loadAffWild2, type AffWild2Options } from './affwild2.js';
import { loadVideoManifest, type VideoManifestOptions } from './video-manifest.js';

export interface Corpus {
  /** Registry name (`affectnet`) or the user's name for a generic corpus (`raf-db`). */
  name: string;
  /** Absolute corpus root; sample paths are absolute, hashes use paths relative to this. */
  root: string;
  split: string;
  /** Which on-disk layout was read (`csv`, `folders`, `march2021`, `folder`, ...). */
  layout: string;
  /**
   * Which release of the corpus this is (AffectNet: `official` for the Manually_Annotated release and the
   * HSEmotion folder copy made from it, `march2021`); published numbers apply only to their release.
   * Undefined for a generic corpus (folder, csv), whose release is not known, so none applies.
   */
  release?: string;
  /** The corpus label space, canonical names, in the corpus's own order (AffectNet: ids 0..7). */
  classes: ClassName[];
  /** Each label as the corpus spells it → canonical class (null: excluded). Goes into the run record. */
  sourceLabels: Record<string, ClassName | null>;
  /** Items to evaluate, metadata only. */
  samples: Sample[];
  /** Items left out, each with its reason (and file/row when known). */
  skipped: SkippedItem[];
  /** Items kept but noted (e.g. a malformed landmark field); they are evaluated. */
  flagged: SkippedItem[];
  /** SHA-256 over the sorted (id, label, source path, box, group, valence, arousal) list; see manifest.ts. */
  manifestSha256: string;
  /** Set when this is one shard of the corpus (`bench/shard.ts`): `samples` is its block, `manifestSha256` the whole corpus's. */
  shard?: CorpusShard;
}

/** One block of a corpus cut for a scheduler's array tasks, with the whole corpus's totals (see `bench/shard.ts`). */
export interface CorpusShard {
  index: number;
  count: number;
  /** The block [start, end) of the corpus's samples in canonical id order. */
  start: number;
  end: number;
  /** The whole corpus's samples, loader skips and flags (shard 0 holds all skips and flags). */
  corpusItems: number;
  corpusSkipped: number;
  corpusFlagged: number;
  /** The harness version that cut it (`name@version+commit`). */
  harness: string;
}

/**
 * The default name of a generic (folder, csv) corpus: its root folder's name, so two different corpora
 * opened by the same loader are never the same corpus in records and tables. `--name` overrides it.
 */
export function corpusNameOf(root: string): string {
  return path.basename(path.resolve(root)) || 'corpus';
}

/** Per corpus name, the options its loader takes. */
export interface CorpusOptionsByName {
  affectnet: AffectNetOptions;
  folder: ImageFolderOptions;
  csv: CsvManifestOptions;
  afew: AfewOptions;
  vgaf: VgafOptions;
  ravdess: RavdessOptions;
  'crema-d': CremaDOptions;
  affwild2: AffWild2Options;
  'video-csv': VideoManifestOptions;
}

export type CorpusName = keyof CorpusOptionsByName;

const LOADERS: { [N in CorpusName]: (opts: CorpusOptionsByName[N]) => Promise<Corpus> } = {
  affectnet: loadAffectNet,
  folder: loadImageFolder,
  csv: loadCsvManifest,
  afew: loadAfew,
  vgaf: loadVgaf,
  ravdess: loadRavdess,
  'crema-d': loadCremaD,
  affwild2: loadAffWild2,
  'video-csv': loadVideoManifest,
};

export const CORPUS_NAMES = Object.keys(LOADERS) as CorpusName[];

/** Opens a corpus by registry name. Unknown names throw UNKNOWN_DATASET with the closest names. */
export function openCorpus<N extends CorpusName>(name: N, opts: CorpusOptionsByName[N]): Promise<Corpus>;
/** Untyped form for names read from the command line; the loader validates the options. */
export function openCorpus(name: string, opts: CorpusOptionsByName[CorpusName]): Promise<Corpus>;
export async function openCorpus(name: string, opts: CorpusOptionsByName[CorpusName]): Promise<Corpus> {
  if (!Object.hasOwn(LOADERS, name)) {
    throw new BenchError('UNKNOWN_DATASET', `unknown corpus '${name}'.${suggestion(name, CORPUS_NAMES)}`, {
      fix: `use one of: ${CORPUS_NAMES.join(', ')}`,
    });
  }
  const load = LOADERS[name as CorpusName] as (o: typeof opts) => Promise<Corpus>;
  return load(opts);
}

/** What a run record keeps about the corpus (Provenance.dataset plus coverage of the load). */
export type CorpusSummary = ReturnType<typeof corpusSummary>;

export function corpusSummary(c: Corpus): {
  corpus: string;
  root: string;
  split: string;
  layout: string;
  release?: string;
  manifestSha256: string;
  items: number;
  classes: ClassName[];
  sourceLabels: Record<string, ClassName | null>;
  skippedByReason: Record<string, number>;
  flaggedByReason: Record<string, number>;
} {
  return {
    corpus: c.name,
    root: c.root,
    split: c.split,
    layout: c.layout,
    ...(c.release !== undefined ? { release: c.release } : {}),
    manifestSha256: c.manifestSha256,
    items: c.samples.length,
    classes: c.classes,
    sourceLabels: c.sourceLabels,
    skippedByReason: countByReason(c.skipped),
    flaggedByReason: countByReason(c.flagged),
  };
}
