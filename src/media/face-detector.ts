/**
 * Face detection, pluggable: anything with `detect(image) → faces` is a FaceDetector. The one shipped
 * is face-api's SSD MobileNet v1 (weights bundled in @vladmandic/face-api, nothing to download), run on
 * the same TensorFlow.js backend as the tfjs engine. Boxes are in the image's pixel coordinates,
 * clipped to it, best score first.
 */
import type { Box } from '../datasets/sample.js';
import { BenchError } from '../errors.js';
import { initTfjsBackend, tf, type TfjsBackendOptions } from '../models/engines/tfjs-backend.js';
import { faceApiModelDir, loadFaceApi, loadFaceApiNet } from '../models/faceapi.js';
import type { RgbImage } from './image.js';

export interface DetectedFace {
  /** Pixel box in the input image (floats; `x, y` top-left). */
  box: Box;
  /** Detector confidence in [0, 1]. */
  score: number;
}

export interface FaceDetector {
  /** Identifies the detector in run records, e.g. `face-api/ssd_mobilenetv1`. */
  readonly name: string;
  /** Faces found in an 8-bit RGB HWC image, best first; empty when there is none. */
  detect(image: RgbImage): Promise<DetectedFace[]>;
  dispose(): Promise<void>;
}

export interface FaceDetectorOptions {
  /** Faces scoring below this are dropped; default 0.5. */
  minConfidence?: number;
  /** At most this many faces per image; default 100 (face-api's default). */
  maxResults?: number;
  /** Directory of `ssd_mobilenetv1_model-weights_manifest.json`; default the installed face-api's `model/`. */
  modelDir?: string;
  /** tfjs backend; default `auto` (tfjs-node if installed, else wasm). */
  backend?: TfjsBackendOptions['backend'];
}

function clipBox(b: Box, width: number, height: number): Box {
  const x = Math.min(Math.max(b.x, 0), width);
  const y = Math.min(Math.max(b.y, 0), height);
  return { x, y, width: Math.min(b.x + b.width, width) - x, height: Math.min(b.y + b.height, height) - y };
}

/** face-api's SSD MobileNet v1 face detector. */
export async function createFaceDetector(opts: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const minConfidence = opts.minConfidence ?? 0.5;
  const maxResults = opts.maxResults ?? 100;
  if (!(minConfidence >= 0 && minConfidence <= 1)) {
    throw new BenchError('BAD_INPUT', `minConfidence must be in [0, 1], got ${minConfidence}`, { fix: 'pass a detector confidence threshold such as 0.5' });
  }
  await initTfjsBackend({ backend: opts.backend });
  const faceapi = await loadFaceApi();
  const net = await loadFaceApiNet(new faceapi.SsdMobilenetv1(), opts.modelDir ?? faceApiModelDir(), 'SSD MobileNet v1 face detector');
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults });

  return {
    name: 'face-api/ssd_mobilenetv1',
    async detect(image: RgbImage): Promise<DetectedFace[]> {
      const { data, width, height } = image;
      if (data.length !== width * height * 3) {
        throw new BenchError('BAD_INPUT', `an RGB image of ${width}×${height} needs ${width * height * 3} bytes, got ${data.length}`, {
          fix: 'pass decoded 8-bit RGB pixels (decodeImage)',
        });
      }
      const pixels = tf.tensor3d(data, [height, width, 3], 'int32');
      try {
        const found = await net.locateFaces(pixels, options);
        return found
          .map((f) => ({ box: clipBox({ x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height }, width, height), score: f.score }))
          .filter((f) => f.box.width > 0 && f.box.height > 0)
          .sort((a, b) => b.score - a.score);
      } finally {
        pixels.dispose();
      }
    },
    async dispose() {
      net.dispose(false);
    },
  };
}
