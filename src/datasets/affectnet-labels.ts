/**
 * AffectNet's label coding (docs/corpora.md §1.1): expression ids 0..7 are the eight emotions, 8..10 are
 * None / Uncertain / No-Face and never evaluated. Shared by the loader, the fixture and the protocols.
 */
import type { Emotion } from './emotions.js';
import type { SkipReason } from './skips.js';

/** Canonical class of AffectNet expression id 0..7, in id order. This is the AffectNet label space. */
export const AFFECTNET_CLASSES: readonly Emotion[] = [
  'neutral',
  'happiness',
  'sadness',
  'surprise',
  'fear',
  'disgust',
  'anger',
  'contempt',
];

/** Ids 8..10 and the reason their items are skipped under. */
export const AFFECTNET_EXCLUDED: Readonly<Record<number, SkipReason>> = {
  8: 'expression-none',
  9: 'expression-uncertain',
  10: 'expression-no-face',
};

/** Folder names of the HSEmotion folder-per-class copy (train_emotions.ipynb), by AffectNet id. */
export const AFFECTNET_FOLDER_NAMES: readonly string[] = [
  'Neutral',
  'Happiness',
  'Sadness',
  'Surprise',
  'Fear',
  'Disgust',
  'Anger',
  'Contempt',
];

/** Valence/arousal value AffectNet uses for "not annotated" (Uncertain and No-Face rows). */
export const AFFECTNET_VA_MISSING = -2;

/** `{ "0": "neutral", ..., "7": "contempt", "8": null, "9": null, "10": null }`: the id coding as recorded. */
export function affectnetIdLabels(): Record<string, Emotion | null> {
  const out: Record<string, Emotion | null> = {};
  AFFECTNET_CLASSES.forEach((c, i) => (out[String(i)] = c));
  for (const id of Object.keys(AFFECTNET_EXCLUDED)) out[id] = null;
  return out;
}
