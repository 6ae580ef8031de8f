/**
 * What an architecture builder hands back: the network up to (not including) its final classifier.
 * The classifier and the graph outputs are derived from the model card's heads (`outputs.ts`), so one
 * trunk serves every head layout a card may describe.
 */
import type { Vector } from './layers.js';

export interface Trunk {
  /**
   * Named feature vectors a card's embedding head may select by output name, e.g. mobilenet_7's
   * `global_pooling` (1024) and `feats` (256). Keys are the names the published model uses.
   */
  taps: Record<string, Vector>;
  /** The embedding used when the card's embedding output names no tap: the trunk's pooled features. */
  embedding: Vector;
  /** The vector the final classifier (one linear layer to all score heads) reads. */
  penultimate: Vector;
}
