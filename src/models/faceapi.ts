/**
 * The face-api expression network (@vladmandic/face-api 1.7.x, the 7-class FaceExpressionNet of
 * face-api.js) as an Engine: a model that works with nothing to download, the demo's embedded model.
 *
 * What face-api's own forward does (src/faceFeatureExtractor/FaceFeatureExtractor.ts, FaceExpressionNet.ts):
 *   input.toBatchTensor(112, true)                     square-pad (centred) and bilinear-resize to 112×112, RGB 0..255
 *   normalize(x, [122.782, 117.001, 104.298]).div(255)  (pixel − mean[c]) / 255
 *   4 dense blocks of depthwise-separable convs → avgPool 7×7 → 256 features → fc 7 → softmax
 * so its card input is RGB, NHWC, 112, scale 1, mean [122.782, 117.001, 104.298], std [255, 255, 255]
 * (`FACEAPI_EXPRESSION_INPUT`), and the outputs are probabilities in face-api's label order
 * (neutral, happy, sad, angry, fearful, disgusted, surprised), mapped to the canonical vocabulary explicitly.
 *
 * The shared media module applies the card's normalisation like for every model; face-api's forward
 * has it hard-coded, so the engine inverts it (x·255 + mean, exact to float32 rounding) and runs
 * face-api's own layers unchanged rather than a re-implementation of them. Outputs: `expression`
 * [B, 7] probabilities and `features` [B, 256], the bottleneck the classifier reads.
 *
 * The module is face-api's node-wasm build: it requires the same `@tensorflow/tfjs` as the rest of the
 * harness, so it runs on the backend `tfjs-backend.ts` chose.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import type { Emotion } from '../datasets/emotions.js';
import { BenchError } from '../errors.js';
import type { InputSpec, ModelCard } from './card.js';
import type { Engine, EngineInfo, Tensor } from './engines/engine.js';
import { checkBatch, type TfjsEngineOptions } from './engines/tfjs.js';
import { ensureTfjsBackend, initTfjsBackend, tf } from './engines/tfjs-backend.js';

const PACKAGE = '@vladmandic/face-api';

/** face-api's label order (FACE_EXPRESSION_LABELS), checked against the installed package at load. */
export const FACEAPI_EXPRESSION_LABELS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'] as const;
export type FaceApiExpressionLabel = (typeof FACEAPI_EXPRESSION_LABELS)[number];

/** Each face-api label's canonical emotion. */
export const FACEAPI_TO_EMOTION: Readonly<Record<FaceApiExpressionLabel, Emotion>> = {
  neutral: 'neutral',
  happy: 'happiness',
  sad: 'sadness',
  angry: 'anger',
  fearful: 'fear',
  disgusted: 'disgust',
  surprised: 'surprise',
};

/** The card's class list: face-api's output order in the canonical vocabulary. */
export const FACEAPI_EXPRESSION_CLASSES: readonly Emotion[] = FACEAPI_EXPRESSION_LABELS.map((l) => FACEAPI_TO_EMOTION[l]);

/** The card's input: what face-api's forward does to a face crop, in InputSpec terms (see the module comment). */
export const FACEAPI_EXPRESSION_INPUT: InputSpec = {
  name: 'input',
  size: 112,
  colorOrder: 'RGB',
  layout: 'NHWC',
  scale: 1,
  mean: [122.782, 117.001, 104.298],
  std: [255, 255, 255],
  // face-api pads the crop to a square, then resizes with tf.image.resizeBilinear.
  resize: 'tf-bilinear',
  fit: 'pad-square',
};

/** Output names of the expression engine. */
export const FACEAPI_OUTPUTS = { expression: 'expression', features: 'features' } as const;

