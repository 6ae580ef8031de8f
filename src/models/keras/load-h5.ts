/**
 * Keras `.h5` files run directly in TensorFlow.js, with no conversion step: the HDF5 file is read
 * (h5wasm), the model is rebuilt from its `model_config` by tfjs-layers' Keras deserialiser (after
 * `adaptModelConfig`), and the saved arrays are set layer by layer. This is how mobilenet_7.h5 runs.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { BenchError } from '../../errors.js';
import { ensureTfjsBackend, tf } from '../engines/tfjs-backend.js';
import { h5Try, openH5, stringAttr } from './h5.js';
import { withLayerOutputs } from './layer-outputs.js';
import { adaptModelConfig, modelLayers, parseModelConfig, type KerasModelConfig } from './model-config.js';
import { checkConfigSizes, readSavedWeights, setSavedWeights, weightsRoot } from './weights.js';

export interface LoadKerasH5Options {
  /** Layer names whose outputs are appended to the model's own (e.g. `global_pooling`). Default none. */
  outputs?: readonly string[];
}

/** What the file says about itself, beside the model. */
export interface KerasH5Info {
  kerasVersion?: string;
  backend?: string;
  /** Layer classes in the config, in order. */
  layerClasses: string[];
}

/** Rebuilds a tfjs model from an adapted Keras config; a deserialiser failure becomes a BenchError. */
export async function modelFromKerasConfig(config: KerasModelConfig, where: string): Promise<tfTypes.LayersModel> {
  await ensureTfjsBackend();
  try {
    return await tf.models.modelFromJSON({ modelTopology: config as unknown as tfTypes.io.ModelJSON['modelTopology'] });
  } catch (e) {
    const classes = [...new Set(modelLayers(config).map((l) => l.class_name))].join(', ');
    throw new BenchError('UNSUPPORTED_LAYER', `${where}: TensorFlow.js could not rebuild the model from its model_config (${(e as Error).message}); layer classes: ${classes}`, {
      file: where,
      fix: 'export the model to ONNX (tf2onnx) and run that file instead',
      cause: e,
    });
  }
}

/** Loads a Keras 2 / tf.keras `.h5` (full model) as a tfjs LayersModel, plus what the file says about itself. */
export async function readKerasH5(path: string, opts: LoadKerasH5Options = {}): Promise<{ model: tfTypes.LayersModel; info: KerasH5Info }> {
  const file = await openH5(path);
  try {
    const kerasVersion = h5Try(path, 'the keras_version attribute', () => stringAttr(file, 'keras_version'));
    const backend = h5Try(path, 'the backend attribute', () => stringAttr(file, 'backend'));
    const configText = h5Try(path, 'the model_config attribute', () => stringAttr(file, 'model_config'));
    const root = h5Try(path, 'the model_weights group', () => weightsRoot(file));
    if (!configText) {
      throw new BenchError('BAD_H5', `${path} has no model_config attribute${root ? ': it holds weights only (Keras save_weights)' : ', so it is not a Keras model file'}`, {
        file: path,
        fix: 'save the full model with Keras `model.save(path)` (HDF5), not `save_weights`',
      });
    }
    if (!root) {
      throw new BenchError('BAD_H5', `${path} has a model_config but no model_weights group`, {
        file: path,
        fix: 'the file is damaged or was saved without weights: download it again',
      });
    }
    const config = adaptModelConfig(parseModelConfig(configText, path), path, kerasVersion);
    const saved = readSavedWeights(root, path);
    checkConfigSizes(modelLayers(config), saved, path);
    const base = await modelFromKerasConfig(config, path);
    let model: tfTypes.LayersModel;
    try {
      setSavedWeights(base, saved, path);
      model = opts.outputs?.length ? withLayerOutputs(base, opts.outputs, path) : base;
    } catch (e) {
      base.dispose();
      throw e;
    }
    return { model, info: { kerasVersion, backend, layerClasses: modelLayers(config).map((l) => l.class_name) } };
  } finally {
    file.close();
  }
}

/** `readKerasH5` without the file information. */
export async function loadKerasH5(path: string, opts: LoadKerasH5Options = {}): Promise<tfTypes.LayersModel> {
  return (await readKerasH5(path, opts)).model;
}
