/**
 * One engine call over a filled batch buffer, turned into prediction records: shared by the image and
 * the video runners so both time, read heads and refuse non-finite outputs the same way.
 */
import { performance } from 'node:perf_hooks';
import type { ModelCard } from '../models/card.js';
import type { Engine } from '../models/engines/engine.js';
import { readHeads } from '../models/engines/heads.js';
import type { PredictionRecord } from './records.js';

/** A batch buffer sized for `capacity` items of the card's input, and the dims of a call over `n` of them. */
export interface BatchBuffer {
  readonly data: Float32Array;
  readonly itemSize: number;
  readonly capacity: number;
  dims(n: number): number[];
}

export function createBatchBuffer(card: ModelCard, capacity: number): BatchBuffer {
  const { size, layout } = card.input;
  const itemSize = size * size * 3;
  return {
    data: new Float32Array(capacity * itemSize),
    itemSize,
    capacity,
    dims: (n) => (layout === 'NCHW' ? [n, 3, size, size] : [n, size, size, 3]),
  };
}

/**
 * Runs the engine on the first `bases.length` items of the buffer and completes each base record with
 * its scores, valence/arousal and per-item latency (batch time / batch size). An item whose expression
 * scores or valence/arousal are NaN or infinite is kept as skipped (`non-finite-output`), never scored.
 */
export async function inferBatch(
  engine: Engine,
  card: ModelCard,
  buffer: BatchBuffer,
  bases: readonly PredictionRecord[],
  /** Called with each scored item's embedding (cards with an embedding head), before the records return. */
  onEmbedding?: (index: number, embedding: Float32Array) => void,
): Promise<PredictionRecord[]> {
  const n = bases.length;
  if (n === 0) return [];
  const t0 = performance.now();
  const outputs = await engine.run({ data: buffer.data.subarray(0, n * buffer.itemSize), dims: buffer.dims(n) });
  const perItem = (performance.now() - t0) / n;
  const heads = readHeads(card, outputs, n);
  return bases.map((base, i): PredictionRecord => {
    const h = heads[i];
    if (!h.scores.every(Number.isFinite)) return { ...base, scores: null, skip: { reason: 'non-finite-output', detail: 'the model returned NaN or Infinity' } };
    // A NaN valence/arousal would poison the CCC of the whole run at scoring time: skip the item now, with why.
    const badVa = (['valence', 'arousal'] as const).filter((d) => h[d] !== undefined && !Number.isFinite(h[d]));
    if (badVa.length) return { ...base, scores: null, skip: { reason: 'non-finite-output', detail: `the model returned a non-finite ${badVa.join(' and ')}` } };
    if (h.embedding && !h.embedding.every(Number.isFinite)) return { ...base, scores: null, skip: { reason: 'non-finite-output', detail: 'the model returned a non-finite embedding' } };
    if (h.embedding && onEmbedding) onEmbedding(i, h.embedding);
    const r: PredictionRecord = { ...base, scores: Array.from(h.scores), latencyMs: perItem };
    if (h.valence !== undefined) r.valence = h.valence;
    if (h.arousal !== undefined) r.arousal = h.arousal;
    return r;
  });
}
