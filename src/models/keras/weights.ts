/**
 * Keras 2 weights in an HDF5 file, set on the tfjs model rebuilt from the same file's config.
 *
 * Layout (what `model.save()` / `save_weights_to_hdf5_group` writes):
 *   /model_weights                      attrs: layer_names (every layer, in model order), keras_version, backend
 *   /model_weights/<layer>              attrs: weight_names (e.g. `conv1/kernel:0`; empty for weightless layers)
 *   /model_weights/<layer>/<weight_name>  the array, in Keras's own layout (Conv2D kernel [kh, kw, in, out]…)
 * A weight name need not start with its layer's name (`conv2d_1_1/kernel:0` under `conv2d_1` after a reload).
 *
 * Keras assigns a layer's saved arrays in order to `trainable_weights + non_trainable_weights`; tfjs keeps
 * the same order (`trainableWeights.concat(nonTrainableWeights)`), so the arrays are set in file order after
 * checking count and shapes. Layers are matched by name (the config and the weights come from one file).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { BenchError } from '../../errors.js';
import { tf } from '../engines/tfjs-backend.js';
import { childGroup, floatDataset, h5Try, stringListAttr, type H5File, type H5Group } from './h5.js';
import { layerName, type KerasLayerConfig } from './model-config.js';

export interface SavedWeight {
  /** The name in the file, e.g. `conv1/kernel:0`. */
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The `model_weights` group, or the root of a file written by `save_weights` (which has `layer_names` there). */
export function weightsRoot(file: H5File): H5Group | undefined {
  const mw = childGroup(file, 'model_weights');
  if (mw) return mw;
  return stringListAttr(file, 'layer_names') ? file : undefined;
}

/** Every layer's saved weights, keyed by layer name, in `layer_names` order (layers without weights omitted). */
export function readSavedWeights(root: H5Group, path: string): Map<string, SavedWeight[]> {
  const layerNames = h5Try(path, 'the layer_names attribute', () => stringListAttr(root, 'layer_names'));
  if (!layerNames) {
    throw new BenchError('BAD_H5', `${path}: model_weights has no layer_names attribute, so it is not a Keras weights group`, {
      file: path,
      fix: 'use a .h5 written by Keras `model.save()`',
    });
  }
  const out = new Map<string, SavedWeight[]>();
  for (const layer of layerNames) {
    const weights = h5Try(path, `the weights of layer "${layer}"`, () => {
      const g = childGroup(root, layer);
      if (!g) {
        throw new BenchError('BAD_H5', `${path}: layer "${layer}" is listed in layer_names but has no group in model_weights`, {
          file: path,
          fix: 'the file is damaged or incompletely written: download it again',
        });
      }
      const names = stringListAttr(g, 'weight_names') ?? [];
      return names.map((name): SavedWeight => {
        const ds = floatDataset(g, name);
        if (!ds) {
          throw new BenchError('BAD_H5', `${path}: weight "${name}" of layer "${layer}" is listed in weight_names but missing from the file`, {
            file: path,
            fix: 'the file is damaged or incompletely written: download it again',
          });
        }
        return { name, shape: ds.shape, data: ds.data };
      });
    });
    if (weights.length > 0) out.set(layer, weights);
  }
  return out;
}

/** Config keys whose integers size a layer's weights (Dense units, Conv2D filters and kernel, ...). */
const SIZE_KEYS = ['units', 'filters', 'kernel_size', 'depth_multiplier'] as const;

/**
 * Refuses a config whose layers would build weights larger than any array the file holds, before tfjs
 * allocates them: in a file Keras wrote, every unit, filter and kernel count is a dimension of some saved
 * array, so the largest saved dimension bounds them. Without this a damaged or hostile `model_config`
 * (`units: 30000000`) made tfjs allocate gigabytes and left its wasm backend broken for the process.
 */
export function checkConfigSizes(layers: readonly KerasLayerConfig[], saved: Map<string, SavedWeight[]>, path: string): void {
  let largest = 0;
  for (const ws of saved.values()) for (const w of ws) for (const d of w.shape) largest = Math.max(largest, d);
  for (const layer of layers) {
    for (const key of SIZE_KEYS) {
      const v = layer.config?.[key];
      const values = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
      const bad = values.find((n) => typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > largest);
      if (bad !== undefined) {
        throw new BenchError('BAD_H5', `${path}: layer "${layerName(layer)}" (${layer.class_name}) has ${key} ${JSON.stringify(v)}, ${typeof bad === 'number' && Number.isInteger(bad) && bad > largest ? `larger than any saved array (largest dimension ${largest})` : 'not a positive integer'}`, {
          file: path,
          fix: 'the architecture in the file does not match its weights: the file is damaged, download it again',
        });
      }
    }
  }
}

function sameShape(a: readonly number[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

const fmt = (shape: readonly (number | null)[]) => `[${shape.join(', ')}]`;

/**
 * Sets `saved` on `model`'s layers. BAD_H5 names the layer when a weight is missing, extra, or has
 * another shape than the layer built from the config expects.
 */
export function setSavedWeights(model: tfTypes.LayersModel, saved: Map<string, SavedWeight[]>, path: string): void {
  const used = new Set<string>();
  for (const layer of model.layers) {
    const variables = layer.trainableWeights.concat(layer.nonTrainableWeights);
    if (variables.length === 0) continue;
    const values = saved.get(layer.name) ?? [];
    used.add(layer.name);
    const describe = `layer "${layer.name}" (${layer.getClassName()})`;
    const expected = variables.map((v) => `${v.originalName.split('/').pop()} ${fmt(v.shape)}`).join(', ');
    if (values.length !== variables.length) {
      throw new BenchError(
        'BAD_H5',
        `${path}: ${describe} needs ${variables.length} weights (${expected}) but the file has ${values.length}` +
          (values.length ? ` (${values.map((w) => `${w.name} ${fmt(w.shape)}`).join(', ')})` : ''),
        { file: path, fix: 'the weights do not belong to this architecture: use the file exactly as Keras saved it' },
      );
    }
    values.forEach((w, i) => {
      if (!sameShape(w.shape, variables[i].shape)) {
        throw new BenchError(
          'BAD_H5',
          `${path}: ${describe}: weight ${w.name} has shape ${fmt(w.shape)}, the layer expects ${fmt(variables[i].shape)} for ${variables[i].originalName.split('/').pop()}`,
          { file: path, fix: 'the weights do not belong to this architecture: use the file exactly as Keras saved it' },
        );
      }
    });
    const tensors = values.map((w) => tf.tensor(w.data, w.shape, 'float32'));
    try {
      layer.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
  }
  const extra = [...saved.keys()].filter((name) => !used.has(name));
  if (extra.length) {
    throw new BenchError('BAD_H5', `${path}: the file has weights for layers its model_config does not build: ${extra.join(', ')}`, {
      file: path,
      fix: 'the weights and the architecture in the file disagree: re-save the model with Keras `model.save()`',
    });
  }
}
