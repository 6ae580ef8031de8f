/**
 * The options `bench loco` and `bench matrix` share: the run options (batch, threads, CIs, store, out,
 * --json) and `--corpus [name=]<dataset>:<root>[:split]`, the repeatable corpus option: one corpus per value, opened exactly as `bench eval --dataset <dataset> --root <root>` opens
 * it. For `csv` and `video-csv` the path is the manifest (and `name=` names the corpus, e.g.
 * `savee=video-csv:savee.csv`). A trailing `:train|val|test|all` is the split (default `val`, which the
 * corpora without splits read as the whole corpus).
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { RunRecord } from '../bench/records.js';
import { parseCount, parsePositiveInt, parseProbability } from './parse.js';
import type { Corpus } from '../datasets/corpus.js';
import type { CorpusCliOptions } from './corpus-options.js';

const SPLITS = ['train', 'val', 'test', 'all'];

export interface CorpusSpec {
  /** As the user wrote it. */
  spec: string;
  options: CorpusCliOptions;
}

export function parseCorpusSpec(value: string): CorpusSpec {
  const eq = value.indexOf('=');
  const named = eq > 0 && !value.slice(0, eq).includes(':');
  const name = named ? value.slice(0, eq) : undefined;
  const rest = named ? value.slice(eq + 1) : value;
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) {
    throw new InvalidArgumentError(`expected [name=]<dataset>:<root>[:split], e.g. ravdess:~/data/RAVDESS or savee=video-csv:savee.csv, got "${value}"`);
  }
  const dataset = rest.slice(0, colon);
  let path = rest.slice(colon + 1);
  let split = 'val';
  const last = path.lastIndexOf(':');
  if (last > 0 && SPLITS.includes(path.slice(last + 1))) {
    split = path.slice(last + 1);
    path = path.slice(0, last);
  }
  const manifest = dataset === 'csv' || dataset === 'video-csv';
  return { spec: value, options: { dataset, ...(manifest ? { manifest: path } : { root: path }), ...(name ? { name } : {}), split, layout: 'auto' } };
}

/** Collects repeated --corpus values. */
export function collectCorpusSpecs(value: string, previous: CorpusSpec[] = []): CorpusSpec[] {
  return [...previous, parseCorpusSpec(value)];
}

/** Opens every corpus (in the order given). */
export async function openCorpusSpecs(specs: readonly CorpusSpec[]): Promise<Array<{ spec: CorpusSpec; corpus: Corpus }>> {
  const { openCorpusFromCli } = await import('./corpus-options.js');
  const out = [];
  for (const spec of specs) out.push({ spec, corpus: await openCorpusFromCli(spec.options) });
  return out;
}

export interface CrossCorpusCliOptions {
  corpus: CorpusSpec[];
  batch: number;
  threads?: number;
  resamples: number;
  level: number;
  storeDir: string;
  out: string;
  save: boolean;
  json?: boolean;
}

/** Declares the shared run options (after the command's own). */
export function addCrossCorpusRunOptions(command: Command, storeHelp: string): Command {
  return command
    .option('-b, --batch <n>', 'faces (or images) per engine call', parseCount, 8)
    .option('-t, --threads <n>', 'engine intra-op threads (default: the cores)', parsePositiveInt)
    .option('--resamples <n>', 'bootstrap resamples for confidence intervals (0 = none)', parsePositiveInt, 2000)
    .option('--level <p>', 'confidence level', parseProbability, 0.95)
    .option('--store-dir <dir>', storeHelp, 'results/predictions')
    .option('--out <dir>', 'directory for run records', 'results/runs')
    .option('--no-save', 'do not write run records')
    .option('--json', 'print the run records as JSON on stdout');
}

/** Saves each record (unless --no-save) and returns its file, or null. */
export async function saveRecords(records: readonly RunRecord[], opts: Pick<CrossCorpusCliOptions, 'save' | 'out'>): Promise<Array<string | null>> {
  const { saveRunRecord } = await import('../bench/run-store.js');
  const files: Array<string | null> = [];
  for (const r of records) files.push(opts.save ? await saveRunRecord(opts.out, r) : null);
  return files;
}
