/**
 * face-api's SSD MobileNet v1 face detector (weights bundled in @vladmandic/face-api, nothing to
 * download), run on the same TensorFlow.js backend as the tfjs engine: the second real detector beside
 * RetinaFace (slower, and no landmarks). Boxes are in the image's pixel coordinates, clipped to it,
 * best score first.
 */
import { join } from 'node:path';
import { initTfjsBackend, tf, type TfjsBackendOptions } from '../../models/engines/tfjs-backend.js';
import { faceApiModelDir, loadFaceApi, loadFaceApiNet } from '../../models/faceapi.js';
import { sha256File } from '../../util/hash.js';
import type { RgbImage } from '../image.js';
import { checkMinFaceSize, checkRgb, checkUnit } from './checks.js';
import type { DetectedFace, FaceDetector } from './detector.js';
import { clipBox } from './geometry.js';

export interface SsdDetectorOptions {
  /** Faces scoring below this are dropped; default 0.5. */
  minConfidence?: number;
  /** At most this many faces per image; default 100 (face-api's default). */
  maxResults?: number;
  /** Directory of `ssd_mobilenetv1_model-weights_manifest.json`; default the installed face-api's `model/`. */
  modelDir?: string;
  /** tfjs backend; default `auto` (tfjs-node if installed, else wasm). */
  backend?: TfjsBackendOptions['backend'];
  /** Drop faces whose shorter side is below this many pixels; default 0. */
  minFaceSize?: number;
}

/** face-api's SSD MobileNet v1 face detector. */
export async function createSsdDetector(opts: SsdDetectorOptions = {}): Promise<FaceDetector> {
  const minConfidence = checkUnit('minConfidence', opts.minConfidence ?? 0.5);
  const maxResults = opts.maxResults ?? 100;
  const minFaceSize = checkMinFaceSize(opts.minFaceSize ?? 0);
  await initTfjsBackend({ backend: opts.backend });
  const faceapi = await loadFaceApi();
  const modelDir = opts.modelDir ?? faceApiModelDir();
  const net = await loadFaceApiNet(new faceapi.SsdMobilenetv1(), modelDir, 'SSD MobileNet v1 face detector');
  const weightsSha256 = await sha256File(join(modelDir, 'ssd_mobilenetv1_model.bin')).catch(() => '');
  const options = new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults });

  return {
    name: 'face-api/ssd_mobilenetv1',
    identity: { name: 'face-api/ssd_mobilenetv1', params: { minConfidence, maxResults, minFaceSize }, weightsSha256 },
    async detect(image: RgbImage): Promise<DetectedFace[]> {
      checkRgb(image);
      const { data, width, height } = image;
      const pixels = tf.tensor3d(data, [height, width, 3], 'int32');
      try {
        const found = await net.locateFaces(pixels, options);
        return found
          .map((f) => ({ box: clipBox({ x: f.box.x, y: f.box.y, width: f.box.width, height: f.box.height }, width, height), score: f.score }))
          .filter((f) => f.box.width > 0 && f.box.height > 0 && Math.min(f.box.width, f.box.height) >= minFaceSize)
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
