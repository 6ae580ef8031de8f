/**
 * The face-detector contract every source implements: a real detector (RetinaFace, face-api SSD), boxes
 * replayed from a CSV, or pre-cropped faces. Boxes are in the pixel coordinates of the image passed in,
 * clipped to it, best score first.
 *
 * A detector's identity is its name, its parameters and the sha256 of its weights (or of its boxes
 * file): `detectorKey` hashes that, and the detection cache files results under it, so two runs with
 * different thresholds never share cached boxes.
 */
import type { Box } from '../../datasets/sample.js';
import { sha256Json, fileSafe, shortHash } from '../../util/hash.js';
import type { RgbImage } from '../image.js';

/** A landmark point [x, y] in pixels. */
export type Point = [number, number];

export interface DetectedFace {
  /** Pixel box in the input image (floats; `x, y` top-left). */
  box: Box;
  /** Detector confidence in [0, 1] (1 for replayed boxes without a score). */
  score: number;
  /** Five points when the detector gives them: left eye, right eye, nose, left and right mouth corners (as seen in the image). */
  landmarks?: Point[];
}

/** Where a frame comes from, for sources that look boxes up rather than compute them. */
export interface FrameContext {
  /** Clip id (the boxes CSV's `clip` column). */
  clip?: string;
  /** 0-based frame index in the clip. */
  frame?: number;
  /** The frame's file carries the `noface` marker (pre-extracted crops). */
  noface?: boolean;
}

export interface DetectorIdentity {
  /** e.g. `retinaface/mnet.25_v2`, `face-api/ssd_mobilenetv1`, `boxes-csv`. */
  name: string;
  /** Every setting that changes the boxes (thresholds, input size…). */
  params: Record<string, string | number | boolean>;
  /** sha256 of the weights file (or the boxes CSV); empty for sources with none. */
  weightsSha256: string;
}

export interface FaceDetector {
  /** Identifies the detector in run records, e.g. `face-api/ssd_mobilenetv1`. */
  readonly name: string;
  readonly identity: DetectorIdentity;
  /** Faces found in an 8-bit RGB HWC image, best first; empty when there is none. */
  detect(image: RgbImage, context?: FrameContext): Promise<DetectedFace[]>;
  dispose(): Promise<void>;
}

/** A file-name-safe key for a detector identity: `<name>-<12 hex of its hash>`. */
export function detectorKey(identity: DetectorIdentity): string {
  return `${fileSafe(identity.name)}-${shortHash(sha256Json(identity))}`;
}
