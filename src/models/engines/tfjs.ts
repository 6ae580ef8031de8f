/**
 * The TensorFlow.js engine: the same `Engine` contract as ONNX, for Keras `.h5` files (read directly,
 * see `keras/load-h5.ts`), TF.js `model.json` models (layers or graph) and in-memory tfjs models (the
 * mobilenet_7 replica). Runs on the process's tfjs backend (`tfjs-backend.ts`): tfjs-node when
 * installed, else wasm; the backend that ran is in `info.backend`.
 *
 * Outputs are named as Keras names them, after their layers (`emotion_preds`); a head the card reads
 * from an inner layer (`global_pooling`) is added to the model as an extra output.
 */
import { extname } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { BenchError } from '../../errors.js';
import { suggestion } from '../../util/did-you-mean.js';
import type { ModelCard } from '../card.js';
import { layerOutputNames, withLayerOutputs } from '../keras/layer-outputs.js';
import { loadKerasH5 } from '../keras/load-h5.js';
import { checkBatch, type Engine, type EngineInfo, type EngineOptions, type Tensor } from './engine.js';
import { headRefs } from './heads.js';
import { cardInputShape } from './onnx.js';
import { initTfjsBackend, tf, type TfjsBackendOptions } from './tfjs-backend.js';
import { loadTfjsModelFile } from './tfjs-file-io.js';

// Re-exported where it used to live (face-api imports it from here).
export { checkBatch };

export type TfjsModel = tfTypes.LayersModel | tfTypes.GraphModel;

/** A file (`.h5`/`.hdf5` Keras model, or a TF.js `model.json` / its directory), or a model in memory. */
export type TfjsModelSource = { path: string } | { model: TfjsModel };

export interface TfjsEngineOptions extends EngineOptions {
  /** tfjs backend; default `auto` (tfjs-node if installed, else wasm). `device: 'wasm'` forces wasm. */
  backend?: TfjsBackendOptions['backend'];
}

/** The engine also exposes its tfjs model, so benchmarks can time a bare `predict` beside it. */
export interface TfjsEngine extends Engine {
  readonly model: TfjsModel;
}

function isGraphModel(m: TfjsModel): m is tfTypes.GraphModel {
  return m instanceof tf.GraphModel;
}

async function loadFromPath(path: string, heads: string[]): Promise<TfjsModel> {
  const ext = extname(path).toLowerCase();
  if (ext === '.h5' || ext === '.hdf5') return loadKerasH5(path, { outputs: heads });
  if (ext === '.keras') {
    throw new BenchError('UNSUPPORTED_FORMAT', `${path} is a Keras 3 .keras archive; the TF.js engine reads Keras 2 .h5 files and TF.js model.json`, {
      file: path,
      fix: 'save it with `model.save("model.h5")` from tf.keras 2, or export it to ONNX',
    });
  }
  return loadTfjsModelFile(path);
}

/** Input name and shape ([-1, …] for the free batch) of a single-input model. */
function modelInput(model: TfjsModel): { name: string; shape: number[] } | undefined {
  if (isGraphModel(model)) {
    if (model.inputs.length !== 1) return undefined;
    const i = model.inputs[0];
    return { name: i.name, shape: (i.shape ?? []).map((d) => (d === null || d < 0 ? -1 : d)) };
  }
  if (model.inputs.length !== 1) return undefined;
  return { name: model.inputNames[0], shape: model.inputs[0].shape.map((d) => (d === null ? -1 : d)) };
}

