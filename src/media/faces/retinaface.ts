/**
 * RetinaFace MobileNet-0.25 (insightface's `mnet.25`, the detector family EMO-AffectNet used), run on
 * onnxruntime-node. The weights ship in the `retinaface` npm package (`mnet.25_v2.onnx`, 2 MB), so nothing
 * is downloaded. That package's own JS targets browsers (canvas, onnxruntime-web); only its weights file
 * is used, and the decoding is written here, after insightface's `retinaface.py`:
 *
 * - Input: 1×3×640×640 float, RGB, raw 0–255 (insightface's mnet config: mean 0, std 1, scale 1). The frame
 *   is letterboxed: resized by min(640/w, 640/h) with cv2's INTER_LINEAR into the top-left corner, the
 *   rest zero.
 * - Anchors: strides 32/16/8, two square anchors per cell, side 16·{32,16} / 16·{8,4} / 16·{2,1}, centred
 *   on (7.5 + j·stride, 7.5 + i·stride) (insightface's legacy "+1" box convention).
 * - Boxes: centre += d·size, size ·= exp(d); landmarks = 0.2·d·size + centre (landmark_std 0.2).
 * - Faces scoring at or below `confidence` are dropped, then greedy NMS at `nmsIou` (insightface: 0.4, with
 *   its inclusive "+1" box areas), boxes
 *   mapped back to the frame and clipped to it (as EMO-AffectNet clips them), five landmarks kept.
 *
 * Licence of the weights: the npm package is MIT, but the weights are insightface's pretrained RetinaFace,
 * which insightface releases for non-commercial research use only. Fine for benchmarking; check before
 * shipping them in a product.
 *
 * Checked against scripts/retinaface-reference.py (the same weights on OpenCV's DNN module, decoded in
 * numpy as insightface does): same faces, boxes and landmarks within a fraction of a pixel.
 */
import { createRequire } from 'node:module';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { BenchError } from '../../errors.js';
import { loadOrt } from '../../models/engines/onnx.js';
import { refuseEscapingExternalData } from '../../models/onnx-external-data.js';
import { sha256File } from '../../util/hash.js';
import type { RgbImage } from '../image.js';
import { resizeRgb } from '../resize.js';
import type { DetectedFace, FaceDetector, Point } from './detector.js';
import { checkMinFaceSize, checkRgb, checkUnit } from './checks.js';
import { clipBox, nms } from './geometry.js';

export interface RetinaFaceOptions {
  /** Keep faces scoring above this; default 0.7 (EMO-AffectNet's `--conf_d`). */
  confidence?: number;
  /** NMS IoU threshold; default 0.4 (insightface's). */
  nmsIou?: number;
  /** Drop faces whose shorter side is below this many pixels of the input frame; default 0 (keep all). */
  minFaceSize?: number;
  /** At most this many faces, best first; default unlimited. */
  maxFaces?: number;
  /** The .onnx file; default `mnet.25_v2.onnx` from the installed `retinaface` package. */
  modelPath?: string;
  /** ORT intra-op threads; default 0 (ORT decides). */
  threads?: number;
}

const INPUT = 640;
/** The v2 weights were trained with landmark deltas scaled by 0.2 (insightface's `landmark_std`); checked on the fixture photos' eyes. */
const LANDMARK_STD = 0.2;
const STRIDES = [
  { stride: 32, scales: [32, 16] },
  { stride: 16, scales: [8, 4] },
  { stride: 8, scales: [2, 1] },
] as const;

/** The weights file in the installed `retinaface` package. */
export function defaultRetinaFaceModel(): string {
  return createRequire(import.meta.url).resolve('retinaface/mnet.25_v2.onnx');
}

