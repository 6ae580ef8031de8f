/**
 * The engine contract every inference backend (onnxruntime-node, TensorFlow.js) implements. An engine
 * takes one pre-processed float32 batch in the card's layout and returns the raw named outputs; the
 * heads (logits, valence, arousal, embedding) are read from them by `readHeads` in `heads.ts`.
 */
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
