/**
 * RAVDESS as it ships (corpora.md §4.1): `Actor_NN/MM-VV-EE-II-SS-RR-AA.mp4`, every fact about a clip in
 * its name: modality (01 audio-video, 02 video-only, 03 audio-only), vocal channel (01 speech, 02 song),
 * emotion (01 neutral .. 08 surprised), intensity (01 normal, 02 strong), statement (01 "Kids are talking
 * by the door", 02 "Dogs are sitting by the door"), repetition (01, 02), actor (01..24; odd male, even
 * female). The per-actor zips extract to `Actor_NN/`, either straight into the root or each into its own
 * folder (`Video_Speech_Actor_01/Actor_01/`): both are read.
 *
 * - The actor (`Actor_NN`) is the group: clips of one actor are not independent.
 * - `modality`: `audio-video` by default. The video-only files are the same recordings with the sound
 *   removed, so evaluating both would count every performance twice; they are counted as `other-modality`.
 * - `calm` (02) has no class in the 7-class models: dropped by default and counted as `excluded-label`;
 *   `neutral` maps it to neutral, `keep` keeps it as its own class. The choice is in `sourceLabels`.
 * - Audio files (`.wav`, modality 03) are ignored and counted (`audio-only`).
 * - A name that breaks the naming rule is skipped as `unparseable-name` with the rule in the detail:
 *   seven two-digit fields, each code in range, no strong neutral, no disgust or surprise in song, the actor
 *   field equal to its folder's, and no song for Actor_18 (who recorded none).
 */
import path from 'node:path';
import { BenchError } from '../errors.js';
import type { ClassName, Emotion } from './emotions.js';
import type { Corpus } from './corpus.js';
import type { Sample } from './sample.js';
import { finishCorpus } from './manifest.js';
import { relativePosix } from './paths.js';
import { SkipList, type ItemWhere } from './skips.js';
import { describeFolder, isAudioFile, isVideoFile, listClips, listFolder, requireRootFolder, stem, videoLayoutError } from './video-files.js';

export type RavdessModality = 'audio-video' | 'video-only';
export type RavdessChannel = 'speech' | 'song';
export type CalmPolicy = 'drop' | 'neutral' | 'keep';

export interface RavdessOptions {
  /** The folder holding `Actor_01/ .. Actor_24/` (or one folder per extracted zip, each holding its `Actor_NN/`). */
  root: string;
  /** Default `audio-video` (see the module comment); `both` reads the two. */
  modality?: RavdessModality | 'both';
  /** Default `both`. */
  channel?: RavdessChannel | 'both';
  /** What calm (02) becomes. Default `drop`. */
  calm?: CalmPolicy;
  /** Stat every clip; missing and empty ones are counted. Default true. */
  checkFiles?: boolean;
  /** Files stat'ed at once. Default 32. */
  concurrency?: number;
}

/** Emotion code → how RAVDESS names it and the canonical class, in code order. */
export const RAVDESS_EMOTIONS: ReadonlyArray<readonly [string, string, Emotion]> = [
  ['01', 'neutral', 'neutral'],
  ['02', 'calm', 'calm'],
  ['03', 'happy', 'happiness'],
  ['04', 'sad', 'sadness'],
  ['05', 'angry', 'anger'],
  ['06', 'fearful', 'fear'],
  ['07', 'disgust', 'disgust'],
  ['08', 'surprised', 'surprise'],
];

const MODALITIES: Record<string, RavdessModality | 'audio-only'> = { '01': 'audio-video', '02': 'video-only', '03': 'audio-only' };
const CHANNELS: Record<string, RavdessChannel> = { '01': 'speech', '02': 'song' };
const INTENSITIES: Record<string, string> = { '01': 'normal', '02': 'strong' };
const STATEMENTS: Record<string, string> = { '01': 'Kids are talking by the door', '02': 'Dogs are sitting by the door' };
const SONG_EMOTIONS = new Set(['01', '02', '03', '04', '05', '06']);
const ACTOR_DIR = /^Actor_(\d\d)$/;

