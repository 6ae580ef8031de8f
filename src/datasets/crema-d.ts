/**
 * CREMA-D as its repository ships it (corpora.md §4.5): `VideoFlash/<ActorID>_<Sentence>_<EMO>_<Level>.flv`,
 * e.g. `1001_DFA_ANG_XX.flv`: actors 1001..1091, 12 sentence codes, 6 emotions (ANG, DIS, FEA, HAP, NEU,
 * SAD; no surprise), level LO / MD / HI / XX (unspecified). The actor is the group. A name that breaks the
 * rule is skipped as `unparseable-name` with the rule; audio files (`AudioWAV/` copies dropped in) are
 * counted as `audio-only`. `videoDir` reads a re-encoded copy (e.g. `VideoMP4`) laid out the same way.
 * When the repository's `VideoDemographics.csv` (ActorID,Age,Sex,Race,Ethnicity) is beside it, each item's
 * `meta` also gets the actor's `gender` and `age`; an actor missing from it simply has neither.
 */
import path from 'node:path';
import { BenchError } from '../errors.js';
import type { Emotion } from './emotions.js';
import type { Corpus } from './corpus.js';
import type { Sample } from './sample.js';
import { finishCorpus } from './manifest.js';
import { readCsvLines } from './csv.js';
import { isDirectory, isFile, relativePosix } from './paths.js';
import { SkipList, type ItemWhere } from './skips.js';
import { describeFolder, isAudioFile, isVideoFile, listClips, requireRootFolder, stem, videoLayoutError } from './video-files.js';

export interface CremaDOptions {
  /** The CREMA-D folder (the repository's top folder, holding `VideoFlash/`). */
  root: string;
  /** Folder of clips under the root. Default `VideoFlash`. */
  videoDir?: string;
  /** Stat every clip; missing and empty ones are counted. Default true. */
  checkFiles?: boolean;
  /** Files stat'ed at once. Default 32. */
  concurrency?: number;
}

/** Emotion code → class, in the order the corpus lists them. */
export const CREMA_D_EMOTIONS: ReadonlyArray<readonly [string, Emotion]> = [
  ['ANG', 'anger'],
  ['DIS', 'disgust'],
  ['FEA', 'fear'],
  ['HAP', 'happiness'],
  ['NEU', 'neutral'],
  ['SAD', 'sadness'],
];
export const CREMA_D_CLASSES: readonly Emotion[] = CREMA_D_EMOTIONS.map(([, c]) => c);
export const CREMA_D_SENTENCES: readonly string[] = ['DFA', 'IEO', 'IOM', 'ITH', 'ITS', 'IWL', 'IWW', 'MTI', 'TAI', 'TIE', 'TSI', 'WSI'];
const LEVELS: Record<string, string> = { LO: 'low', MD: 'medium', HI: 'high', XX: 'unspecified' };

export interface CremaDName {
  actor: number;
  sentence: string;
  emotion: string;
  level: string;
}

/** Parses a CREMA-D file stem; `{ rule }` names the rule it broke. */
export function parseCremaDName(name: string): CremaDName | { rule: string } {
  const f = name.split('_');
  if (f.length !== 4) return { rule: 'four fields <ActorID>_<Sentence>_<EMO>_<Level> separated by "_"' };
  const [a, sentence, emotion, level] = f;
  const actor = Number(a);
  if (!/^\d{4}$/.test(a) || actor < 1001 || actor > 1091) return { rule: `actor (field 1) is 1001..1091, not ${a}` };
  if (!CREMA_D_SENTENCES.includes(sentence)) return { rule: `sentence (field 2) is one of ${CREMA_D_SENTENCES.join(', ')}, not ${sentence}` };
  if (!CREMA_D_EMOTIONS.some(([c]) => c === emotion)) return { rule: `emotion (field 3) is one of ${CREMA_D_EMOTIONS.map(([c]) => c).join(', ')}, not ${emotion}` };
  if (!Object.hasOwn(LEVELS, level)) return { rule: `level (field 4) is LO, MD, HI or XX, not ${level}` };
  return { actor, sentence, emotion, level: LEVELS[level] };
}