// The parts of face-api used here, typed against our tfjs (face-api's .d.ts declares its own copy of tfjs's types).
interface NetInputLike {
  readonly batchSize: number;
}
interface FaceExpressionNetLike {
  readonly faceFeatureExtractor: { forwardInput(input: NetInputLike): tfTypes.Tensor4D };
  runNet(input: tfTypes.Tensor4D): tfTypes.Tensor2D;
  predictExpressions(input: tfTypes.Tensor): Promise<unknown>;
  loadFromDisk(dir: string): Promise<void>;
  dispose(throwOnRedispose?: boolean): void;
}
interface FaceDetectionLike {
  readonly score: number;
  readonly box: { x: number; y: number; width: number; height: number };
}
interface SsdMobilenetv1Like {
  locateFaces(input: tfTypes.Tensor3D, options: unknown): Promise<FaceDetectionLike[]>;
  loadFromDisk(dir: string): Promise<void>;
  dispose(throwOnRedispose?: boolean): void;
}
export interface FaceApiModule {
  readonly version: string;
  readonly FACE_EXPRESSION_LABELS: readonly string[];
  readonly FaceExpressionNet: new () => FaceExpressionNetLike;
  readonly SsdMobilenetv1: new () => SsdMobilenetv1Like;
  readonly SsdMobilenetv1Options: new (o: { minConfidence?: number; maxResults?: number }) => unknown;
  readonly NetInput: new (inputs: tfTypes.Tensor3D[], treatAsBatchInput?: boolean) => NetInputLike;
}

let modulePromise: Promise<FaceApiModule> | undefined;

/** face-api's node-wasm build, loaded once after the tfjs backend is up (it must not pick one itself). */
export function loadFaceApi(): Promise<FaceApiModule> {
  modulePromise ??= (async () => {
    await ensureTfjsBackend();
    const m = (await import('@vladmandic/face-api/dist/face-api.node-wasm.js')) as unknown as FaceApiModule & { default?: FaceApiModule };
    const faceapi = m.FaceExpressionNet ? m : m.default!;
    if (faceapi.FACE_EXPRESSION_LABELS.join() !== FACEAPI_EXPRESSION_LABELS.join()) {
      throw new BenchError('MODEL_IO_MISMATCH', `${PACKAGE} ${faceapi.version} has expression labels ${faceapi.FACE_EXPRESSION_LABELS.join(', ')}, not ${FACEAPI_EXPRESSION_LABELS.join(', ')}`, {
        fix: `install ${PACKAGE} 1.7.x, or update FACEAPI_EXPRESSION_LABELS and the card's classes`,
      });
    }
    return faceapi;
  })();
  modulePromise.catch(() => (modulePromise = undefined));
  return modulePromise;
}

/** The directory of the weights bundled in the installed face-api package (`<package>/model`). */
export function faceApiModelDir(card?: ModelCard): string {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve(`${PACKAGE}/package.json`));
  const bundled = card?.weights.bundled;
  return bundled && bundled.package === PACKAGE ? dirname(join(pkgDir, bundled.path)) : join(pkgDir, 'model');
}

/** Loads a face-api network's weights from `dir`; a missing or damaged file is a BenchError. */
export async function loadFaceApiNet<N extends { loadFromDisk(dir: string): Promise<void> }>(net: N, dir: string, what: string): Promise<N> {
  try {
    await net.loadFromDisk(dir);
  } catch (e) {
    throw new BenchError('WEIGHTS_MISSING', `could not load the ${what} weights bundled with ${PACKAGE} from ${dir}: ${(e as Error).message}`, {
      file: dir,
      fix: `reinstall ${PACKAGE} (npm ci): its model/ folder holds the weights`,
      cause: e,
    });
  }
  return net;
}

export interface FaceApiEngineOptions extends TfjsEngineOptions {
  /** Where the weights manifests are; default the installed package's `model/` (or the card's bundled path). */
  modelDir?: string;
}

