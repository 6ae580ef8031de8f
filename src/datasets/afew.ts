/**
 * AFEW (EmotiW) as HSEmotion reads it (corpora.md §2): `<root>/{train,val}/<Emotion>/<clip>.avi`, the
 * label being the parent folder (the 7 EmotiW names Angry, Disgust, Fear, Happy, Neutral, Sad, Surprise)
 * and the clip id the file name without extension (`001404920`). The clip is the item and the group.
 * The split folder may also be called `Train`/`Val` or `Train_AFEW`/`Val_AFEW` (names other copies use).
 *
 * - Class order is HSEmotion's `emotion_to_index` (Angry 0 .. Surprise 6), the same as its 7-class models.
 * - The split folder may also hold HSEmotion's frame folders (`AlignedFaces_LBPTOP_Points[_Val]/`); they are
 *   not class folders. Any other sub-folder stops the load (a misspelt `Suprise/` would lose its clips).
 * - `frames`: read pre-extracted frames instead of the videos, so numbers published on external crops can
 *   be reproduced. `'hsemotion'` is FER-repo's `train/AlignedFaces_LBPTOP_Points/frames/<clip>/` and
 *   `val/AlignedFaces_LBPTOP_Points_Val/frames/<clip>/`; any other value names a folder (absolute, or
 *   relative to the split folder) holding `<clip>/` folders, directly or under `frames/`. The labels still
 *   come from the `.avi` tree; a clip without a frame folder is skipped as `missing-frames`.
 */
import path from 'node:path';
import { BenchError } from '../errors.js';
import type { Emotion } from './emotions.js';
import type { Corpus } from './corpus.js';
import type { Sample } from './sample.js';
import { finishCorpus } from './manifest.js';
import { isDirectory, relativePosix } from './paths.js';
import { SkipList, type ItemWhere } from './skips.js';
import { suggestion } from '../util/did-you-mean.js';
import { describeFolder, framesFolder, isVideoFile, keepWithFrames, listClips, listFolder, requireRootFolder, stem, videoLayoutError } from './video-files.js';

export type AfewSplit = 'train' | 'val';

export interface AfewOptions {
  /** The AFEW folder holding `train/` and `val/`. */
  root: string;
  /** Default `val` (383 clips; the split every published AFEW number is on). */
  split?: AfewSplit;
  /** Read pre-extracted frames instead of the videos (see the module comment). Default: the videos. */
  frames?: string;
  /** Stat every clip (or frame folder); missing and empty ones are counted. Default true. */
  checkFiles?: boolean;
  /** Files stat'ed at once. Default 32. */
  concurrency?: number;
}

/** EmotiW folder name → canonical class, in HSEmotion's index order. */
export const AFEW_FOLDERS: ReadonlyArray<readonly [string, Emotion]> = [
  ['Angry', 'anger'],
  ['Disgust', 'disgust'],
  ['Fear', 'fear'],
  ['Happy', 'happiness'],
  ['Neutral', 'neutral'],
  ['Sad', 'sadness'],
  ['Surprise', 'surprise'],
];

export const AFEW_CLASSES: readonly Emotion[] = AFEW_FOLDERS.map(([, c]) => c);

/** FER-repo's frame folders per split (AFEW_train.ipynb). */
export const AFEW_HSEMOTION_FRAMES: Record<AfewSplit, string> = {
  train: path.join('AlignedFaces_LBPTOP_Points', 'frames'),
  val: path.join('AlignedFaces_LBPTOP_Points_Val', 'frames'),
};

const LAYOUTS = [
  `{train,val}/<Emotion>/<clip>.avi with Emotion in ${AFEW_FOLDERS.map(([f]) => f).join(', ')}`,
  'optionally {train,val}/AlignedFaces_LBPTOP_Points[_Val]/frames/<clip>/%03d.png (HSEmotion frames, --frames hsemotion)',
];

/** Split folder names accepted, first match wins (FER-repo uses lower case). */
const SPLIT_DIRS: Record<AfewSplit, string[]> = { train: ['train', 'Train', 'Train_AFEW'], val: ['val', 'Val', 'Val_AFEW'] };

