/**
 * Opens a face source from a plain description, so the CLI, notebooks and run records name face sources
 * the same way: `retinaface` (the default: RetinaFace MobileNet-0.25, EMO-AffectNet's detector family),
 * `ssd` (face-api's SSD MobileNet v1), `boxes` (a CSV of boxes made elsewhere, e.g. by the papers' MTCNN
 * or RetinaFace, replayed exactly) or `precropped` (the frames already are face crops).
 */
import { BenchError } from '../../errors.js';
import { suggestion } from '../../util/did-you-mean.js';
import { createBoxesCsvSource, createPrecroppedSource } from './boxes-csv.js';
import type { FaceDetector } from './detector.js';
import { createSsdDetector } from './faceapi-ssd.js';
import { createRetinaFaceDetector } from './retinaface.js';

export const FACE_SOURCES = ['retinaface', 'ssd', 'boxes', 'precropped'] as const;
export type FaceSourceKind = (typeof FACE_SOURCES)[number];

export interface FaceSourceSpec {
  kind: FaceSourceKind;
  /** Detectors: keep faces scoring at least this. Default each detector's own (RetinaFace 0.7, SSD 0.5). */
  confidence?: number;
  /** Detectors: drop faces whose shorter side is below this many pixels. Default 0. */
  minFaceSize?: number;
  /** `boxes`: the CSV file (`clip,frame,x,y,width,height[,score]`). */
  file?: string;
  /** `boxes`: the number of the first frame in the CSV. Default 0. */
  frameBase?: 0 | 1;
  /** RetinaFace: ORT intra-op threads. Default 0 (ORT decides). */
  threads?: number;
}

export async function openFaceSource(spec: FaceSourceSpec): Promise<FaceDetector> {
  switch (spec.kind) {
    case 'retinaface':
      return createRetinaFaceDetector({ confidence: spec.confidence, minFaceSize: spec.minFaceSize, threads: spec.threads });
    case 'ssd':
      return createSsdDetector({ minConfidence: spec.confidence, minFaceSize: spec.minFaceSize });
    case 'boxes':
      if (!spec.file) throw new BenchError('BAD_INPUT', 'the boxes face source needs its CSV file', { fix: 'pass --faces boxes:<file.csv> (columns clip,frame,x,y,width,height[,score])' });
      return createBoxesCsvSource(spec.file, { frameBase: spec.frameBase });
    case 'precropped':
      return createPrecroppedSource();
    default:
      throw new BenchError('BAD_INPUT', `unknown face source '${String(spec.kind)}'.${suggestion(String(spec.kind), FACE_SOURCES)}`, { fix: `use one of: ${FACE_SOURCES.join(', ')}` });
  }
}