const LAYOUTS = [
  'Actor_01/ .. Actor_24/ holding MM-VV-EE-II-SS-RR-AA.mp4 (e.g. Actor_06/01-01-07-02-02-02-06.mp4)',
  'one folder per extracted zip, each holding its Actor_NN/ (Video_Speech_Actor_06/Actor_06/...)',
];

/** The classes for a calm policy, in RAVDESS code order. */
export function ravdessClasses(calm: CalmPolicy = 'drop'): Emotion[] {
  return RAVDESS_EMOTIONS.map(([, , c]) => c).filter((c) => c !== 'calm' || calm === 'keep');
}

export interface RavdessName {
  modality: RavdessModality | 'audio-only';
  channel: RavdessChannel;
  emotionCode: string;
  intensity: string;
  statement: number;
  repetition: number;
  actor: number;
}

/** Parses a RAVDESS file stem; `{ rule }` names the rule it broke. `folderActor` is the Actor_NN folder's number. */
export function parseRavdessName(name: string, folderActor?: number): RavdessName | { rule: string } {
  const f = name.split('-');
  if (f.length !== 7 || !f.every((x) => /^\d\d$/.test(x))) return { rule: 'seven two-digit fields MM-VV-EE-II-SS-RR-AA separated by "-"' };
  const [mm, vv, ee, ii, ss, rr, aa] = f;
  if (!MODALITIES[mm]) return { rule: `modality (field 1) is 01 audio-video, 02 video-only or 03 audio-only, not ${mm}` };
  if (!CHANNELS[vv]) return { rule: `vocal channel (field 2) is 01 speech or 02 song, not ${vv}` };
  if (!RAVDESS_EMOTIONS.some(([code]) => code === ee)) return { rule: `emotion (field 3) is 01..08, not ${ee}` };
  if (!INTENSITIES[ii]) return { rule: `intensity (field 4) is 01 normal or 02 strong, not ${ii}` };
  if (ee === '01' && ii === '02') return { rule: 'neutral (emotion 01) has no strong intensity (02)' };
  if (!STATEMENTS[ss]) return { rule: `statement (field 5) is 01 or 02, not ${ss}` };
  if (rr !== '01' && rr !== '02') return { rule: `repetition (field 6) is 01 or 02, not ${rr}` };
  const actor = Number(aa);
  if (actor < 1 || actor > 24) return { rule: `actor (field 7) is 01..24, not ${aa}` };
  if (folderActor !== undefined && actor !== folderActor) return { rule: `actor (field 7) ${aa} is the number of its folder Actor_${String(folderActor).padStart(2, '0')}` };
  if (vv === '02' && !SONG_EMOTIONS.has(ee)) return { rule: `song (channel 02) has no ${ee === '07' ? 'disgust (07)' : 'surprised (08)'}` };
  if (vv === '02' && actor === 18) return { rule: 'Actor_18 recorded no song (channel 02)' };
  return { modality: MODALITIES[mm], channel: CHANNELS[vv], emotionCode: ee, intensity: INTENSITIES[ii], statement: Number(ss), repetition: Number(rr), actor };
}

/** Every `Actor_NN` folder under `root`, at depth 1 or inside one extracted-zip folder. */
async function actorFolders(root: string): Promise<Array<{ dir: string; actor: number }>> {
  const out: Array<{ dir: string; actor: number }> = [];
  for (const d of (await listFolder(root)).dirs) {
    const m = ACTOR_DIR.exec(d);
    if (m) out.push({ dir: path.join(root, d), actor: Number(m[1]) });
    else for (const inner of (await listFolder(path.join(root, d))).dirs) {
      const n = ACTOR_DIR.exec(inner);
      if (n) out.push({ dir: path.join(root, d, inner), actor: Number(n[1]) });
    }
  }
  return out;
}

function check<T extends string>(what: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) throw new BenchError('BAD_INPUT', `RAVDESS ${what} '${value}' is not one of ${allowed.join(', ')}`, { fix: `use --${what} ${allowed.join('|')}` });
}

