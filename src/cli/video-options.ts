/**
 * The video options of `bench eval` (`--faces`, `--sampling`, `--face-policy`, `--track`, `--face-margin`,
 * `--max-width`, `--aggregate`) turned into the video runner's options. Each corpus has the papers'
 * defaults: VGAF scores every face of a frame (group videos), the others the largest one.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CLIP_AGGREGATIONS, type ClipAggregation } from '../bench/clips.js';
import type { VideoRunnerOptions } from '../bench/video-runner.js';
import { FACE_SOURCES, openFaceSource, type FaceSourceKind, type FaceSourceSpec } from '../media/faces/open-source.js';
import type { FacePolicy } from '../media/faces/select.js';
import type { SamplingPolicy } from '../media/video/sampling.js';

export interface VideoCliOptions {
  faces?: string;
  sampling?: SamplingPolicy;
  facePolicy?: FacePolicy;
  track?: boolean;
  faceMargin?: number;
  maxWidth?: number;
  aggregate?: ClipAggregation;
  faceConfidence?: number;
  minFaceSize?: number;
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
  const spec = { ...parseFaceSource(opts.faces ?? 'retinaface'), confidence: opts.faceConfidence, minFaceSize: opts.minFaceSize, threads };
  const detector = await openFaceSource(spec);
  const policy = opts.facePolicy ?? defaultFacePolicy(dataset);
  return {
    detector,
    sampling: opts.sampling ?? { kind: 'every' },
    selection: { policy, track: opts.track ?? false, ...(opts.faceMargin ? { margin: { fraction: opts.faceMargin } } : {}) },
    maxWidth: opts.maxWidth,
  };
}

/** Declares the video options on a command (`bench eval`). */
export function addVideoRunOptions(command: Command): Command {
  return command
    .option('--faces <source>', 'video corpora: face source: retinaface (default; RetinaFace MobileNet-0.25, EMO-AffectNet\'s family), ssd (face-api), precropped (frames are face crops), boxes:FILE.csv (clip,frame,x,y,width,height[,score], e.g. MTCNN boxes from the papers\' pipelines)')
    .option('--sampling <policy>', 'video corpora: frames scored: every (default; HSEmotion), nth:N, fps:F, emo-affectnet (step round(5·fps/25))', parseSampling)
    .addOption(new Option('--face-policy <policy>', 'video corpora: largest face (default; AFEW, RAVDESS), best-scoring, or all faces (default for VGAF)').choices(['largest', 'best', 'all']))
    .option('--track', "video corpora: IoU tracking that reuses the previous box for up to 3 missed frames (HSEmotion's aligned variant)")
    .option('--face-margin <fraction>', 'video corpora: grow each face box by this fraction of its size per side (default 0)', parseFraction)
    .option('--face-confidence <p>', 'video corpora: detector confidence threshold (default RetinaFace 0.7, SSD 0.5)', parseFraction)
    .option('--min-face-size <px>', 'video corpora: ignore detections smaller than this (default 0)', (v) => parseSize(v))
    .option('--max-width <px>', 'video corpora: downscale wider frames before detection (default: full size)', (v) => parseSize(v))
    .option('--aggregate <how>', `video corpora: frame scores → clip score: ${CLIP_AGGREGATIONS.join(' | ')} (default mean-probabilities)`, parseAggregation);
}

function parseFraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`expected a number in [0, 1], got "${value}"`);
  return n;
}

function parseSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of pixels ≥ 1, got "${value}"`);
  return n;
}
