/**
 * The video options of `bench eval` (`--faces`, `--sampling`, `--face-policy`, `--track`, `--face-margin`,
 * `--max-width`, `--aggregate`) turned into the video runner's options. Each corpus has the papers'
 * defaults: VGAF scores every face of a frame (group videos), the others the largest one.
 */
import { InvalidArgumentError } from 'commander';
import { CLIP_AGGREGATIONS, type ClipAggregation } from '../bench/clips.js';
import type { VideoRunnerOptions } from '../bench/video-runner.js';
import { FACE_SOURCES, openFaceSource, type FaceSourceKind, type FaceSourceSpec } from '../media/faces/open-source.js';
import type { FacePolicy } from '../media/faces/select.js';
import type { SamplingPolicy } from '../media/video/sampling.js';

export interface VideoCliOptions {
  faces?: string;
  sampling?: string;
  facePolicy?: FacePolicy;
  track?: boolean;
  faceMargin?: number;
  maxWidth?: number;
  aggregate?: ClipAggregation;
  faceConfidence?: number;
  minFace?: number;
}

/** `every`, `nth:N`, `fps:F` or `emo-affectnet` (EMO-AffectNet's step round(5·fps/25)). */
export function parseSampling(value: string): SamplingPolicy {
  const v = value.trim();
  if (v === 'every') return { kind: 'every' };
  if (v === 'emo-affectnet' || v === 'emo') return { kind: 'emo-affectnet' };
  const [kind, arg] = v.split(':');
  const n = Number(arg);
  if (kind === 'nth' && Number.isInteger(n) && n >= 1) return { kind: 'every-nth', n };
  if (kind === 'fps' && n > 0 && Number.isFinite(n)) return { kind: 'fps', fps: n };
  throw new InvalidArgumentError(`expected every, nth:N (N ≥ 1), fps:F (F > 0) or emo-affectnet, got "${value}"`);
}

/** `retinaface`, `ssd`, `precropped` or `boxes:FILE.csv`. */
export function parseFaceSource(value: string): FaceSourceSpec {
  const [kind, ...rest] = value.split(':');
  if (kind === 'boxes') {
    if (rest.length === 0 || rest.join(':') === '') throw new InvalidArgumentError('boxes needs its file: --faces boxes:boxes.csv');
    return { kind: 'boxes', file: rest.join(':') };
  }
  if (!(FACE_SOURCES as readonly string[]).includes(kind) || rest.length > 0) {
    throw new InvalidArgumentError(`expected one of retinaface, ssd, precropped, boxes:FILE.csv, got "${value}"`);
  }
  return { kind: kind as FaceSourceKind };
}

export function parseAggregation(value: string): ClipAggregation {
  if (!(CLIP_AGGREGATIONS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${CLIP_AGGREGATIONS.join(', ')}, got "${value}"`);
  return value as ClipAggregation;
}

/** The face policy a corpus's papers used: every face for VGAF's group videos, else the largest. */
export function defaultFacePolicy(dataset: string): FacePolicy {
  return dataset === 'vgaf' ? 'all' : 'largest';
}

/** Opens the face source and returns the runner options (the caller disposes `detector`). */
export async function videoRunnerOptionsFromCli(dataset: string, opts: VideoCliOptions, threads?: number): Promise<Omit<VideoRunnerOptions, 'batchSize' | 'storeDir' | 'onProgress'>> {
  const spec = { ...parseFaceSource(opts.faces ?? 'retinaface'), confidence: opts.faceConfidence, minFaceSize: opts.minFace, threads };
  const detector = await openFaceSource(spec);
  const policy = opts.facePolicy ?? defaultFacePolicy(dataset);
  return {
    detector,
    sampling: parseSampling(opts.sampling ?? 'every'),
    selection: { policy, track: opts.track ?? false, ...(opts.faceMargin ? { margin: { fraction: opts.faceMargin } } : {}) },
    maxWidth: opts.maxWidth,
  };
}
