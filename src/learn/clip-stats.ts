/**
 * Clip descriptors of HSEmotion's video protocols (shared/reference/corpora.md §2–3): statistics of
 * per-frame (or per-face) embeddings that turn a clip of any length into one fixed-length vector for
 * an SVM. All arithmetic is float64; Float32Array embeddings are accepted as they come.
 *
 * - AFEW: concat(mean, std, min, max) over the frames with a face → 4·D (5,120 for B0's 1,280).
 * - VGAF: per frame, concat(mean, std) over its faces → 2·D; per video, concat(mean, std) over those
 *   frame vectors → 4·D (5,632 for B2's 1,408). A frame without faces has no vector (HSEmotion only
 *   wrote folders for frames with faces).
 * - std is numpy's default, the population sd (ddof=0): one frame gives std 0.
 * - A clip with no face at all gets the zero vector (HSEmotion's "complete" accuracy scores it
 *   anyway); L2 normalisation leaves it zero, as sklearn's `normalize` does.
 */
import { BenchError } from '../errors.js';
import { type Matrix } from './matrix.js';

type Rows = readonly ArrayLike<number>[];

function badClip(message: string, clip: string | undefined, row: number | undefined, fix: string): BenchError {
  return new BenchError('BAD_INPUT', clip === undefined ? message : `clip ${clip}: ${message}`, { row, fix });
}

/** Checks every embedding has `dim` finite values; errors carry `row` (the frame), or the 1-based index. */
function checkRows(rows: Rows, dim: number, clip: string | undefined, what: string, row?: number): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.length !== dim) throw badClip(`${what} ${i + 1} has ${r.length} values, expected ${dim}`, clip, row ?? i + 1, 'give every embedding the model’s embedding size');
    for (let j = 0; j < dim; j++) {
      if (!Number.isFinite(r[j])) throw badClip(`${what} ${i + 1}, value ${j} is ${r[j]}`, clip, row ?? i + 1, 'the model produced a non-finite embedding: check the face crop and the model output');
    }
  }
}

/** Writes mean then population std over `rows` into out[offset ..], each `dim` long. */
function meanStd(rows: Rows, dim: number, out: Float64Array, offset: number): void {
  const n = rows.length;
  for (const r of rows) for (let j = 0; j < dim; j++) out[offset + j] += r[j];
  for (let j = 0; j < dim; j++) out[offset + j] /= n;
  for (const r of rows) {
    for (let j = 0; j < dim; j++) {
      const c = r[j] - out[offset + j];
      out[offset + dim + j] += c * c;
    }
  }
  for (let j = 0; j < dim; j++) out[offset + dim + j] = Math.sqrt(out[offset + dim + j] / n);
}

/**
 * AFEW descriptor: concat(mean, std, min, max) over the frames with a face (all of them unless
 * `isFace` says otherwise), length 4·dim; zeros when no frame has a face.
 */
export function afewDescriptor(frames: Rows, dim: number, isFace?: ArrayLike<boolean | number>, clip?: string): Float64Array {
  if (isFace && isFace.length !== frames.length) throw badClip(`isFace has ${isFace.length} flags for ${frames.length} frames`, clip, undefined, 'give one face flag per frame');
  const faces = isFace ? frames.filter((_, i) => Boolean(isFace[i])) : frames;
  checkRows(faces, dim, clip, 'frame');
  const out = new Float64Array(4 * dim);
  if (faces.length === 0) return out;
  meanStd(faces, dim, out, 0);
  for (let j = 0; j < dim; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of faces) {
      if (r[j] < lo) lo = r[j];
      if (r[j] > hi) hi = r[j];
    }
    out[2 * dim + j] = lo;
    out[3 * dim + j] = hi;
  }
  return out;
}

/**
 * VGAF descriptor from frames × faces × dim: per frame mean/std over its faces, then mean/std of those
 * over frames; length 4·dim. Frames without faces are skipped; zeros when no frame has one.
 */
export function vgafDescriptor(frames: readonly Rows[], dim: number, clip?: string): Float64Array {
  const perFrame: Float64Array[] = [];
  frames.forEach((faces, f) => {
    if (faces.length === 0) return;
    checkRows(faces, dim, clip, `frame ${f + 1}, face`, f + 1);
    const v = new Float64Array(2 * dim);
    meanStd(faces, dim, v, 0);
    perFrame.push(v);
  });
  const out = new Float64Array(4 * dim);
  if (perFrame.length > 0) meanStd(perFrame, 2 * dim, out, 0);
  return out;
}

/** v / ‖v‖₂ (a new array); the zero vector stays zero, as sklearn's normalize. */
export function l2Normalize(v: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j] * v[j];
  const norm = Math.sqrt(s);
  const out = Float64Array.from(v);
  if (norm > 0) for (let j = 0; j < out.length; j++) out[j] /= norm;
  return out;
}

export type ClipProtocol = 'afew' | 'vgaf';

export interface ClipInput {
  id: string;
  /** afew: frames × dim (the frames with a face, or all with `isFace`); vgaf: frames × faces × dim. */
  frames: Rows | readonly Rows[];
  /** afew only: which frames have a face. */
  isFace?: ArrayLike<boolean | number>;
}

export interface ClipDescriptors {
  ids: string[];
  /** One descriptor per clip (L2-normalised unless normalize: false). */
  X: Matrix;
  /** 1 where the clip had at least one face: its row belongs to the face subset ("Accuracy"). */
  hasFace: Uint8Array;
  /** How many clips, how many with faces, and how many scored with the zero vector (reason 'no-face'). */
  counts: { clips: number; withFaces: number; noFace: number };
}

/** Descriptors for a list of clips under one protocol, with the no-face clips counted. */
export function describeClips(clips: readonly ClipInput[], protocol: ClipProtocol, dim: number, options: { normalize?: boolean } = {}): ClipDescriptors {
  if (!Number.isInteger(dim) || dim < 1) throw new BenchError('BAD_INPUT', `the embedding size must be an integer ≥ 1, got ${dim}`, { fix: 'pass the model’s embedding size' });
  const normalize = options.normalize ?? true;
  const width = 4 * dim;
  const data = new Float64Array(clips.length * width);
  const hasFace = new Uint8Array(clips.length);
  clips.forEach((c, i) => {
    const raw = protocol === 'afew' ? afewDescriptor(c.frames as Rows, dim, c.isFace, c.id) : vgafDescriptor(c.frames as readonly Rows[], dim, c.id);
    hasFace[i] = hasAnyFace(c, protocol) ? 1 : 0;
    data.set(normalize ? l2Normalize(raw) : raw, i * width);
  });
  const withFaces = hasFace.reduce((a, b) => a + b, 0);
  return { ids: clips.map((c) => c.id), X: { rows: clips.length, cols: width, data }, hasFace, counts: { clips: clips.length, withFaces, noFace: clips.length - withFaces } };
}

function hasAnyFace(c: ClipInput, protocol: ClipProtocol): boolean {
  if (protocol === 'vgaf') return (c.frames as readonly Rows[]).some((f) => f.length > 0);
  if (c.isFace) return Array.from(c.isFace).some(Boolean);
  return c.frames.length > 0;
}