function checkCard(card: ModelCard): void {
  const problems: string[] = [];
  if (card.classes.join() !== FACEAPI_EXPRESSION_CLASSES.join()) problems.push(`classes must be ${FACEAPI_EXPRESSION_CLASSES.join(', ')} (face-api's order)`);
  const i = card.input;
  const e = FACEAPI_EXPRESSION_INPUT;
  if (i.size !== e.size || i.layout !== e.layout || i.colorOrder !== e.colorOrder) problems.push(`input must be ${e.colorOrder} ${e.layout} ${e.size}×${e.size}`);
  for (const ref of [card.heads.expression, card.heads.embedding]) {
    if (ref && ref.output !== FACEAPI_OUTPUTS.expression && ref.output !== FACEAPI_OUTPUTS.features) {
      problems.push(`head output "${ref.output}" does not exist (outputs: ${FACEAPI_OUTPUTS.expression}, ${FACEAPI_OUTPUTS.features})`);
    }
  }
  if (problems.length) {
    throw new BenchError('MODEL_IO_MISMATCH', `the card of ${card.name} does not describe the face-api expression model: ${problems.join('; ')}`, {
      fix: 'use the faceapi_expression card from models/zoo.json',
    });
  }
}

/**
 * The face-api expression model as an Engine. `card` (optional) is checked against what the network
 * is; its input normalisation is the one the engine inverts (default `FACEAPI_EXPRESSION_INPUT`).
 */
export async function createFaceApiExpressionEngine(card?: ModelCard, opts: FaceApiEngineOptions = {}): Promise<Engine> {
  const device = opts.device ?? 'cpu';
  if (device !== 'cpu' && device !== 'wasm') {
    throw new BenchError('DEVICE_UNAVAILABLE', `the face-api model runs on the CPU only here (TensorFlow.js wasm or tfjs-node), not on "${device}"`, {
      fix: 'use --device cpu',
    });
  }
  if (card) checkCard(card);
  const backend = await initTfjsBackend({ backend: device === 'wasm' ? 'wasm' : opts.backend });
  const faceapi = await loadFaceApi();
  const net = await loadFaceApiNet(new faceapi.FaceExpressionNet(), opts.modelDir ?? faceApiModelDir(card), 'face expression');

  const spec = card?.input ?? FACEAPI_EXPRESSION_INPUT;
  const size = spec.size;
  const inputShape = [-1, size, size, 3];
  // pixel = x·std/scale + mean/scale inverts value = (pixel·scale − mean) / std.
  const mul = tf.tensor1d(spec.std.map((s) => s / spec.scale));
  const add = tf.tensor1d(spec.mean.map((m) => m / spec.scale));
  const info: EngineInfo = {
    engine: 'tfjs',
    version: `${backend.version}+face-api.${faceapi.version}`,
    backend: backend.backend,
    device,
    threads: backend.threads,
  };
  const name = card?.name ?? 'faceapi_expression';

  return {
    info,
    inputName: spec.name,
    inputShape,
    outputNames: [FACEAPI_OUTPUTS.expression, FACEAPI_OUTPUTS.features],
    async run(input: Tensor): Promise<Record<string, Tensor>> {
      checkBatch(input, inputShape, name);
      const [probs, features] = tf.tidy(() => {
        const pixels = tf.add(tf.mul(tf.tensor(input.data, [...input.dims], 'float32'), mul), add) as tfTypes.Tensor4D;
        const netInput = new faceapi.NetInput(tf.unstack(pixels) as tfTypes.Tensor3D[], true);
        const feats = net.faceFeatureExtractor.forwardInput(netInput);
        return [tf.softmax(net.runNet(feats)), feats.reshape([feats.shape[0], -1])];
      });
      try {
        const [p, f] = await Promise.all([probs.data() as Promise<Float32Array>, features.data() as Promise<Float32Array>]);
        return {
          [FACEAPI_OUTPUTS.expression]: { data: p, dims: probs.shape },
          [FACEAPI_OUTPUTS.features]: { data: f, dims: features.shape },
        };
      } finally {
        tf.dispose([probs, features]);
      }
    },
    async dispose() {
      net.dispose(false);
      tf.dispose([mul, add]);
    },
  };
}
