/**
 * VGAF (EmotiW 2020 group affect) as FER-repo reads it (corpora.md §3): flat video folders `Train/` and
 * `Val/`, and `Train_labels.txt` / `Val_labels.txt` beside them, read like `csv.reader(f, delimiter=' ')`
 * after a header line: `<video> <label>`, label 1 Positive, 2 Neutral, 3 Negative. The label space is the
 * 3-class group valence (`group:positive|neutral|negative`), never mixed with the emotion classes.
 *
 * - The video is named without its extension in the list (`289_55`); it is matched to the file in the
 *   folder with that stem (or that exact name). The video is the item and the group.
 * - The header is detected rather than skipped blindly: a first line that reads as `<name> <1|2|3>` is a
 *   row (a copy without the header would otherwise lose its first video).
 * - Bad input is counted, the load completes: a row that does not split into two fields (`malformed-row`),
 *   a label outside 1..3 (`unknown-label`), a row naming a video that is not there (`missing-file`, with
 *   the row), a video no row names (`unlabelled-video`), and a missing labels file (every video of the
 *   split `missing-labels-file`).
 * - `frames`: read pre-extracted frames instead of the videos. `'hsemotion'` is FER-repo's
 *   `preprocessed/{Train,Val}/frames/<video>/%04d.png` (every frame, before face detection); any other
 *   value names a folder (absolute, or relative to the root) of `<video>/` frame folders. A video without
 *   one is `missing-frames`. (FER-repo's MTCNN crops, `mtcnn_aligned/<video>/<frame>/<i>.png`, hold one
 *   folder per frame with every face in it: that is not a frames folder, and is not read here.)
 */
import path from 'node:path';
import { BenchError } from '../errors.js';
import type { ClassName } from './emotions.js';
import type { Corpus } from './corpus.js';
import type { Sample } from './sample.js';
import { readTextLines } from './csv.js';
import { finishCorpus } from './manifest.js';
import { isDirectory, isFile, relativePosix } from './paths.js';
import { SkipList, type ItemWhere } from './skips.js';
import { describeFolder, framesFolder, isVideoFile, keepWithFrames, listClips, requireRootFolder, stem, videoLayoutError } from './video-files.js';

export type VgafSplit = 'train' | 'val';

export interface VgafOptions {
  /** The VGAF folder holding `Train/`, `Val/` and the two labels files. */
  root: string;
  /** Default `val` (766 videos). */
  split?: VgafSplit;
  /** Read pre-extracted frames instead of the videos (see the module comment). Default: the videos. */
  frames?: string;
  /** Stat every video; missing and empty ones are counted. Default true. */
  checkFiles?: boolean;
  /** Files stat'ed at once. Default 32. */
  concurrency?: number;
}

/** VGAF label id → class, and the names FER-repo gives them (`emotion_to_index`). */
export const VGAF_LABELS: ReadonlyArray<readonly [string, ClassName, string]> = [
  ['1', 'group:positive', 'Positive'],
  ['2', 'group:neutral', 'Neutral'],
  ['3', 'group:negative', 'Negative'],
];

export const VGAF_CLASSES: readonly ClassName[] = VGAF_LABELS.map(([, c]) => c);

export const VGAF_SPLITS: Record<VgafSplit, { dir: string; labels: string }> = {
  train: { dir: 'Train', labels: 'Train_labels.txt' },
  val: { dir: 'Val', labels: 'Val_labels.txt' },
};

/** FER-repo's extracted frames per split (VGAF_train.ipynb), relative to the root. */
export const VGAF_HSEMOTION_FRAMES: Record<VgafSplit, string> = {
  train: path.join('preprocessed', 'Train', 'frames'),
  val: path.join('preprocessed', 'Val', 'frames'),
};

const LAYOUTS = ['Train/<video>.mp4 and Train_labels.txt', 'Val/<video>.mp4 and Val_labels.txt (a header line, then "<video> <label>" with 1 Positive, 2 Neutral, 3 Negative)'];

