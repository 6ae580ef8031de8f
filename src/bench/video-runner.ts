/**
 * The video runner: clips → frames (ffmpeg, or a frames folder) → faces (detector, cached) → crop,
 * resize, normalise → batches → engine → prediction store, one record per scored face of every sampled
 * frame, then one clip record that marks the clip finished.
 *
 * - Frame records: id `<clip>@<frame>` with the frame number zero-padded to 6 digits, so ids sort in
 *   frame order (`<clip>@<frame>.<k>` under the every-face policy), with `clip`,
 *   `frame`, `box`, the clip's label and group. A sampled frame without a face is recorded too
 *   (`face: false`, no scores), so coverage is exact per frame.
 * - The clip record (id = the clip's sample id, `clip` set, no `frame`) is appended after all its frames:
 *   its presence is what makes a clip done. A clip that cannot be read (empty, truncated, an unknown
 *   codec) gets only a clip record, with the skip reason; `aggregateClips` marks clips without a face
 *   frame `no-face` when scoring.
 * - Resume: clips with a clip record are not opened again; in a clip interrupted half-way, frames already
 *   stored are not run again (the detection cache, written per finished clip, may detect them again:
 *   detectors are deterministic).
 * - Decoding runs in ffmpeg's process and reads ahead, so it overlaps detection and inference, which
 *   share this thread (onnxruntime-node's run is synchronous). Memory: the read-ahead frames plus one
 *   batch, whatever the clip length.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { corpusSummary, type Corpus } from '../datasets/corpus.js';
import type { Sample } from '../datasets/sample.js';
import { BenchError } from '../errors.js';
import { DetectionCache } from '../media/faces/cache.js';
import { openClipFaces } from '../media/faces/clip-faces.js';
import type { FaceDetector } from '../media/faces/detector.js';
import type { FaceSelectionOptions } from '../media/faces/select.js';
import { describePreprocessing, preprocessImageInto } from '../media/preprocess.js';
import { describeSampling, type SamplingPolicy } from '../media/video/sampling.js';
import { isVideoSkipError } from '../media/video/skip.js';
import type { OpenedModel } from '../models/open.js';
import { createBatchBuffer, inferBatch } from './batch.js';
import type { PredictionRecord } from './records.js';
import type { RunnerOptions, RunnerProgress, RunnerResult, StoreSummary } from './runner.js';
import { openStore, type StoreKey } from './store.js';
import { openEmbeddingWriter, type EmbeddingRecord, type EmbeddingWriter } from './store/embeddings.js';

/** The frame-embedding file inside a video store directory (written when `embeddings: true`). */
export const EMBEDDINGS_FILE = 'embeddings.feremb';

/**
 * The embedding file's item id of face `k` of a clip: the clip id, or `<clip>#<k>` under the every-face
 * policy; the frame index is the file's own key member.
 */
export function embeddingId(clip: string, k: number, everyFace: boolean): string {
  return everyFace ? `${clip}#${k}` : clip;
}

export interface VideoRunnerOptions extends Pick<RunnerOptions, 'batchSize' | 'storeDir' | 'storeOptions' | 'onProgress'> {
  /** The face source: a detector, a boxes CSV replay or pre-cropped faces (`src/media/faces`). */
  detector: FaceDetector;
  /** Which frames of each clip are scored. Default every frame (HSEmotion's AFEW/VGAF protocol). */
  sampling?: SamplingPolicy;
  /** Face policy, tracking and margin. Default the largest face, no tracking, no margin. */
  selection?: FaceSelectionOptions;
  /** Downscale wider frames before detection and cropping. Default none (full resolution). */
  maxWidth?: number;
  /** Frame rate assumed for frames folders (fps-based sampling). Default 25. */
  framesDirFps?: number;
  /** Detection cache, or null for none. Default `results/detections`. */
  detectionCache?: DetectionCache | null;
  /**
   * Also store each scored face's embedding in `<store>/embeddings.feremb`, keyed (clip, frame) (see
   * `embeddingId`), for the feature-statistics protocols. Needs a card with an embedding head. Part of
   * the store key, so a store run without embeddings is never taken for one with them. Default false.
   */
  embeddings?: boolean;
}

