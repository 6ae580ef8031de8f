/**
 * A temporal head: a model over windows of per-frame features, [W, steps, dim] → [W, classes]
 * probabilities, such as EMO-AffectNet's LSTM (10 × 512 → 7). It is not an image model, so it has no
 * model card; the file says what it takes. Keras `.h5` files run through TF.js (rebuilt from
 * `model_config`: Masking, LSTM, Dropout, Dense), ONNX exports (tf2onnx, torch) through onnxruntime.
 * Windows are built by `src/bench/temporal.ts`. TF.js is imported only when a Keras head is opened.
 */
import { extname } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { BenchError } from '../errors.js';
import { checkBatch, type Tensor } from './engines/engine.js';
import { loadOrt } from './engines/onnx.js';
import { refuseEscapingExternalData } from './onnx-external-data.js';

export interface TemporalHeadOptions {
  /** Window length the caller will feed; checked against the file when it fixes one. Default 10. */
  steps?: number;
  /** Feature dimension; checked likewise. Default 512. */
  dim?: number;
}

export interface TemporalHead {
  readonly file: string;
  readonly engine: 'tfjs' | 'onnxruntime-node';
  readonly steps: number;
  readonly dim: number;
  readonly classes: number;
  /** Probabilities [W, classes] for a [W, steps, dim] batch. */
  predict(windows: Tensor): Promise<Float32Array>;
  dispose(): Promise<void>;
}

function shapeMismatch(file: string, what: string, got: readonly (number | null | string)[], want: readonly number[]): BenchError {
  return new BenchError('MODEL_IO_MISMATCH', `${file}: ${what} has shape [${got.map((d) => d ?? '?').join(', ')}], windows are [batch, ${want.join(', ')}]`, {
    file,
    fix: 'use the temporal head trained on this backbone and window length (EMO-AffectNet: 10 frames of 512-d features)',
  });
}

/** Checks a [batch, steps, dim] input and a [batch, classes] output; returns the class count. */
function checkShapes(file: string, input: readonly (number | null | string)[], output: readonly (number | null | string)[], steps: number, dim: number): number {
  const fixed = (d: number | null | string | undefined) => (typeof d === 'number' && d > 0 ? d : undefined);
  if (input.length !== 3 || (fixed(input[1]) ?? steps) !== steps || (fixed(input[2]) ?? dim) !== dim) throw shapeMismatch(file, 'the input', input, [steps, dim]);
  const classes = fixed(output[output.length - 1]);
  if (output.length !== 2 || classes === undefined) {
    throw new BenchError('MODEL_IO_MISMATCH', `${file}: the output has shape [${output.map((d) => d ?? '?').join(', ')}], not [batch, classes]`, { file, fix: 'export the head with one [batch, classes] probability output' });
  }
  return classes;
}

async function openKeras(file: string, steps: number, dim: number): Promise<TemporalHead> {
  const { initTfjsBackend, tf } = await import('./engines/tfjs-backend.js');
  const { readKerasH5 } = await import('./keras/load-h5.js');
  await initTfjsBackend();
  const { model } = await readKerasH5(file);
  let classes: number;
  try {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw new BenchError('MODEL_IO_MISMATCH', `${file} has ${model.inputs.length} inputs and ${model.outputs.length} outputs; a temporal head has one of each`, { file, fix: 'save the head alone (windows in, probabilities out)' });
    }
    classes = checkShapes(file, model.inputs[0].shape, model.outputs[0].shape, steps, dim);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return {
    file,
    engine: 'tfjs',
    steps,
    dim,
    classes,
    async predict(windows) {
      checkBatch(windows, [-1, steps, dim], file);
      const x = tf.tensor(windows.data, [...windows.dims], 'float32');
      const y = model.predict(x) as tfTypes.Tensor;
      try {
        return (await y.data()) as Float32Array;
      } finally {
        tf.dispose([x, y]);
      }
    },
    async dispose() {
      model.dispose();
    },
  };
}

async function openOnnx(file: string, steps: number, dim: number): Promise<TemporalHead> {
  await refuseEscapingExternalData(file);
  const ort = await loadOrt();
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  } catch (e) {
    throw new BenchError('UNSUPPORTED_FORMAT', `onnxruntime could not load ${file}: ${(e as Error).message.split('\n')[0]}`, { file, fix: 'the file is damaged or not an ONNX model: export it again', cause: e });
  }
  const dims = (name: string, meta: readonly import('onnxruntime-node').InferenceSession.ValueMetadata[]) => {
    const m = meta.find((v) => v.name === name);
    return m && m.isTensor ? m.shape : [];
  };
  if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
    await session.release();
    throw new BenchError('MODEL_IO_MISMATCH', `${file} has inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}; a temporal head has one of each`, { file, fix: 'export the head alone (windows in, probabilities out)' });
  }
  const [input] = session.inputNames;
  const [output] = session.outputNames;
  let classes: number;
  try {
    classes = checkShapes(file, dims(input, session.inputMetadata), dims(output, session.outputMetadata), steps, dim);
  } catch (e) {
    await session.release();
    throw e;
  }
  return {
    file,
    engine: 'onnxruntime-node',
    steps,
    dim,
    classes,
    async predict(windows) {
      checkBatch(windows, [-1, steps, dim], file);
      const out = await session.run({ [input]: new ort.Tensor('float32', windows.data, [...windows.dims]) });
      return out[output].data as Float32Array;
    },
    dispose: () => session.release(),
  };
}

/** Opens a temporal head from a Keras `.h5` or an `.onnx` file. */
export async function openTemporalHead(file: string, opts: TemporalHeadOptions = {}): Promise<TemporalHead> {
  const steps = opts.steps ?? 10;
  const dim = opts.dim ?? 512;
  const ext = extname(file).toLowerCase();
  if (ext === '.h5' || ext === '.hdf5') return openKeras(file, steps, dim);
  if (ext === '.onnx') return openOnnx(file, steps, dim);
  throw new BenchError('UNSUPPORTED_FORMAT', `${file}: a temporal head is read from a Keras .h5 or an .onnx file`, { file, fix: 'pass the LSTM head as saved by Keras (e.g. RAVDESS_with_config.h5) or its ONNX export' });
}