/** Checks the model's input against the card; every mismatch in one error. */
function checkInput(card: ModelCard, model: TfjsModel, where: string): number[] {
  const expected = cardInputShape(card);
  const input = modelInput(model);
  const problems: string[] = [];
  if (!input) {
    problems.push(`the model has ${model.inputs.length} inputs; the engine feeds exactly one`);
  } else {
    if (input.name !== card.input.name) problems.push(`input "${card.input.name}" not found (the model's input is "${input.name}")`);
    const bad = input.shape.length !== expected.length || input.shape.some((d, i) => i > 0 && d !== -1 && d !== expected[i]);
    if (bad) problems.push(`input has shape [${input.shape.join(', ')}], the card expects [${expected.join(', ')}] (${card.input.layout}, size ${card.input.size})`);
  }
  if (problems.length) {
    throw new BenchError('MODEL_IO_MISMATCH', `${where} does not match the model card of ${card.name}: ${problems.join('; ')}`, {
      file: where,
      fix: 'check that the file is the published one for this card, or fix the card (input name/size/layout) in your zoo file',
    });
  }
  return expected;
}

/**
 * Creates a TF.js engine for `card`. The engine owns the model: `dispose()` frees its weights, also for
 * a model passed in memory.
 */
export async function createTfjsEngine(card: ModelCard, source: TfjsModelSource, opts: TfjsEngineOptions = {}): Promise<TfjsEngine> {
  const device = opts.device ?? 'cpu';
  if (device !== 'cpu' && device !== 'wasm') {
    throw new BenchError('DEVICE_UNAVAILABLE', `the TensorFlow.js engine runs on the CPU only here (wasm or tfjs-node), not on "${device}"`, {
      fix: 'use --device cpu for Keras/TF.js models, or export the model to ONNX to run it on a GPU provider',
    });
  }
  const backend = await initTfjsBackend({ backend: device === 'wasm' ? 'wasm' : opts.backend });
  const where = 'path' in source ? source.path : `<in-memory ${card.name}>`;
  const heads = [...new Set(headRefs(card).map((h) => h.output))];

  let model = 'path' in source ? await loadFromPath(source.path, heads) : source.model;
  let outputNames: string[];
  let inputShape: number[];
  try {
    if (isGraphModel(model)) {
      const nodes = model.outputNodes;
      const missing = heads.filter((h) => !nodes.includes(h));
      if (missing.length) {
        throw new BenchError('MODEL_IO_MISMATCH', `${where} has no output "${missing[0]}".${suggestion(missing[0], nodes)}`, {
          file: where,
          fix: `name one of the graph's outputs in the card's heads: ${nodes.join(', ')}`,
        });
      }
      outputNames = heads;
    } else {
      model = withLayerOutputs(model, heads, where);
      outputNames = layerOutputNames(model);
    }
    inputShape = checkInput(card, model, where);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const info: EngineInfo = { engine: 'tfjs', version: backend.version, backend: backend.backend, device, threads: backend.threads };
  const inputName = card.input.name;
  const m = model;

  async function execute(x: tfTypes.Tensor): Promise<tfTypes.Tensor[]> {
    if (isGraphModel(m)) {
      const feeds = { [inputName]: x };
      try {
        return [m.execute(feeds, outputNames)].flat();
      } catch {
        // Graphs with control flow or dynamic shapes only run asynchronously.
        return [await m.executeAsync(feeds, outputNames)].flat();
      }
    }
    return [m.predict(x, { batchSize: x.shape[0] })].flat();
  }

  return {
    info,
    model,
    inputName,
    inputShape,
    outputNames,
    async run(input: Tensor): Promise<Record<string, Tensor>> {
      checkBatch(input, inputShape, card.name);
      const x = tf.tensor(input.data, [...input.dims], 'float32');
      let outs: tfTypes.Tensor[] = [];
      try {
        outs = await execute(x);
        const result: Record<string, Tensor> = {};
        const data = await Promise.all(outs.map((t) => t.data()));
        outs.forEach((t, i) => {
          const d = data[i];
          result[outputNames[i]] = { data: d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>), dims: t.shape };
        });
        return result;
      } finally {
        x.dispose();
        tf.dispose(outs);
      }
    },
    async dispose() {
      m.dispose();
    },
  };
}