/** What decides the frames and crops, beside the model's own preprocessing: part of the store key. */
export function videoPreprocessing(opts: VideoRunnerOptions): Record<string, unknown> {
  const sampling = opts.sampling ?? { kind: 'every' };
  return {
    sampling,
    samplingDescription: describeSampling(sampling),
    detector: opts.detector.identity,
    selection: { policy: opts.selection?.policy ?? 'largest', track: opts.selection?.track ?? false, margin: opts.selection?.margin ?? null },
    maxWidth: opts.maxWidth ?? null,
    framesDirFps: opts.framesDirFps ?? 25,
  };
}

export function videoStoreKey(opened: OpenedModel, corpus: Corpus, opts: VideoRunnerOptions): StoreKey {
  return {
    model: { name: opened.card.name, sha256: opened.weights.sha256, replica: opened.weights.replica },
    dataset: { corpus: corpus.name, split: corpus.split, manifestSha256: corpus.manifestSha256 },
    classes: { corpus: [...corpus.classes], model: [...opened.card.classes] },
    preprocessing: { ...describePreprocessing(opened.card.input), video: videoPreprocessing(opts) },
    labelMap: null,
    // The head's kind decides how frame scores average into a clip's; kept so a store re-scores on its own.
    extra: {
      engine: opened.engine.info.engine,
      backend: opened.engine.info.backend,
      expression: opened.card.heads.expression.kind,
      // Only when asked, so the keys (and stores) of runs without embeddings stay what they were.
      ...(opts.embeddings ? { embeddings: opened.card.heads.embedding } : {}),
    },
  };
}

/** Whether every sample of the corpus is a clip (video file or frames folder). */
export function isVideoCorpus(corpus: Pick<Corpus, 'samples'>): boolean {
  return corpus.samples.length > 0 && corpus.samples.every((s) => s.source.kind === 'video' || s.source.kind === 'frames-dir');
}

