/** Turns `--dataset/--root/--manifest/--label-map/--classes` into an opened corpus and a protocol. */
import { existsSync, readFileSync } from 'node:fs';
import { openCorpus, type Corpus } from '../datasets/corpus.js';
import { toEmotion, type ClassName } from '../datasets/emotions.js';
import { affectnetProtocol, type Protocol } from '../datasets/label-map.js';
import { parseSourceLabelMap } from '../datasets/source-labels.js';
import { BenchError } from '../errors.js';

export interface CorpusCliOptions {
  dataset: string;
  root?: string;
  manifest?: string;
  /** folder/csv: the corpus name (default: the root folder's name). */
  name?: string;
  split: string;
  layout: string;
  labelMap?: string;
}

/** `--label-map` is either inline (`0=anger,1=disgust`, `{...}`) or the path of a JSON file. */
function labelMapOption(spec: string | undefined) {
  if (spec === undefined) return undefined;
  return parseSourceLabelMap(existsSync(spec) ? readFileSync(spec, 'utf8') : spec);
}

export async function openCorpusFromCli(opts: CorpusCliOptions): Promise<Corpus> {
  const labelMap = labelMapOption(opts.labelMap);
  switch (opts.dataset) {
    case 'affectnet':
      if (!opts.root) throw new BenchError('BAD_INPUT', '--dataset affectnet needs --root', { fix: 'pass --root <the folder holding your AffectNet copy>' });
      return openCorpus('affectnet', { root: opts.root, split: opts.split as 'train' | 'val', layout: opts.layout as 'auto' });
    case 'folder':
      if (!opts.root) throw new BenchError('BAD_INPUT', '--dataset folder needs --root', { fix: 'pass --root <folder with one sub-folder per class>' });
      return openCorpus('folder', { root: opts.root, name: opts.name, split: opts.split, labelMap });
    case 'csv':
      return openCorpus('csv', { file: opts.manifest ?? '', root: opts.root, name: opts.name, split: opts.split, labelMap });
    default:
      // openCorpus names the closest corpus.
      return openCorpus(opts.dataset, {} as never);
  }
}

/** `--classes 8|7` (AffectNet) or a comma list of class names; undefined evaluates every corpus class. */
export function protocolFromCli(dataset: string, classes: string | undefined): Protocol | undefined {
  if (classes === undefined) return dataset === 'affectnet' ? affectnetProtocol(8) : undefined;
  if (classes === '8' || classes === '7') {
    if (dataset !== 'affectnet') throw new BenchError('BAD_INPUT', `--classes ${classes} is an AffectNet protocol`, { fix: 'give a comma list of class names for other corpora' });
    return affectnetProtocol(Number(classes) as 7 | 8);
  }
  const names = classes.split(',').map((c) => c.trim());
  const canonical = names.map((n) => {
    const e = toEmotion(n);
    if (!e) throw new BenchError('BAD_INPUT', `--classes: unknown class "${n}"`, { fix: 'use emotion names such as anger, disgust, fear, happiness, sadness, surprise, neutral, contempt' });
    return e as ClassName;
  });
  return { name: `classes:${canonical.join('+')}`, classes: canonical };
}
