/**
 * Reads a model's heads (expression scores, valence, arousal, embedding) out of an engine's raw
 * outputs, as the card describes them: a named output, optionally a slice of its last axis.
 */
import { BenchError } from '../../errors.js';
import type { HeadRef, ModelCard } from '../card.js';
import type { Tensor } from './engine.js';

export interface ItemOutputs {
  scores: Float32Array;
  valence?: number;
  arousal?: number;
  embedding?: Float32Array;
}

/** The card's head references that are set, expression first. */
export function headRefs(card: ModelCard): HeadRef[] {
  const { expression, valence, arousal, embedding } = card.heads;
  return [expression, valence, arousal, embedding].filter((h): h is NonNullable<typeof h> => h !== undefined);
}

/** Item `i`'s slice of a head from a batch output of shape [B, ...]. */
function sliceHead(outputs: Record<string, Tensor>, ref: HeadRef, i: number, batch: number, modelName: string): Float32Array {
  const t = outputs[ref.output];
  if (!t) throw new BenchError('MODEL_IO_MISMATCH', `model ${modelName} produced no output "${ref.output}"`, { fix: 'fix the heads of the model card' });
  const per = t.data.length / batch;
  const start = ref.start ?? 0;
  const length = ref.length ?? per - start;
  if (start + length > per) {
    throw new BenchError('MODEL_IO_MISMATCH', `output "${ref.output}" of ${modelName} has ${per} values per item, the card reads [${start}, ${start + length})`, {
      fix: 'fix the head slice (start/length) in the model card',
    });
  }
  return t.data.subarray(i * per + start, i * per + start + length);
}

/** Splits a batch's raw outputs into per-item heads (copies, so the engine may reuse its buffers). */
export function readHeads(card: ModelCard, outputs: Record<string, Tensor>, batch: number): ItemOutputs[] {
  const items: ItemOutputs[] = [];
  for (let i = 0; i < batch; i++) {
    const item: ItemOutputs = { scores: Float32Array.from(sliceHead(outputs, card.heads.expression, i, batch, card.name)) };
    if (card.heads.valence) item.valence = sliceHead(outputs, card.heads.valence, i, batch, card.name)[0];
    if (card.heads.arousal) item.arousal = sliceHead(outputs, card.heads.arousal, i, batch, card.name)[0];
    if (card.heads.embedding) item.embedding = Float32Array.from(sliceHead(outputs, card.heads.embedding, i, batch, card.name));
    items.push(item);
  }
  return items;
}
