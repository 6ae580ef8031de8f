/**
 * Why a clip gave no frames (or no face): per-clip skip reasons the runner counts, never drops. They
 * extend the image reasons of `../skip.ts` (a missing or unreadable file is the same problem for a clip).
 */
import type { MediaSkipReason } from '../skip.js';

export const VIDEO_SKIP_REASONS = {
  'video-empty': 'the video file is empty (0 bytes)',
  'video-unreadable': 'ffmpeg cannot read the video: truncated, corrupt, or a codec this ffmpeg has no decoder for',
  'video-no-frames': 'the file holds no video stream, or the stream (or the asked segment) has no frame',
  'no-face': 'no face was found on any sampled frame of the clip',
} as const;

export type VideoSkipReason = keyof typeof VIDEO_SKIP_REASONS | Extract<MediaSkipReason, 'missing-file' | 'read-failed'>;

export interface VideoSkip {
  ok: false;
  reason: VideoSkipReason;
  /** One sentence: what went wrong, with ffmpeg's own last message when there is one. */
  detail: string;
  file: string;
}

export type VideoResult<T extends object> = ({ ok: true } & T) | VideoSkip;

export function videoSkip(reason: VideoSkipReason, detail: string, file: string): VideoSkip {
  return { ok: false, reason, detail, file };
}

/**
 * Thrown by a frame iterator when ffmpeg fails after the clip was opened (a truncated file whose header
 * was intact). It carries the skip so the runner can count it like one returned up front; frames already
 * yielded stay valid but the clip as a whole is `video-unreadable`.
 */
export class VideoSkipError extends Error {
  readonly skip: VideoSkip;
  /** Frames the iterator yielded before the failure. */
  readonly framesYielded: number;
  constructor(skip: VideoSkip, framesYielded: number) {
    super(`${skip.reason}: ${skip.detail} (${skip.file})`);
    this.name = 'VideoSkipError';
    this.skip = skip;
    this.framesYielded = framesYielded;
  }
}

export function isVideoSkipError(e: unknown): e is VideoSkipError {
  return e instanceof VideoSkipError;
}
