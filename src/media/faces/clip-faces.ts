/**
 * The whole media stage for one clip, as the runner calls it: frames (from a video or a frames folder) →
 * detections (cached) → the policy's faces, with face-found recorded on every sampled frame.
 *
 *   const opened = await openClipFaces(sample.source, { detector, cache, selection: { policy: 'largest' } });
 *   if (!opened.ok) skip(opened.reason);
 *   else {
 *     for await (const f of opened.frames) if (f.found) classify(crop(f.image, f.boxes[0]));
 *     const noFace = opened.tally.clipSkip();   // `no-face` when no sampled frame had one
 *   }
 *
 * Boxes are in the pixels of `image` (the decoded frame, downscaled when `maxWidth` asked for it).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SampleSource } from '../../datasets/sample.js';
import { BenchError } from '../../errors.js';
import { sha256File } from '../../util/hash.js';
import type { RgbImage } from '../image.js';
import { decodeKey, openVideo, type DecodeOptions } from '../video/decode.js';
import { listFramesDir, readFramesDir, type DirFrame } from '../video/frames-dir.js';
import { videoSkip, type VideoResult, type VideoSkip } from '../video/skip.js';
import type { DetectionCache } from './cache.js';
import { detectFrames, type FrameLike } from './detect-frames.js';
import type { DetectedFace, FaceDetector } from './detector.js';
import { createFaceSelector, type FaceSelectionOptions } from './select.js';

export interface ClipFacesOptions {
  detector: FaceDetector;
  /** Sampling, maxWidth, read-ahead (the segment comes from the source). Default every frame. */
  decode?: Omit<DecodeOptions, 'start' | 'end'>;
  /** Default `{ policy: 'largest' }`. */
  selection?: FaceSelectionOptions;
  /** Reuse and store detections (the clip is hashed to key them). */
  cache?: DetectionCache;
  /** The clip id the boxes-CSV source looks up; default the file name without extension. */
  clip?: string;
  /** Frame rate of a frames folder, for fps-based sampling and timestamps; default 25. */
  framesDirFps?: number;
}

export interface FaceFrame {
  index: number;
  timeSec: number;
  image: RgbImage;
  /** At least one face to score on this frame (a tracked box reused on a missed frame counts). */
  found: boolean;
  /** The boxes to crop, margin applied, in `image` pixels. */
  boxes: FaceFrameBox[];
  /** Every face the detector returned on this frame, before the policy. */
  detections: DetectedFace[];
  reused: boolean;
  fromCache: boolean;
}

export type FaceFrameBox = DetectedFace['box'];

/** What a clip's frames gave, counted as they streamed. */
export class FaceTally {
  framesSampled = 0;
  framesWithFace = 0;
  framesReused = 0;
  /** Frames of a frames folder that could not be decoded, by reason. */
  readonly badFrames: Record<string, number> = {};
  constructor(readonly file: string) {}

  /** `no-face` when not one sampled frame had a face to score; null otherwise. */
  clipSkip(): VideoSkip | null {
    return this.framesWithFace > 0 ? null : videoSkip('no-face', `no face on any of the ${this.framesSampled} sampled frames`, this.file);
  }
}

export type ClipFacesResult = VideoResult<{ frames: AsyncIterable<FaceFrame>; tally: FaceTally; fps: number }>;

const baseName = (p: string): string => (p.split(/[\\/]/).filter(Boolean).at(-1) ?? p).replace(/\.[^.]+$/, '');

export async function openClipFaces(source: SampleSource, opts: ClipFacesOptions): Promise<ClipFacesResult> {
  const selector = () => createFaceSelector(opts.selection ?? { policy: 'largest' });
  if (source.kind === 'video') {
    const decode: DecodeOptions = { ...opts.decode, start: source.start, end: source.end };
    const opened = await openVideo(source.path, decode);
    if (!opened.ok) return opened;
    const key = opts.cache ? { videoSha256: await sha256File(source.path), decode: decodeKey(decode) } : undefined;
    const tally = new FaceTally(source.path);
    return { ok: true, tally, fps: opened.clip.info.fps, frames: withFaces(opened.clip.frames, opts, key, opts.clip ?? baseName(source.path), tally, selector) };
  }
  if (source.kind === 'frames-dir') {
    const listed = await listFramesDir(source.dir);
    if (!listed.ok) return listed;
    const fps = opts.framesDirFps ?? 25;
    const key = opts.cache ? { videoSha256: await hashFrames(source.dir, listed.frames), decode: { ...decodeKey(opts.decode), framesDirFps: fps } } : undefined;
    const tally = new FaceTally(source.dir);
    const frames = (async function* () {
      for await (const f of readFramesDir(source.dir, listed.frames, { sampling: opts.decode?.sampling, fps, readAhead: opts.decode?.readAhead })) {
        if (!f.decoded.ok) {
          tally.badFrames[f.decoded.reason] = (tally.badFrames[f.decoded.reason] ?? 0) + 1;
          continue;
        }
        yield { index: f.index, timeSec: f.index / fps, image: f.decoded.image, noface: f.noface };
      }
    })();
    return { ok: true, tally, fps, frames: withFaces(frames, opts, key, opts.clip ?? baseName(source.dir), tally, selector) };
  }
  throw new BenchError('BAD_INPUT', `an image sample has no frames (source kind ${source.kind})`, { fix: 'use the image pipeline (preprocess) for image samples' });
}

async function* withFaces(
  frames: AsyncIterable<FrameLike & { timeSec: number }>,
  opts: ClipFacesOptions,
  key: { videoSha256: string; decode: Record<string, unknown> } | undefined,
  clip: string,
  tally: FaceTally,
  selector: () => ReturnType<typeof createFaceSelector>,
): AsyncGenerator<FaceFrame> {
  const select = selector();
  for await (const { frame, faces, fromCache } of detectFrames(frames, { detector: opts.detector, cache: opts.cache, key, clip })) {
    const s = select(faces, frame.image.width, frame.image.height);
    tally.framesSampled++;
    if (s.found) tally.framesWithFace++;
    if (s.reused) tally.framesReused++;
    yield { index: frame.index, timeSec: frame.timeSec, image: frame.image, found: s.found, boxes: s.boxes, detections: faces, reused: s.reused, fromCache };
  }
}

/** A frames folder's identity: the names and bytes of its frame files, in order. */
async function hashFrames(dir: string, frames: readonly DirFrame[]): Promise<string> {
  const h = createHash('sha256');
  for (const f of frames) h.update(f.file).update('\0').update(await readFile(join(dir, f.file))).update('\0');
  return h.digest('hex');
}