/** Loads RAVDESS (see the module comment). */
export async function loadRavdess(opts: RavdessOptions): Promise<Corpus> {
  if (!opts?.root) throw new BenchError('BAD_INPUT', 'no RAVDESS root given', { fix: 'pass --root <the folder holding Actor_01/ .. Actor_24/>' });
  const root = path.resolve(opts.root);
  const { modality = 'audio-video', channel = 'both', calm = 'drop' } = opts;
  check('modality', modality, ['audio-video', 'video-only', 'both']);
  check('channel', channel, ['speech', 'song', 'both']);
  check('calm', calm, ['drop', 'neutral', 'keep']);
  await requireRootFolder('RAVDESS', root, LAYOUTS);
  const actors = await actorFolders(root);
  if (actors.length === 0) {
    const own = ACTOR_DIR.exec(path.basename(root));
    throw videoLayoutError(
      'RAVDESS',
      own ? `${root} is one actor's folder.` : `${root} holds no Actor_NN folder; it contains: ${await describeFolder(root)}.`,
      root,
      own ? 'point --root at its parent, the folder holding every Actor_NN/' : 'point --root at the folder the RAVDESS zips were extracted into',
      LAYOUTS,
    );
  }

  const skips = new SkipList();
  for (const f of (await listFolder(root)).files) {
    if (isVideoFile(f) || isAudioFile(f)) skips.add('not-in-class-folder', f, { file: path.join(root, f), detail: 'RAVDESS clips sit in Actor_NN/ folders' });
  }
  const sourceLabels: Record<string, ClassName | null> = {};
  for (const [code, , c] of RAVDESS_EMOTIONS) sourceLabels[code] = c !== 'calm' ? c : calm === 'drop' ? null : calm === 'neutral' ? 'neutral' : 'calm';
  const samples: Sample[] = [];
  const origins: ItemWhere[] = [];
  for (const { dir, actor } of actors) {
    const group = `Actor_${String(actor).padStart(2, '0')}`;
    for (const name of await listClips(dir, root, skips)) {
      const file = path.join(dir, name);
      const id = stem(name);
      const where = { file };
      if (isAudioFile(name)) {
        skips.add('audio-only', id, { ...where, detail: `${name} is an audio file` });
        continue;
      }
      if (!isVideoFile(name)) {
        skips.add('not-a-video', relativePosix(root, file), where);
        continue;
      }
      const p = parseRavdessName(id, actor);
      if ('rule' in p) {
        skips.add('unparseable-name', id, { ...where, detail: `${name}: ${p.rule}` });
        continue;
      }
      if (p.modality === 'audio-only') {
        skips.add('audio-only', id, { ...where, detail: `${name} says modality 03 (audio-only)` });
        continue;
      }
      if (modality !== 'both' && p.modality !== modality) {
        skips.add('other-modality', id, { ...where, detail: `${p.modality}; reading ${modality} (--modality both reads the two)` });
        continue;
      }
      if (channel !== 'both' && p.channel !== channel) {
        skips.add('other-channel', id, { ...where, detail: `${p.channel}; reading ${channel}` });
        continue;
      }
      const [, sourceLabel] = RAVDESS_EMOTIONS.find(([code]) => code === p.emotionCode)!;
      const label = sourceLabels[p.emotionCode];
      if (label === null) {
        skips.add('excluded-label', id, { ...where, detail: 'calm (02) has no class in the 7-class models (--calm neutral maps it to neutral, --calm keep keeps it)' });
        continue;
      }
      const { statement, repetition, intensity } = p;
      const meta = { sourceLabel, emotionCode: p.emotionCode, modality: p.modality, channel: p.channel, intensity, statement, repetition, actor, gender: actor % 2 === 1 ? 'male' : 'female' };
      samples.push({ id, corpus: 'ravdess', split: 'all', label, group, source: { kind: 'video', path: file }, meta });
      origins.push(where);
    }
  }
  return finishCorpus(
    { name: 'ravdess', root, split: 'all', layout: 'actors', classes: ravdessClasses(calm), sourceLabels, samples, skipped: skips.items },
    { checkFiles: opts.checkFiles, concurrency: opts.concurrency, origins },
  );
}
