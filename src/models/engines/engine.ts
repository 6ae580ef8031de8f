/**
 * The engine contract every inference backend (onnxruntime-node, TensorFlow.js) implements. An engine
 * takes one pre-processed float32 batch in the card's layout and returns the raw named outputs; the
 * heads (logits, valence, arousal, embedding) are read from them by `readHeads` in `heads.ts`.
 */
import { BenchError } from '../../errors.js';

export interface Tensor {
  data: Float32Array;
  dims: readonly number[];
}

export type Device = 'cpu' | 'cuda' | 'webgpu' | 'dml' | 'coreml' | 'wasm';

export interface EngineInfo {
  /** `onnxruntime-node` or `tfjs`. */
  engine: string;
  /** Library version, e.g. `1.30.0`. */
  version: string;
  /** Execution provider (ORT) or tfjs backend (`wasm`, `cpu`, `tensorflow`). */
  backend: string;
  device: Device;
  /** Intra-op threads (0 = library default). */
  threads: number;
}

export interface EngineOptions {
  /** Default `cpu`. */
  device?: Device;
  /** Intra-op threads; default 0 lets the library choose. */
  threads?: number;
  /** ORT graph optimisation level; default `all`. */
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all';
}

export interface Engine {
  readonly info: EngineInfo;
  /** Input name, and shape with -1 for free dimensions (usually the batch). */
  readonly inputName: string;
  readonly inputShape: readonly number[];
  readonly outputNames: readonly string[];
  run(input: Tensor): Promise<Record<string, Tensor>>;
  dispose(): Promise<void>;
}

/** BAD_INPUT unless `input` is a batch of the expected shape with matching data length. */
export function checkBatch(input: Tensor, expected: readonly number[], model: string): void {
  const count = input.dims.reduce((a, b) => a * b, 1);
  const ok =
    input.dims.length === expected.length &&
    input.dims.every((d, i) => (expected[i] === -1 ? d > 0 : d === expected[i])) &&
    count === input.data.length;
  if (!ok) {
    throw new BenchError('BAD_INPUT', `${model} takes a float32 batch of shape [${expected.join(', ')}], got [${input.dims.join(', ')}] with ${input.data.length} values`, {
      fix: 'preprocess with the model card (size, layout) before calling the engine',
    });
  }
}