/** Loads one split of VGAF (see the module comment). */
export async function loadVgaf(opts: VgafOptions): Promise<Corpus> {
  if (!opts?.root) throw new BenchError('BAD_INPUT', 'no VGAF root given', { fix: 'pass --root <the VGAF folder holding Train/, Val/ and the labels files>' });
  const root = path.resolve(opts.root);
  const split = opts.split ?? 'val';
  if (!Object.hasOwn(VGAF_SPLITS, split)) {
    throw new BenchError('BAD_INPUT', `VGAF has no split '${String(split)}' with labels`, { fix: 'use --split train or --split val' });
  }
  await requireRootFolder('VGAF', root, LAYOUTS);
  const dir = path.join(root, VGAF_SPLITS[split].dir);
  const labelsFile = path.join(root, VGAF_SPLITS[split].labels);
  if (!(await isDirectory(dir))) {
    const hint = (await isFile(labelsFile)) ? `${labelsFile} is there but its video folder ${VGAF_SPLITS[split].dir}/ is not` : `${root} has neither ${VGAF_SPLITS[split].dir}/ nor ${VGAF_SPLITS[split].labels}; it contains: ${await describeFolder(root)}`;
    throw videoLayoutError('VGAF', `${hint}.`, root, 'point --root at the VGAF folder (EmotiW/VGAF in FER-repo), the one holding Train/, Val/ and Train_labels.txt / Val_labels.txt', LAYOUTS);
  }

  const base =
    opts.frames === undefined
      ? undefined
      : await framesFolder('VGAF', { frames: opts.frames, from: root, hsemotion: VGAF_HSEMOTION_FRAMES[split], howMade: "ffmpeg -r 1 -i <video> -r 1 '<frames>/<video>/%04d.png'" });
  const skips = new SkipList();
  const files = await listClips(dir, root, skips);
  const videos = new Map<string, string>(); // stem and exact name → file name
  for (const name of files) {
    if (!isVideoFile(name)) skips.add('not-a-video', relativePosix(root, path.join(dir, name)), { file: path.join(dir, name) });
    else videos.set(stem(name), name).set(name, name);
  }
  const sourceLabels: Record<string, ClassName | null> = Object.fromEntries(VGAF_LABELS.map(([id, c]) => [id, c]));
  // EmotiW 2020's VGAF is the one release the published numbers are on.
  const parts = { name: 'vgaf', root, split, layout: base ? 'frames' : 'videos', release: 'official', classes: [...VGAF_CLASSES], sourceLabels };
  const finish = { checkFiles: opts.checkFiles, concurrency: opts.concurrency };

  if (!(await isFile(labelsFile))) {
    for (const name of new Set(videos.values())) skips.add('missing-labels-file', stem(name), { file: path.join(dir, name), detail: `${labelsFile} does not exist` });
    return finishCorpus({ ...parts, samples: [], skipped: skips.items }, finish);
  }

  const listed: Array<{ sample: Sample; where: ItemWhere }> = [];
  const labelled = new Set<string>();
  let first = true;
  for await (const { line, text } of readTextLines(labelsFile)) {
    const f = text.trim().split(/\s+/);
    const where = { file: labelsFile, row: line };
    const known = VGAF_LABELS.find(([id]) => id === f[1]);
    if (first) {
      first = false;
      if (!(f.length === 2 && known)) continue; // the header line
    }
    const id = stem(f[0]);
    // A video named by a bad row is counted under that row's reason, not again as unlabelled.
    labelled.add(videos.get(f[0]) ?? f[0]);
    if (f.length !== 2) {
      skips.add('malformed-row', id || `line ${line}`, { ...where, detail: `expected "<video> <label>", found ${f.length} field${f.length === 1 ? '' : 's'}` });
      continue;
    }
    if (!known) {
      skips.add('unknown-label', id, { ...where, detail: `label '${f[1]}' is not 1 (Positive), 2 (Neutral) or 3 (Negative)` });
      continue;
    }
    const name = videos.get(f[0]);
    if (!name) {
      skips.add('missing-file', id, { ...where, detail: `no video named ${f[0]} in ${dir}` });
      continue;
    }
    const source: Sample['source'] = base ? { kind: 'frames-dir', dir: path.join(base, id) } : { kind: 'video', path: path.join(dir, name) };
    listed.push({ sample: { id, corpus: 'vgaf', split, label: known[1], group: id, source, meta: { vgafLabel: Number(known[0]), sourceLabel: known[2] } }, where });
  }
  for (const name of new Set(videos.values())) {
    if (!labelled.has(name)) skips.add('unlabelled-video', stem(name), { file: path.join(dir, name), detail: `${VGAF_SPLITS[split].labels} has no row for it` });
  }
  const kept = base ? await keepWithFrames(listed, skips, opts.concurrency) : listed;
  return finishCorpus({ ...parts, samples: kept.map((k) => k.sample), skipped: skips.items }, { ...finish, origins: kept.map((k) => k.where) });
}
