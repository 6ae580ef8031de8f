/**
 * A store key and deterministic records shared by the store tests, the kill -9 child and the benchmark.
 * Record i is a pure function of i, so a resumed run recomputes exactly what an interrupted one lost.
 */
import type { PredictionRecord } from '../../src/bench/records.js';
import type { StoreKey } from '../../src/bench/store.js';
import { sha256 } from '../../src/util/hash.js';

export const CLASSES = ['Anger', 'Contempt', 'Disgust', 'Fear', 'Happiness', 'Neutral', 'Sadness', 'Surprise'];

export function fixtureKey(overrides: Partial<StoreKey> = {}): StoreKey {
  return {
    model: { name: 'enet_b0_8_best_vgaf', sha256: sha256('weights'), replica: false },
    dataset: { corpus: 'affectnet', split: 'val', manifestSha256: sha256('manifest') },
    classes: { corpus: CLASSES, model: CLASSES },
    preprocessing: { size: 224, crop: 'box', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    labelMap: { name: 'identity-8' },
    ...overrides,
  };
}

export function fixtureId(i: number): string {
  return `img-${String(i).padStart(6, '0')}`;
}

/** Scores with full-precision doubles (not round numbers) so a lossy round trip would show. */
export function fixtureRecord(i: number, embeddingSize = 0): PredictionRecord {
  if (i % 97 === 13) {
    return { id: fixtureId(i), group: `clip-${i >> 4}`, label: i % 8, scores: null, face: false, latencyMs: null, skip: { reason: 'no-face', detail: 'détecteur: 0 visage' } };
  }
  const r: PredictionRecord = {
    id: fixtureId(i),
    group: `clip-${i >> 4}`,
    label: i % 11 === 0 ? null : i % 8,
    scores: Array.from({ length: 8 }, (_, k) => Math.sin(i * 8 + k) * 7.123456789),
    valence: Math.cos(i) / 3,
    arousal: Math.sin(i) / 3,
    face: true,
    latencyMs: 1 + (i % 7) / 3,
  };
  if (embeddingSize) r.embedding = Array.from({ length: embeddingSize }, (_, k) => Math.fround(Math.sin(i + k / 10)));
  return r;
}

/** A fixed permutation of 0..n-1 (LCG shuffle): the out-of-order appends of a worker pool. */
export function shuffled(n: number, seed = 1): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
