/**
 * Turns `--dataset/--root/--manifest/--label-map/--classes` and the video corpora's options (`--calm`,
 * `--modality`, `--channel`, `--frames`, `--annotations`) into an opened corpus and a protocol.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
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
  /** RAVDESS: what calm (02) becomes, `drop` (default), `neutral` or `keep`. */
  calm?: string;
  /** RAVDESS: `audio-video` (default), `video-only` or `both`. */
  modality?: string;
  /** RAVDESS: `speech`, `song` or `both` (default). */
  channel?: string;
  /** AFEW, VGAF: read pre-extracted frames: `hsemotion`, or a folder of `<clip>/` frame folders. */
  frames?: string;
  /** Aff-Wild2: the folder holding Train_Set/ and Validation_Set/. */
  annotations?: string;
}

/** The datasets each video option applies to; given with another dataset it is refused, not ignored. */
const VIDEO_OPTIONS: ReadonlyArray<readonly [keyof CorpusCliOptions, string, readonly string[]]> = [
  ['calm', '--calm', ['ravdess']],
  ['modality', '--modality', ['ravdess']],
  ['channel', '--channel', ['ravdess']],
  ['frames', '--frames', ['afew', 'vgaf']],
  ['annotations', '--annotations', ['affwild2']],
];

/** Adds the video corpora's options to a command that opens a corpus (`bench eval`). */
export function addVideoCorpusOptions(command: Command): Command {
  return command
    .addOption(new Option('--calm <policy>', 'ravdess: calm (02) clips are dropped (and counted), mapped to neutral, or kept as their own class').choices(['drop', 'neutral', 'keep']))
    .addOption(new Option('--modality <m>', 'ravdess: audio-video clips (default), video-only ones (the same recordings without sound), or both').choices(['audio-video', 'video-only', 'both']))
    .addOption(new Option('--channel <c>', 'ravdess: speech, song or both (default)').choices(['speech', 'song', 'both']))
    .option('--frames <dir>', "afew, vgaf: read pre-extracted frames: 'hsemotion' (FER-repo's AlignedFaces_LBPTOP_Points[_Val]/frames/<clip>/, preprocessed/{Train,Val}/frames/<video>/) or a folder of <clip>/ frame folders")
    .option('--annotations <dir>', 'affwild2: the folder holding Train_Set/ and Validation_Set/ (default: found under --root)');
}

/** The corpora without splits record `all`; `val` is accepted for them because it is `bench eval`'s default. */
function noSplit(dataset: string, split: string): void {
  if (split !== 'val' && split !== 'all') {
    throw new BenchError('BAD_INPUT', `${dataset} has no splits (got --split ${split})`, { fix: `leave --split out for ${dataset}: the whole corpus is read` });
  }
}

function needRoot(opts: CorpusCliOptions, what: string): string {
  if (!opts.root) throw new BenchError('BAD_INPUT', `--dataset ${opts.dataset} needs --root`, { fix: `pass --root <${what}>` });
  return opts.root;
}

/** `--frames`: `hsemotion` as is; a path that exists from here made absolute; anything else the loader reads from the corpus (AFEW: the split folder, VGAF: the root). */
function framesOption(frames: string | undefined): string | undefined {
  if (frames === undefined || frames === 'hsemotion' || path.isAbsolute(frames)) return frames;
  return existsSync(frames) ? path.resolve(frames) : frames;
}

/** `--label-map` is either inline (`0=anger,1=disgust`, `{...}`) or the path of a JSON file. */
function labelMapOption(spec: string | undefined) {
  if (spec === undefined) return undefined;
  if (!statSync(spec, { throwIfNoEntry: false })?.isFile()) return parseSourceLabelMap(spec);
  return parseSourceLabelMap(readFileSync(spec, 'utf8'), path.resolve(spec));
}

export async function openCorpusFromCli(opts: CorpusCliOptions): Promise<Corpus> {
  const labelMap = labelMapOption(opts.labelMap);
  for (const [key, flag, datasets] of VIDEO_OPTIONS) {
    if (opts[key] !== undefined && !datasets.includes(opts.dataset)) {
      throw new BenchError('BAD_INPUT', `${flag} applies to --dataset ${datasets.join(' or ')}, not ${opts.dataset}`, { fix: `leave ${flag} out` });
    }
  }
  const split = opts.split as never;
  switch (opts.dataset) {
    case 'affectnet':
      if (!opts.root) throw new BenchError('BAD_INPUT', '--dataset affectnet needs --root', { fix: 'pass --root <the folder holding your AffectNet copy>' });
      return openCorpus('affectnet', { root: opts.root, split: opts.split as 'train' | 'val', layout: opts.layout as 'auto' });
    case 'folder':
      if (!opts.root) throw new BenchError('BAD_INPUT', '--dataset folder needs --root', { fix: 'pass --root <folder with one sub-folder per class>' });
      return openCorpus('folder', { root: opts.root, name: opts.name, split: opts.split, labelMap });
    case 'csv':
      return openCorpus('csv', { file: opts.manifest ?? '', root: opts.root, name: opts.name, split: opts.split, labelMap });
    case 'afew':
      return openCorpus('afew', { root: needRoot(opts, 'the AFEW folder holding train/ and val/'), split, frames: framesOption(opts.frames) });
    case 'vgaf':
      return openCorpus('vgaf', { root: needRoot(opts, 'the VGAF folder holding Train/, Val/ and the labels files'), split, frames: framesOption(opts.frames) });
    case 'affwild2':
      return openCorpus('affwild2', { root: needRoot(opts, 'the Aff-Wild2 folder holding cropped_aligned/'), split, annotations: opts.annotations && path.resolve(opts.annotations) });
    case 'ravdess':
      noSplit('ravdess', opts.split);
      return openCorpus('ravdess', {
        root: needRoot(opts, 'the folder holding Actor_01/ .. Actor_24/'),
        calm: opts.calm as never,
        modality: opts.modality as never,
        channel: opts.channel as never,
      });
    case 'crema-d':
      noSplit('crema-d', opts.split);
      return openCorpus('crema-d', { root: needRoot(opts, 'the CREMA-D folder holding VideoFlash/') });
    case 'video-csv':
      return openCorpus('video-csv', { file: opts.manifest ?? '', root: opts.root, name: opts.name, split: opts.split, labelMap });
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
