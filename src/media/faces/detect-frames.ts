/**
 * The detection stage over a clip's frames, with the cache:
 *
 *   for await (const { frame, faces, fromCache } of detectFrames(clip.frames, { detector, cache, key, clip: id })) …
 *
 * On a cache hit the detector is not called at all; the frames still stream (the model needs the pixels)
 * and each gets its cached faces. On a miss every frame is detected and, once the whole clip went through,
 * the detections are written to the cache. Stopping early or a decoding failure writes nothing.
 */
import type { RgbImage } from '../image.js';
import type { CachedFrame, DetectionCache, DetectionKey } from './cache.js';
import type { DetectedFace, FaceDetector } from './detector.js';

export interface DetectFramesOptions {
  detector: FaceDetector;
  /** With `key`, reuse and store detections. */
  cache?: DetectionCache;
  key?: Omit<DetectionKey, 'detector'>;
  /** Clip id, passed to the detector as context (the boxes-CSV source needs it). */
  clip?: string;
}

export interface DetectedFrame<F> {
  frame: F;
  faces: DetectedFace[];
  fromCache: boolean;
}

export interface FrameLike {
  index: number;
  image: RgbImage;
  noface?: boolean;
}

export async function* detectFrames<F extends FrameLike>(frames: AsyncIterable<F>, opts: DetectFramesOptions): AsyncGenerator<DetectedFrame<F>> {
  const { detector, cache } = opts;
  const key: DetectionKey | undefined = cache && opts.key ? { ...opts.key, detector: detector.identity } : undefined;
  const cached = key ? await cache!.read(key) : null;
  const byIndex = cached ? new Map(cached.map((c) => [c.index, c.faces])) : null;
  const fresh: CachedFrame[] = [];
  for await (const frame of frames) {
    const hit = byIndex?.get(frame.index);
    if (hit) {
      yield { frame, faces: hit, fromCache: true };
      continue;
    }
    const faces = await detector.detect(frame.image, { clip: opts.clip, frame: frame.index, noface: frame.noface });
    fresh.push({ index: frame.index, faces });
    yield { frame, faces, fromCache: false };
  }
  // Reached only when the clip went through to its end.
  if (key && !cached) await cache!.write(key, fresh);
}
