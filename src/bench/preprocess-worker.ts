/**
 * Piscina worker: decodes, crops, resizes and normalises one image off the main thread, so the engine
 * is never waiting on JPEG decoding.
 * The reply is structured-cloned (a 224² tensor is 600 kB: about 0.1 ms to copy, not worth transfer lists).
 */
import type { InputSpec } from '../models/card.js';
import type { Box } from '../datasets/sample.js';
import sharp from 'sharp';
import { preprocess } from '../media/preprocess.js';

// Every image is decoded once: libvips' operation cache (up to 50 MB) would only make memory depend on
// how many images a run has seen.
sharp.cache(false);

export interface PreprocessTask {
  path: string;
  box?: Box;
  spec: InputSpec;
  margin?: number;
  /** See PreprocessOptions.minFacePx. */
  minFacePx?: number;
}

export type PreprocessReply = { ok: true; tensor: Float32Array } | { ok: false; reason: string; detail?: string };

/**
 * The runner gives each worker several tasks at once (the engine blocks the main thread, which is the only
 * one that can hand out tasks), but they are done one after another: several decodes at a time would spread
 * onto the libuv pool and take CPU from the engine without finishing the queue any sooner.
 */
let previous: Promise<unknown> = Promise.resolve();

export default function preprocessTask(task: PreprocessTask): Promise<PreprocessReply> {
  const reply = previous.then(() => preprocessOne(task));
  previous = reply.catch(() => undefined);
  return reply;
}

async function preprocessOne(task: PreprocessTask): Promise<PreprocessReply> {
  const result = await preprocess({ path: task.path, box: task.box }, task.spec, { margin: task.margin, minFacePx: task.minFacePx });
  if (!result.ok) return { ok: false, reason: result.reason, detail: result.detail };
  return { ok: true, tensor: result.tensor };
}
