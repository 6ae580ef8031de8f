/**
 * Shared by the replica tests: minimal model cards and a run of a replica on onnxruntime-node.
 */
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { ModelCard, type ModelCardInput } from '../../../src/models/card.js';
import type { Replica } from '../../../src/models/replicas/index.js';
import { SeededRandom } from '../../../src/models/replicas/random.js';

/** HSEmotion's 8-class order. */
export const HSE8 = ['anger', 'contempt', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'] as const;
/** 7 classes (HSEmotion order without contempt; also mobilenet_7's). */
export const HSE7 = ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'] as const;

/** HSEmotion MTL layout: one output [B,10] = 8 logits + valence + arousal. */
export const MTL_HEADS: ModelCardInput['heads'] = {
  expression: { output: 'output', start: 0, length: 8, kind: 'logits' },
  valence: { output: 'output', start: 8 },
  arousal: { output: 'output', start: 9 },
};

/** A card with ImageNet normalisation, NCHW input `input`, and the given parts. */
export function card(
  parts: Pick<ModelCardInput, 'architecture' | 'heads'> & { size: number } & Partial<Omit<ModelCardInput, 'input'>> & {
      input?: Partial<ModelCardInput['input']>;
    },
): ModelCard {
  const { size, input, ...rest } = parts;
  return ModelCard.parse({
    name: `test_${parts.architecture}`,
    family: 'hsemotion',
    description: 'replica test card',
    weights: { name: 'absent.onnx', format: 'onnx' },
    classes: [...HSE8],
    ...rest,
    input: {
      name: 'input',
      size,
      colorOrder: 'RGB',
      layout: 'NCHW',
      scale: 1 / 255,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      ...input,
    },
  });
}

export interface RunOutput {
  data: Float32Array;
  dims: number[];
}

/** Runs `replica` on `batch` seeded-random inputs in the card's layout; returns every output. */
export async function runReplica(replica: Replica, c: ModelCard, batch = 2, inputSeed = 1): Promise<Record<string, RunOutput>> {
  const s = c.input.size;
  const dims = c.input.layout === 'NCHW' ? [batch, 3, s, s] : [batch, s, s, 3];
  const x = new SeededRandom(inputSeed).normalArray(batch * 3 * s * s, 1);
  const session = await ort.InferenceSession.create(Buffer.from(replica.bytes));
  try {
    const out = await session.run({ [c.input.name]: new ort.Tensor('float32', x, dims) });
    const result: Record<string, RunOutput> = {};
    for (const name of session.outputNames) result[name] = { data: out[name].data as Float32Array, dims: [...out[name].dims] };
    return result;
  } finally {
    await session.release();
  }
}

export function assertFinite(data: Float32Array, label: string): void {
  const bad = data.findIndex((v) => !Number.isFinite(v));
  assert.equal(bad, -1, `${label}: value ${data[bad]} at ${bad}`);
}

/** |actual − target| / target ≤ 1%. */
export function assertWithin1Percent(actual: number, target: number, label: string): void {
  const rel = Math.abs(actual - target) / target;
  assert.ok(rel <= 0.01, `${label}: ${actual} is ${(rel * 100).toFixed(2)}% from ${target}`);
}

/** Element-wise |a − b| ≤ tol (ORT may fuse a graph's ops differently when only its tail differs). */
export function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, label: string, tol = 1e-5): void {
  assert.equal(a.length, b.length, `${label}: lengths`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `${label}[${i}]: ${a[i]} vs ${b[i]}`);
}

/** Asserts the output names, in order, and their shapes. */
export function assertOutputs(out: Record<string, RunOutput>, expected: Record<string, number[]>): void {
  assert.deepEqual(Object.keys(out), Object.keys(expected));
  for (const [name, dims] of Object.entries(expected)) {
    assert.deepEqual(out[name].dims, dims, `dims of ${name}`);
    assertFinite(out[name].data, name);
  }
}
