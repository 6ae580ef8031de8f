/**
 * Aff-Wild2 expression (ABAW EXPR) as the challenge ships it (corpora.md §4.5): one label file per video,
 * `<annotations>/{Train_Set,Validation_Set}/<video>.txt`, line 1 the header
 * `Neutral,Anger,Disgust,Fear,Happiness,Sadness,Surprise,Other`, then one integer per frame, -1 = invalid;
 * and the challenge's face crops `cropped_aligned/<video>/<i:05d>.jpg`. Line i+1 labels frame i (1-based),
 * which is the crop `<i:05d>.jpg`; frames without a detected face have no crop.
 *
 * The choice made here: one sample per video (the group), its source the `frames-dir` of its crops, its
 * per-frame truth in `meta.frameLabels` (index i-1 for frame i, -1 invalid) so the runner can score frame
 * by frame as ABAW does, and `label` the most frequent valid frame label (ties: lowest class index) for
 * clip-level summaries. A video whose frames are all -1 is `no-valid-frames`; a label file that does not
 * read is `bad-annotation` (with the line); a video with no crop folder is `missing-frames`.
 *
 * `annotations` names the folder holding `Train_Set/` and `Validation_Set/` (absolute, or relative to the
 * root); by default it is found under the root (`Third ABAW Annotations/EXPR_Classification_Challenge/`
 * and the like: a folder named `EXPR_*` at most two levels down).
 */
import path from 'node:path';
import { BenchError } from '../errors.js';
import type { Emotion } from './emotions.js';
import type { Corpus } from './corpus.js';
import type { Sample } from './sample.js';
import { readTextLines } from './csv.js';
import { finishCorpus } from './manifest.js';
import { isDirectory, relativePosix } from './paths.js';
import { mapLimit, DEFAULT_FILE_CONCURRENCY } from './pool.js';
import { SkipList, type ItemWhere, type SkipReason } from './skips.js';
import { checkFramesDir, describeFolder, listFolder, requireRootFolder, stem, videoLayoutError } from './video-files.js';

export type AffWild2Split = 'train' | 'val';

export interface AffWild2Options {
  /** The Aff-Wild2 folder holding `cropped_aligned/` and the annotations. */
  root: string;
  /** Default `val` (ABAW's Validation_Set). */
  split?: AffWild2Split;
  /** The folder holding Train_Set/ and Validation_Set/; default: found under the root. */
  annotations?: string;
  /** Default `cropped_aligned`. */
  framesDir?: string;
  /** Stat every frame folder. Default true. */
  checkFiles?: boolean;
  /** Files read at once. Default 32. */
  concurrency?: number;
}

/** ABAW EXPR class order (label ids 0..7). */
export const AFFWILD2_CLASSES: readonly Emotion[] = ['neutral', 'anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'other'];
export const AFFWILD2_HEADER = 'Neutral,Anger,Disgust,Fear,Happiness,Sadness,Surprise,Other';
export const AFFWILD2_SPLITS: Record<AffWild2Split, string> = { train: 'Train_Set', val: 'Validation_Set' };

const LAYOUTS = [
  'cropped_aligned/<video>/<frame:05d>.jpg',
  '<annotations>/{Train_Set,Validation_Set}/<video>.txt, e.g. "Third ABAW Annotations/EXPR_Classification_Challenge/" (pass --annotations when it is elsewhere)',
];

/** The EXPR annotation folders under `root`, two levels down at most. */
async function findAnnotations(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    for (const d of (await listFolder(dir)).dirs) {
      const p = path.join(dir, d);
      if (/^EXPR_/i.test(d) && ((await isDirectory(path.join(p, 'Train_Set'))) || (await isDirectory(path.join(p, 'Validation_Set'))))) found.push(p);
      else if (depth < 2) await visit(p, depth + 1);
    }
  };
  await visit(root, 1);
  return found;
}

type Read = { ok: true; labels: number[] } | { ok: false; reason: SkipReason; where: ItemWhere };

/** Reads one per-frame label file. */
async function readLabels(file: string): Promise<Read> {
  const labels: number[] = [];
  let header = true;
  for await (const { line, text } of readTextLines(file)) {
    const t = text.trim();
    if (header) {
      header = false;
      if (t.replace(/\s/g, '') !== AFFWILD2_HEADER) return { ok: false, reason: 'bad-annotation', where: { file, row: line, detail: `header '${t}' is not ${AFFWILD2_HEADER}` } };
      continue;
    }
    const v = Number(t);
    if (!Number.isInteger(v) || v < -1 || v >= AFFWILD2_CLASSES.length) {
      return { ok: false, reason: 'bad-annotation', where: { file, row: line, detail: `frame ${line - 1}: '${t}' is not a label (-1 invalid, 0..7)` } };
    }
    labels.push(v);
  }
  if (header) return { ok: false, reason: 'bad-annotation', where: { file, detail: 'the file is empty' } };
  return { ok: true, labels };
}

