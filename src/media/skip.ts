/**
 * Why a media step could not produce pixels for an item. A bad item is a counted skip, not an exception:
 * every step returns `{ ok: true, ... } | MediaSkip`, so the runner tallies `reason` without try/catch.
 */
export type MediaSkipReason =
  /** The file does not exist (ENOENT / ENOTDIR). */
  | 'missing-file'
  /** The file exists but cannot be read (permissions, a directory, I/O error). */
  | 'read-failed'
  /** Not an image, corrupt, or truncated. */
  | 'decode-failed'
  /** The face box is empty, not finite, or lies entirely outside the image. */
  | 'box-outside-image'
  /** The face crop is narrower or shorter than the run's minimum face size (`--min-face`, off by default). */
  | 'face-too-small';

export interface MediaSkip {
  ok: false;
  reason: MediaSkipReason;
  /** One human sentence: what went wrong, with the library's own message when there is one. */
  detail: string;
  file?: string;
}

/** `{ ok: true } & T` on success, a counted skip otherwise. */
export type MediaResult<T extends object> = ({ ok: true } & T) | MediaSkip;

export function mediaSkip(reason: MediaSkipReason, detail: string, file?: string): MediaSkip {
  return file === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, file };
}
