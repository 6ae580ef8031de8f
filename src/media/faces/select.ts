/**
 * From a frame's detections to the face(s) a model scores, and a face-found flag for every frame:
 *
 * - `largest`: the face with the largest box (one speaker: AFEW, RAVDESS); ties go to the higher score.
 * - `best`: the highest-scoring face (HSEmotion's `save_faces` takes MTCNN's first box).
 * - `all`: every face (VGAF group videos).
 * - `track` (with `largest` or `best`): HSEmotion's aligned variant — once a face is chosen, the next
 *   frame's face is the detection overlapping it most (IoU), and on a frame with no detection the
 *   previous box is reused for up to `maxMissed` (3) frames in a row. See `IouTracker`.
 * - `margin`: grows each box before cropping, as a fraction of its size per side or in pixels in total
 *   (facenet/HSEmotion's `margin=44` adds 22 px on each side); clipped to the frame.
 */
import type { Box } from '../../datasets/sample.js';
import { BenchError } from '../../errors.js';
import type { DetectedFace } from './detector.js';
import { area, clipBox, iou } from './geometry.js';

export type FacePolicy = 'largest' | 'best' | 'all';

export interface Margin {
  /** Added on each side as a fraction of the box's width (height): 0.1 makes it 1.2× as wide. */
  fraction?: number;
  /** Added in total to width and height, half on each side (facenet's convention). */
  pixels?: number;
}

export interface FaceSelectionOptions {
  /** Default `largest`. */
  policy?: FacePolicy;
  /** Track across frames (IoU, reuse the previous box on missed frames); not with `all`. Default false. */
  track?: boolean | { maxMissed?: number };
  /** Default none. */
  margin?: Margin;
}

/** The faces a policy keeps from one frame's detections (best first in, in policy order out). */
export function selectFaces(faces: readonly DetectedFace[], policy: FacePolicy): DetectedFace[] {
  if (faces.length === 0) return [];
  switch (policy) {
    case 'all':
      return [...faces];
    case 'best':
      return [faces.reduce((a, b) => (b.score > a.score ? b : a))];
    case 'largest':
      return [faces.reduce((a, b) => (area(b.box) > area(a.box) || (area(b.box) === area(a.box) && b.score > a.score) ? b : a))];
    default:
      throw new BenchError('BAD_INPUT', `unknown face policy "${policy as string}"`, { fix: 'use largest, best or all' });
  }
}

/** A box grown by a margin and clipped to a width×height frame. */
export function expandBox(box: Box, margin: Margin, width: number, height: number): Box {
  const mx = (margin.fraction ?? 0) * box.width + (margin.pixels ?? 0) / 2;
  const my = (margin.fraction ?? 0) * box.height + (margin.pixels ?? 0) / 2;
  return clipBox({ x: box.x - mx, y: box.y - my, width: box.width + 2 * mx, height: box.height + 2 * my }, width, height);
}

export interface TrackStep {
  face: DetectedFace | null;
  /** The face is the previous frame's box, reused because this frame had no detection. */
  reused: boolean;
}

/** One face followed through a clip by IoU; create one per clip. */
export class IouTracker {
  private prev: DetectedFace | null = null;
  private missed = 0;
  readonly maxMissed: number;

  constructor(opts: { maxMissed?: number } = {}) {
    this.maxMissed = opts.maxMissed ?? 3;
    if (!Number.isInteger(this.maxMissed) || this.maxMissed < 0) {
      throw new BenchError('BAD_INPUT', `maxMissed must be an integer ≥ 0, got ${this.maxMissed}`, { fix: 'pass e.g. maxMissed: 3' });
    }
  }

  /**
   * The tracked face on the next frame. With detections: the one overlapping the previous face most (the
   * first candidate when none overlaps, or on the first face of the clip). Without: the previous face,
   * while at most `maxMissed` frames in a row have been missed; then none (the last box is still
   * remembered, so the face is matched again when it reappears).
   */
  next(candidates: readonly DetectedFace[]): TrackStep {
    if (candidates.length > 0) {
      let pick = candidates[0];
      if (this.prev) {
        let best = 0;
        for (const c of candidates) {
          const o = iou(c.box, this.prev.box);
          if (o > best) [best, pick] = [o, c];
        }
      }
      this.prev = pick;
      this.missed = 0;
      return { face: pick, reused: false };
    }
    if (this.prev && this.missed < this.maxMissed) {
      this.missed++;
      return { face: this.prev, reused: true };
    }
    if (this.prev) this.missed++;
    return { face: null, reused: false };
  }
}

export interface FrameFaces {
  /** At least one face is scored on this frame (a reused box counts). */
  found: boolean;
  /** Boxes to crop (margin applied), in frame pixels. */
  boxes: Box[];
  /** The faces they came from. */
  faces: DetectedFace[];
  reused: boolean;
}

/** A per-clip function from each frame's detections to what is scored; create one per clip. */
export function createFaceSelector(opts: FaceSelectionOptions = {}): (faces: readonly DetectedFace[], width: number, height: number) => FrameFaces {
  const policy = opts.policy ?? 'largest';
  if (opts.track && policy === 'all') {
    throw new BenchError('BAD_INPUT', 'tracking follows one face; it cannot be combined with the `all` policy', { fix: 'use policy largest or best with track, or all without it' });
  }
  const tracker = opts.track ? new IouTracker(typeof opts.track === 'object' ? opts.track : {}) : null;
  return (detections, width, height) => {
    let faces: DetectedFace[];
    let reused = false;
    if (tracker) {
      // The tracker picks among all detections (the face it follows need not stay the largest); the
      // policy's pick goes first, so it is the one taken when nothing overlaps the previous face.
      const [pick] = selectFaces(detections, policy);
      const step = tracker.next(pick ? [pick, ...detections.filter((d) => d !== pick)] : []);
      faces = step.face ? [step.face] : [];
      reused = step.reused;
    } else {
      faces = selectFaces(detections, policy);
    }
    const boxes = faces.map((f) => (opts.margin ? expandBox(f.box, opts.margin, width, height) : { ...f.box }));
    return { found: faces.length > 0, boxes, faces, reused };
  };
}
