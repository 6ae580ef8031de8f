/**
 * One item of a corpus as the loaders yield it. Labels are canonical class names; `group` names the
 * unit items are not independent within (clip, video, actor), for clustered statistics.
 */
import type { ClassName } from './emotions.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type SampleSource =
  | { kind: 'image'; path: string; box?: Box }
  /**
   * One clip of a video file. Every sampled frame of it is scored (one prediction record per frame) and
   * the clip is the item that metrics count. `start`/`end` (seconds) cut a segment out of a longer file.
   */
  | { kind: 'video'; path: string; start?: number; end?: number }
  /**
   * One clip as pre-extracted frames or face crops: the image files directly in `dir`, in file-name
   * order (HSEmotion's `frames/<clip>/%03d.png`). A file name containing `noface` marks a frame in which
   * the original pipeline found no face (HSEmotion's `save_faces`).
   */
  | { kind: 'frames-dir'; dir: string };

export interface Sample {
  id: string;
  corpus: string;
  split: string;
  /** Canonical label; null when the corpus gives none for this item (test splits). */
  label: ClassName | null;
  group?: string;
  source: SampleSource;
  /** Corpus-specific extras (valence/arousal targets, original label id, landmarks...). */
  meta?: { valence?: number; arousal?: number; [key: string]: unknown };
}

/** An item a loader could not turn into a Sample: counted under its reason, never dropped silently. */
export interface SkippedItem {
  id: string;
  reason: string;
  file?: string;
  row?: number;
  detail?: string;
}
