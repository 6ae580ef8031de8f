/**
 * Why a loader left an item out (or kept it with a note). Every reason has one sentence a report can
 * print, so "skipped 12 items" always comes with "because ...".
 */
import type { SkippedItem } from './sample.js';

export const SKIP_REASONS = {
  'missing-file': 'the listed file (image, video or frame folder) does not exist, or is not a regular file / folder',
  'empty-file': 'the image or video file is empty (0 bytes)',
  'malformed-row': 'the CSV row could not be parsed (wrong number of fields, a non-numeric value, a broken quote)',
  'unknown-label': 'the label is not in the corpus label space or the label map',
  'excluded-label': 'the label map excludes this label',
  'duplicate-id': 'an earlier item has the same id; only the first is kept',
  'not-an-image': 'the file in a class folder does not have an image extension',
  'not-in-class-folder': 'the file sits next to the class folders instead of inside one',
  'missing-annotation': 'the image has no <idx>_exp.npy annotation',
  'bad-annotation': 'the annotation .npy file could not be read as a label',
  'expression-none': "AffectNet expression 8 ('None'): not one of the 8 emotion classes",
  'expression-uncertain': "AffectNet expression 9 ('Uncertain')",
  'expression-no-face': "AffectNet expression 10 ('No-Face')",
  'bad-face-box': 'the face box has a negative or zero width or height',
  'not-a-video': 'the file in a video corpus folder does not have a video extension',
  'unparseable-name': "the file name does not follow the corpus's naming rule (the rule it broke is in the detail)",
  'audio-only': 'an audio file (RAVDESS modality 03, .wav): there is nothing to see, so it is ignored',
  'other-modality': 'a RAVDESS clip of the modality not selected (audio-video and video-only are the same recording)',
  'other-channel': 'a RAVDESS clip of the vocal channel (speech / song) not selected',
  'missing-labels-file': "the split's labels file is missing, so its videos have no label",
  'unlabelled-video': 'the video is not listed in the labels file',
  'missing-frames': "the clip's pre-extracted frame folder does not exist",
  'empty-frames': "the clip's frame folder holds no image files",
  'no-valid-frames': 'every frame of the video is labelled -1 (invalid)',
  'not-a-label-file': 'the file in a per-video label folder is not a .txt label file',
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

/** Items kept in the corpus but noted: the problem does not affect evaluation. */
export const FLAG_REASONS = {
  'bad-landmarks': 'the facial_landmarks field does not hold 136 numbers (68 points); the item is still evaluated',
} as const;

export type FlagReason = keyof typeof FLAG_REASONS;

export interface ItemWhere {
  file?: string;
  row?: number;
  detail?: string;
}

/** Collects skipped items in encounter order. */
export class SkipList {
  readonly items: SkippedItem[] = [];

  add(reason: SkipReason | FlagReason, id: string, where: ItemWhere = {}): void {
    const item: SkippedItem = { id, reason };
    if (where.file !== undefined) item.file = where.file;
    if (where.row !== undefined) item.row = where.row;
    if (where.detail !== undefined) item.detail = where.detail;
    this.items.push(item);
  }
}

/** `{ reason: count }` with keys in sorted order, so serialised records are stable. */
export function countByReason(items: readonly SkippedItem[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const it of items) counts.set(it.reason, (counts.get(it.reason) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
