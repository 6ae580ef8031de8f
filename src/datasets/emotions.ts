/**
 * The canonical emotion vocabulary. Every corpus label and every model class is mapped onto these
 * names explicitly; indices only exist inside a label space (a corpus or a model), never globally.
 */
export const EMOTIONS = [
  'neutral',
  'happiness',
  'sadness',
  'surprise',
  'fear',
  'disgust',
  'anger',
  'contempt',
  'calm',
  'other',
] as const;

export type Emotion = (typeof EMOTIONS)[number];

/** Group-affect valence classes (VGAF): a separate vocabulary, never mixed with EMOTIONS. */
export const GROUP_VALENCE = ['positive', 'neutral', 'negative'] as const;
export type GroupValence = (typeof GROUP_VALENCE)[number];

/** Any class name a label space may use. */
export type ClassName = Emotion | `group:${GroupValence}`;

const SYNONYMS: Record<string, Emotion> = {
  neutral: 'neutral',
  happiness: 'happiness', happy: 'happiness', joy: 'happiness', hap: 'happiness',
  sadness: 'sadness', sad: 'sadness',
  surprise: 'surprise', surprised: 'surprise', sur: 'surprise',
  fear: 'fear', fearful: 'fear', scared: 'fear', afraid: 'fear', fea: 'fear',
  disgust: 'disgust', disgusted: 'disgust', dis: 'disgust',
  anger: 'anger', angry: 'anger', ang: 'anger',
  contempt: 'contempt',
  calm: 'calm',
  other: 'other',
  neu: 'neutral',
};

/** Every spelling toEmotion reads (canonical names and synonyms), for did-you-mean suggestions. */
export const EMOTION_SPELLINGS: readonly string[] = Object.keys(SYNONYMS);

/** Maps a label as corpora and models spell it ("Happy", "ANG", "fearful") to the canonical name, or undefined. */
export function toEmotion(name: string): Emotion | undefined {
  const key = name.trim().toLowerCase();
  // Own keys only: a label spelt `constructor` or `__proto__` is unknown, not Object.prototype's.
  return Object.hasOwn(SYNONYMS, key) ? SYNONYMS[key] : undefined;
}
