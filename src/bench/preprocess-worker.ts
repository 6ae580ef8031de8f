/**
 * Piscina worker: decodes, crops, resizes and normalises one image off the main thread, so the engine
 * is never waiting on JPEG decoding.
 * The reply is structured-cloned (a 224² tensor is 600 kB: about 0.1 ms to copy, not worth transfer lists).
 */
import type { InputSpec } from '../models/card.js';
import type { Box } from '../datasets/sample.js';
import { preprocess } from '../media/preprocess.js';

export interface PreprocessTask {
  path: string;
  box?: Box;
  spec: InputSpec;
  margin?: number;
}

export type PreprocessReply = { ok: true; tensor: Float32Array } | { ok: false; reason: string; detail?: string };

export default async function preprocessTask(task: PreprocessTask): Promise<PreprocessReply> {
  const result = await preprocess({ path: task.path, box: task.box }, task.spec, { margin: task.margin });
  if (!result.ok) return { ok: false, reason: result.reason, detail: result.detail };
  return { ok: true, tensor: result.tensor };
}
