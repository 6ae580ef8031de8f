/**
 * Extra outputs for a Keras/tfjs layers model: the same graph (same layer objects, so the same weights)
 * with the outputs of named inner layers appended, e.g. mobilenet_7's 1024-d `global_pooling` for the
 * embedding head. Outputs are named after their layers, as Keras names them.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { BenchError } from '../../errors.js';
import { suggestion } from '../../util/did-you-mean.js';
import { tf } from '../engines/tfjs-backend.js';

/** The names a layers model's outputs are read by: the names of the layers that produce them. */
export function layerOutputNames(model: tfTypes.LayersModel): string[] {
  return model.outputs.map((t) => t.sourceLayer.name);
}

/**
 * `model` with the outputs of `layerNames` appended (those not already outputs), or `model` itself when
 * nothing is missing. MODEL_IO_MISMATCH (with close names) for a layer the model does not have.
 */
export function withLayerOutputs(model: tfTypes.LayersModel, layerNames: readonly string[], where: string): tfTypes.LayersModel {
  const have = new Set(layerOutputNames(model));
  const missing = [...new Set(layerNames)].filter((n) => !have.has(n));
  if (missing.length === 0) return model;
  const known = model.layers.map((l) => l.name);
  const extra = missing.map((name) => {
    const layer = model.layers.find((l) => l.name === name);
    if (!layer) {
      throw new BenchError('MODEL_IO_MISMATCH', `${where} has no layer "${name}" to read an output from.${suggestion(name, known)}`, {
        file: where,
        fix: `name one of the model's layers in the card's heads (its outputs are ${[...have].join(', ')})`,
      });
    }
    if (layer.inboundNodes.length !== 1) {
      throw new BenchError('MODEL_IO_MISMATCH', `${where}: layer "${name}" is used ${layer.inboundNodes.length} times in the graph, so its output is ambiguous`, {
        file: where,
        fix: 'read the head from a layer that is applied once',
      });
    }
    return layer.output as tfTypes.SymbolicTensor;
  });
  return tf.model({ inputs: model.inputs, outputs: [...model.outputs, ...extra], name: model.name });
}