export async function createRetinaFaceDetector(opts: RetinaFaceOptions = {}): Promise<FaceDetector> {
  const confidence = checkUnit('confidence', opts.confidence ?? 0.7);
  const nmsIou = checkUnit('nmsIou', opts.nmsIou ?? 0.4);
  const minFaceSize = checkMinFaceSize(opts.minFaceSize ?? 0);
  const maxFaces = opts.maxFaces ?? Infinity;
  let modelPath: string;
  try {
    modelPath = opts.modelPath ?? defaultRetinaFaceModel();
  } catch (e) {
    throw new BenchError('WEIGHTS_MISSING', 'the RetinaFace weights (retinaface/mnet.25_v2.onnx) are not installed', { fix: 'run `npm ci` (the `retinaface` package ships them)', cause: e });
  }
  await refuseEscapingExternalData(modelPath);
  const ort = await loadOrt();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: opts.threads ?? 0, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  } catch (e) {
    throw new BenchError('WEIGHTS_MISSING', `cannot load the RetinaFace model: ${(e as Error).message}`, { file: modelPath, fix: 'reinstall the `retinaface` package (npm ci)', cause: e });
  }
  const weightsSha256 = await sha256File(modelPath);
  const input = new Float32Array(3 * INPUT * INPUT);
  const plane = INPUT * INPUT;
  const anchors = STRIDES.map(({ stride, scales }) => ({ stride, sizes: scales.map((s) => 16 * s), cells: INPUT / stride }));

  return {
    name: 'retinaface/mnet.25_v2',
    identity: { name: 'retinaface/mnet.25_v2', params: { confidence, nmsIou, minFaceSize, maxFaces: Number.isFinite(maxFaces) ? maxFaces : 0, input: INPUT }, weightsSha256 },
    async detect(image: RgbImage): Promise<DetectedFace[]> {
      checkRgb(image);
      const scale = Math.min(INPUT / image.width, INPUT / image.height);
      const rw = Math.max(1, Math.min(INPUT, Math.round(image.width * scale)));
      const rh = Math.max(1, Math.min(INPUT, Math.round(image.height * scale)));
      const resized = rw === image.width && rh === image.height ? image : resizeRgb(image, { width: rw, height: rh, kernel: 'cv2' });
      input.fill(0);
      const px = resized.data;
      for (let y = 0; y < rh; y++) {
        for (let x = 0; x < rw; x++) {
          const s = (y * rw + x) * 3;
          const d = y * INPUT + x;
          input[d] = px[s];
          input[d + plane] = px[s + 1];
          input[d + 2 * plane] = px[s + 2];
        }
      }
      const out = await session.run({ data: new ort.Tensor('float32', input, [1, 3, INPUT, INPUT]) });
      const found: DetectedFace[] = [];
      for (const { stride, sizes, cells } of anchors) {
        const cls = out[`face_rpn_cls_prob_reshape_stride${stride}`] as OrtTensor;
        const reg = out[`face_rpn_bbox_pred_stride${stride}`] as OrtTensor;
        const lmk = out[`face_rpn_landmark_pred_stride${stride}`] as OrtTensor;
        decodeStride(cls.data as Float32Array, reg.data as Float32Array, lmk.data as Float32Array, stride, sizes, cells, confidence, scale, found);
      }
      found.sort((a, b) => b.score - a.score);
      const kept: DetectedFace[] = [];
      for (const f of nms(found, nmsIou, true)) {
        const box = clipBox(f.box, image.width, image.height);
        if (box.width <= 0 || box.height <= 0 || Math.min(box.width, box.height) < minFaceSize) continue;
        kept.push({ ...f, box });
        if (kept.length >= maxFaces) break;
      }
      return kept;
    },
    async dispose() {
      await session.release();
    },
  };
}

function decodeStride(
  cls: Float32Array,
  reg: Float32Array,
  lmk: Float32Array,
  stride: number,
  sizes: readonly number[],
  cells: number,
  confidence: number,
  scale: number,
  out: DetectedFace[],
): void {
  const A = sizes.length;
  const hw = cells * cells;
  for (let a = 0; a < A; a++) {
    const size = sizes[a];
    const scores = (A + a) * hw;
    for (let i = 0; i < cells; i++) {
      for (let j = 0; j < cells; j++) {
        const cell = i * cells + j;
        const score = cls[scores + cell];
        if (!(score > confidence)) continue;
        const cx = 7.5 + j * stride;
        const cy = 7.5 + i * stride;
        const r = 4 * a * hw + cell;
        const pcx = reg[r] * size + cx;
        const pcy = reg[r + hw] * size + cy;
        const pw = Math.exp(reg[r + 2 * hw]) * size;
        const ph = Math.exp(reg[r + 3 * hw]) * size;
        const x0 = pcx - 0.5 * (pw - 1);
        const y0 = pcy - 0.5 * (ph - 1);
        const x1 = pcx + 0.5 * (pw - 1);
        const y1 = pcy + 0.5 * (ph - 1);
        const l = 10 * a * hw + cell;
        const lsize = LANDMARK_STD * size;
        const landmarks: Point[] = [];
        for (let p = 0; p < 5; p++) {
          landmarks.push([(lmk[l + 2 * p * hw] * lsize + cx) / scale, (lmk[l + (2 * p + 1) * hw] * lsize + cy) / scale]);
        }
        out.push({ box: { x: x0 / scale, y: y0 / scale, width: (x1 - x0) / scale, height: (y1 - y0) / scale }, score, landmarks });
      }
    }
  }
}
