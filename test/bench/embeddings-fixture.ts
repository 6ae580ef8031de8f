/** The deterministic records of the embedding store's crash test (shared by the test and its child). */
import type { EmbeddingRecord } from '../../src/bench/store/embeddings.js';

export const CRASH_DIM = 256;

/** Record i: item `item-<i div 10>`, frame i mod 10, vector v[j] = sin(i·31 + j). */
export function crashRecord(i: number): EmbeddingRecord & { frame: number } {
  return { id: `item-${Math.floor(i / 10)}`, frame: i % 10, vector: Float32Array.from({ length: CRASH_DIM }, (_, j) => Math.sin(i * 31 + j)) };
}