export async function runVideoCorpus(opened: OpenedModel, corpus: Corpus, opts: VideoRunnerOptions): Promise<RunnerResult> {
  if (opened.weights.replica) {
    throw new BenchError('REPLICA_NOT_ALLOWED', `${opened.card.name} is a random-weight replica: it cannot be evaluated for accuracy`, {
      fix: `get the published weights (bench pull ${opened.card.name}) and run without --replica`,
    });
  }
  const { card, engine } = opened;
  if (opts.embeddings && !card.heads.embedding) {
    throw new BenchError('MODEL_IO_MISMATCH', `${card.name} has no embedding head: its frame embeddings cannot be stored`, {
      fix: 'use a model whose card names heads.embedding (bench models lists them), or run without embeddings',
    });
  }
  const batchSize = opts.batchSize ?? 8;
  const cache = opts.detectionCache === undefined ? new DetectionCache() : opts.detectionCache ?? undefined;
  const all = opts.selection?.policy === 'all';
  const classIndex = new Map(corpus.classes.map((c, i) => [c, i] as const));
  const store = await openStore({ ...opts.storeOptions, baseDir: opts.storeDir ?? 'results/predictions', key: videoStoreKey(opened, corpus, opts) });
  const todo = corpus.samples.filter((s) => !store.done.has(s.id));
  const reused = corpus.samples.length - todo.length;
  const progress: RunnerProgress = { done: reused, total: corpus.samples.length, skipped: 0, reused };
  const buffer = createBatchBuffer(card, batchSize);
  let pending: PredictionRecord[] = [];

  const clipBase = (s: Sample): PredictionRecord => ({
    id: s.id,
    clip: s.id,
    group: s.group,
    label: s.label === null ? null : (classIndex.get(s.label) ?? null),
    scores: null,
    valenceTrue: s.meta?.valence,
    arousalTrue: s.meta?.arousal,
    face: false,
    latencyMs: null,
  });
  // Opened on the first vector (its length is the file's dim); the store lock already guards the directory.
  let embeddings: EmbeddingWriter | undefined;
  const flush = async (): Promise<void> => {
    const vectors: EmbeddingRecord[] = [];
    const records = await inferBatch(engine, card, buffer, pending, opts.embeddings ? (i, v) => {
      const r = pending[i];
      vectors.push({ id: embeddingId(r.clip!, r.id.includes('.') ? Number(r.id.slice(r.id.lastIndexOf('.') + 1)) : 0, all), frame: r.frame!, vector: v });
    } : undefined);
    pending = [];
    // Embeddings first: a stored frame record then always has its vector, so resume (which skips stored
    // frames) never leaves one out; a crash in between only repeats a vector, and the reader keeps the first.
    if (vectors.length) {
      embeddings ??= await openEmbeddingWriter(join(store.dir, EMBEDDINGS_FILE), { dim: vectors[0].vector.length, meta: { model: card.name, sha256: opened.weights.sha256, head: card.heads.embedding } });
      await embeddings.append(vectors);
    }
    await store.append(records);
  };

  const t0 = performance.now();
  try {
    for (const s of todo) {
      const base = clipBase(s);
      const opened = await openClipFaces(s.source, {
        detector: opts.detector,
        cache,
        decode: { sampling: opts.sampling, maxWidth: opts.maxWidth },
        selection: opts.selection,
        framesDirFps: opts.framesDirFps,
      });
      let clipSkip: PredictionRecord['skip'];
      let faceFrames = 0;
      if (!opened.ok) clipSkip = { reason: opened.reason, detail: opened.detail };
      else {
        try {
          for await (const f of opened.frames) {
            const frameBase: PredictionRecord = { ...base, frame: f.index };
            const frameId = `${s.id}@${String(f.index).padStart(6, '0')}`;
            if (!f.found) {
              await store.append([{ ...frameBase, id: frameId, face: false }]);
              continue;
            }
            faceFrames++;
            for (let k = 0; k < f.boxes.length; k++) {
              const id = all ? `${frameId}.${k}` : frameId;
              if (store.done.has(id)) continue;
              const box = f.boxes[k];
              const r = preprocessImageInto(f.image, box, card.input, buffer.data, pending.length * buffer.itemSize);
              if (!r.ok) {
                await store.append([{ ...frameBase, id, box, face: true, skip: { reason: r.reason, detail: r.detail } }]);
                continue;
              }
              pending.push({ ...frameBase, id, box: { ...box }, face: true });
              if (pending.length === batchSize) await flush();
            }
          }
        } catch (e) {
          if (!isVideoSkipError(e)) throw e;
          clipSkip = { reason: e.skip.reason, detail: e.skip.detail };
        }
        // The clip's frames go to the store before the record that marks the clip done.
        await flush();
      }
      if (clipSkip) progress.skipped++;
      await store.append([{ ...base, face: faceFrames > 0, ...(clipSkip ? { skip: clipSkip } : {}) }]);
      progress.done++;
      opts.onProgress?.({ ...progress });
    }
    const summary: StoreSummary = { corpus: corpusSummary(corpus), engine: { ...engine.info }, weights: { ...opened.weights }, batchSize };
    await store.markComplete(summary);
    const wallMs = performance.now() - t0;
    // Clips in corpus order, each followed by its frames in id order.
    const records = await store.readAll(corpus.samples.map((s) => s.id));
    return { storeDir: store.dir, key: store.key, records, reused, wallMs, ran: todo.length };
  } finally {
    await embeddings?.close();
    await store.close();
  }
}