/** ActorID → gender and age, from `VideoDemographics.csv` when it is there. */
async function demographics(root: string): Promise<Map<number, { gender?: string; age?: number }>> {
  const out = new Map<number, { gender?: string; age?: number }>();
  const file = path.join(root, 'VideoDemographics.csv');
  if (!(await isFile(file))) return out;
  let col: Record<string, number> | undefined;
  for await (const rec of readCsvLines(file)) {
    if ('error' in rec) continue;
    const f = rec.fields.map((x) => x.trim());
    if (!col) {
      col = Object.fromEntries(f.map((name, i) => [name.toLowerCase(), i]));
      continue;
    }
    const actor = Number(f[col.actorid]);
    const sex = f[col.sex]?.toLowerCase();
    const age = Number(f[col.age]);
    if (!Number.isInteger(actor)) continue;
    out.set(actor, { ...(sex === 'male' || sex === 'female' ? { gender: sex } : {}), ...(f[col.age] && Number.isFinite(age) ? { age } : {}) });
  }
  return out;
}

/** Loads CREMA-D (see the module comment). */
export async function loadCremaD(opts: CremaDOptions): Promise<Corpus> {
  if (!opts?.root) throw new BenchError('BAD_INPUT', 'no CREMA-D root given', { fix: 'pass --root <the CREMA-D folder holding VideoFlash/>' });
  const root = path.resolve(opts.root);
  const videoDir = opts.videoDir ?? 'VideoFlash';
  const layouts = [`${videoDir}/<ActorID>_<Sentence>_<EMO>_<Level>.flv (e.g. ${videoDir}/1001_DFA_ANG_XX.flv)`];
  await requireRootFolder('CREMA-D', root, layouts);
  const dir = path.join(root, videoDir);
  if (!(await isDirectory(dir))) {
    const inside = path.basename(root) === videoDir;
    throw videoLayoutError(
      'CREMA-D',
      inside ? `${root} is the ${videoDir} folder itself.` : `${root} has no ${videoDir}/ folder; it contains: ${await describeFolder(root)}.`,
      root,
      inside ? 'point --root at its parent, the CREMA-D folder' : 'point --root at the CREMA-D folder (the one holding VideoFlash/)',
      layouts,
    );
  }
  const people = await demographics(root);
  const skips = new SkipList();
  const samples: Sample[] = [];
  const origins: ItemWhere[] = [];
  for (const name of await listClips(dir, root, skips)) {
    const file = path.join(dir, name);
    const id = stem(name);
    if (isAudioFile(name)) {
      skips.add('audio-only', id, { file, detail: `${name} is an audio file` });
      continue;
    }
    if (!isVideoFile(name)) {
      skips.add('not-a-video', relativePosix(root, file), { file });
      continue;
    }
    const p = parseCremaDName(id);
    if ('rule' in p) {
      skips.add('unparseable-name', id, { file, detail: `${name}: ${p.rule}` });
      continue;
    }
    const label = CREMA_D_EMOTIONS.find(([c]) => c === p.emotion)![1];
    samples.push({ id, corpus: 'crema-d', split: 'all', label, group: String(p.actor), source: { kind: 'video', path: file }, meta: { sourceLabel: p.emotion, ...p, ...people.get(p.actor) } });
    origins.push({ file });
  }
  return finishCorpus(
    { name: 'crema-d', root, split: 'all', layout: 'videos', classes: [...CREMA_D_CLASSES], sourceLabels: Object.fromEntries(CREMA_D_EMOTIONS), samples, skipped: skips.items },
    { checkFiles: opts.checkFiles, concurrency: opts.concurrency, origins },
  );
}