async function splitFolder(root: string, split: AfewSplit): Promise<string> {
  for (const name of SPLIT_DIRS[split]) if (await isDirectory(path.join(root, name))) return path.join(root, name);
  const { dirs } = await listFolder(root);
  if (dirs.some((d) => AFEW_FOLDERS.some(([f]) => f === d))) {
    throw videoLayoutError('AFEW', `${root} holds emotion folders directly: it looks like one split of AFEW.`, root, 'point --root at its parent (the folder holding train/ and val/) and choose the split with --split', LAYOUTS);
  }
  throw videoLayoutError('AFEW', `${root} has no ${SPLIT_DIRS[split].join('/')} folder; it contains: ${await describeFolder(root)}.`, root, 'point --root at the AFEW folder (EmotiW/AFEW in FER-repo), the one holding train/ and val/', LAYOUTS);
}

/** Loads one split of AFEW (see the module comment). */
export async function loadAfew(opts: AfewOptions): Promise<Corpus> {
  if (!opts?.root) throw new BenchError('BAD_INPUT', 'no AFEW root given', { fix: 'pass --root <the AFEW folder holding train/ and val/>' });
  const root = path.resolve(opts.root);
  const split = opts.split ?? 'val';
  if (split !== 'train' && split !== 'val') {
    throw new BenchError('BAD_INPUT', `AFEW has no split '${String(split)}' with labels`, { fix: 'use --split train or --split val (test labels are not public)' });
  }
  await requireRootFolder('AFEW', root, LAYOUTS);
  const splitDir = await splitFolder(root, split);
  const base =
    opts.frames === undefined
      ? undefined
      : await framesFolder('AFEW', { frames: opts.frames, from: splitDir, hsemotion: AFEW_HSEMOTION_FRAMES[split], howMade: 'ffmpeg -r 1 -i clip.avi -r 1 frames/<clip>/%03d.png' });

  const { dirs, files } = await listFolder(splitDir);
  const skips = new SkipList();
  for (const f of files) skips.add('not-in-class-folder', relativePosix(root, path.join(splitDir, f)), { file: path.join(splitDir, f) });
  const classOf = new Map<string, Emotion>(AFEW_FOLDERS.map(([f, c]) => [f, c]));
  // Sub-folders that hold frames, not clips: HSEmotion's AlignedFaces_* folders, `frames/`, and the one --frames names.
  const framesTop = base ? path.relative(splitDir, base).split(path.sep)[0] : undefined;
  const holdsFrames = (d: string): boolean => d.startsWith('AlignedFaces') || d === 'frames' || d === framesTop;
  const unknown = dirs.filter((d) => !classOf.has(d) && !holdsFrames(d));
  if (unknown.length > 0) {
    const names = AFEW_FOLDERS.map(([f]) => f);
    throw new BenchError('BAD_LAYOUT', `AFEW ${split} folder has ${unknown.map((u) => `'${u}'${suggestion(u, names)}`).join('; ')}: not an EmotiW emotion folder`, {
      file: splitDir,
      fix: `AFEW's class folders are ${names.join(', ')}; rename or move the other folders out`,
    });
  }
  const present = AFEW_FOLDERS.filter(([f]) => dirs.includes(f));
  if (present.length === 0) {
    throw videoLayoutError('AFEW', `${splitDir} has no emotion folders; it contains: ${await describeFolder(splitDir)}.`, root, 'point --root at the AFEW folder holding train/ and val/', LAYOUTS);
  }

  type Listed = { sample: Sample; where: ItemWhere };
  const listed: Listed[] = [];
  for (const [folder, label] of present) {
    const dir = path.join(splitDir, folder);
    for (const name of await listClips(dir, root, skips)) {
      const file = path.join(dir, name);
      if (!isVideoFile(name)) {
        skips.add('not-a-video', relativePosix(root, file), { file });
        continue;
      }
      const clip = stem(name);
      const source: Sample['source'] = base ? { kind: 'frames-dir', dir: path.join(base, clip) } : { kind: 'video', path: file };
      listed.push({ sample: { id: clip, corpus: 'afew', split, label, group: clip, source, meta: { sourceLabel: folder } }, where: { file } });
    }
  }

  // With frames, each clip's folder is checked here, so a missing one gets its own reason.
  const kept = base ? await keepWithFrames(listed, skips, opts.concurrency) : listed;
  return finishCorpus(
    {
      name: 'afew',
      root,
      split,
      layout: base ? 'frames' : 'videos',
      // EmotiW's AFEW is the one release the published numbers are on.
      release: 'official',
      classes: [...AFEW_CLASSES],
      sourceLabels: Object.fromEntries(AFEW_FOLDERS),
      samples: kept.map((k) => k.sample),
      skipped: skips.items,
    },
    { checkFiles: opts.checkFiles, concurrency: opts.concurrency, origins: kept.map((k) => k.where) },
  );
}
