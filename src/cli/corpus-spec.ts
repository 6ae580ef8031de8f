/**
 * `--corpus [name=]<dataset>:<root>[:split]`, the repeatable corpus option of `bench loco` and `bench
 * matrix`: one corpus per value, opened exactly as `bench eval --dataset <dataset> --root <root>` opens
 * it. For `csv` and `video-csv` the path is the manifest (and `name=` names the corpus, e.g.
 * `savee=video-csv:savee.csv`). A trailing `:train|val|test|all` is the split (default `val`, which the
 * corpora without splits read as the whole corpus).
 */
import { InvalidArgumentError } from 'commander';
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