/** The most frequent valid label (lowest index on ties); -1 when none is valid. */
export function majorityLabel(labels: readonly number[]): number {
  const counts = new Array<number>(AFFWILD2_CLASSES.length).fill(0);
  for (const l of labels) if (l >= 0) counts[l]++;
  let best = -1;
  counts.forEach((n, i) => {
    if (n > 0 && (best < 0 || n > counts[best])) best = i;
  });
  return best;
}

/** Loads one split of Aff-Wild2's expression annotations (see the module comment). */
export async function loadAffWild2(opts: AffWild2Options): Promise<Corpus> {
  if (!opts?.root) throw new BenchError('BAD_INPUT', 'no Aff-Wild2 root given', { fix: 'pass --root <the Aff-Wild2 folder holding cropped_aligned/>' });
  const root = path.resolve(opts.root);
  const split = opts.split ?? 'val';
  if (!Object.hasOwn(AFFWILD2_SPLITS, split)) throw new BenchError('BAD_INPUT', `Aff-Wild2 has no split '${String(split)}' with labels`, { fix: 'use --split train or --split val' });
  await requireRootFolder('Aff-Wild2', root, LAYOUTS);
  const framesRoot = path.join(root, opts.framesDir ?? 'cropped_aligned');
  if (!(await isDirectory(framesRoot))) {
    throw videoLayoutError('Aff-Wild2', `${root} has no ${opts.framesDir ?? 'cropped_aligned'}/ folder; it contains: ${await describeFolder(root)}.`, root, 'point --root at the Aff-Wild2 folder holding cropped_aligned/', LAYOUTS);
  }
  let annotations: string;
  if (opts.annotations !== undefined) annotations = path.resolve(root, opts.annotations);
  else {
    const found = await findAnnotations(root);
    if (found.length !== 1) {
      throw videoLayoutError(
        'Aff-Wild2',
        found.length === 0 ? `no EXPR annotation folder under ${root}.` : `${found.length} EXPR annotation folders under ${root}: ${found.join(', ')}.`,
        root,
        'pass --annotations <the folder holding Train_Set/ and Validation_Set/>',
        LAYOUTS,
      );
    }
    annotations = found[0];
  }
  const labelsDir = path.join(annotations, AFFWILD2_SPLITS[split]);
  if (!(await isDirectory(labelsDir))) {
    throw videoLayoutError('Aff-Wild2', `${labelsDir} does not exist.`, root, `pass --annotations <the folder holding ${AFFWILD2_SPLITS[split]}/>`, LAYOUTS);
  }

  const skips = new SkipList();
  const txt = (await listFolder(labelsDir)).files.filter((n) => {
    if (n.toLowerCase().endsWith('.txt')) return true;
    skips.add('not-a-label-file', relativePosix(root, path.join(labelsDir, n)), { file: path.join(labelsDir, n) });
    return false;
  });
  const read = await mapLimit(txt, opts.concurrency ?? DEFAULT_FILE_CONCURRENCY, async (name) => {
    const file = path.join(labelsDir, name);
    const labels = await readLabels(file);
    return { name, file, labels, frames: labels.ok ? await checkFramesDir(path.join(framesRoot, stem(name))) : undefined };
  });
  const samples: Sample[] = [];
  const origins: ItemWhere[] = [];
  for (const { name, file, labels, frames } of read) {
    const id = stem(name);
    if (!labels.ok) {
      skips.add(labels.reason, id, labels.where);
      continue;
    }
    const label = majorityLabel(labels.labels);
    if (label < 0) {
      skips.add('no-valid-frames', id, { file, detail: `all ${labels.labels.length} frames are -1` });
      continue;
    }
    if (!frames!.ok) {
      skips.add(frames!.reason, id, frames!.where);
      continue;
    }
    const validFrames = labels.labels.filter((l) => l >= 0).length;
    samples.push({
      id,
      corpus: 'affwild2',
      split,
      label: AFFWILD2_CLASSES[label],
      group: id,
      source: { kind: 'frames-dir', dir: frames!.dir },
      meta: { frameLabels: labels.labels, validFrames, crops: frames!.frames },
    });
    origins.push({ file });
  }
  const sourceLabels: Record<string, Emotion | null> = { '-1': null };
  AFFWILD2_CLASSES.forEach((c, i) => (sourceLabels[String(i)] = c));
  return finishCorpus(
    { name: 'affwild2', root, split, layout: 'cropped-aligned', classes: [...AFFWILD2_CLASSES], sourceLabels, samples, skipped: skips.items },
    { checkFiles: opts.checkFiles, concurrency: opts.concurrency, origins },
  );
}
