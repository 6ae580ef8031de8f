/**
 * How long the video corpus loaders take to scan corpora of their real sizes: AFEW val (383 clips, and
 * with HSEmotion frame folders of 60 frames each), VGAF val (766), RAVDESS (all 7,356 files of 24
 * actors), CREMA-D (7,442 clips) and Aff-Wild2 (50 videos × 1,000 labelled frames). Every file is a hard
 * link to one tiny real clip (the loaders stat, they do not decode), written under the system temp folder
 * and removed at the end. Prints items, skips and the median of 5 loads after one warm-up load.
 *
 *   node --import tsx benchmarks/corpus-scan.ts
 */
import os from 'node:os';
import path from 'node:path';
import { copyFile, link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Corpus } from '../src/datasets/corpus.js';
import { loadAfew, AFEW_FOLDERS, AFEW_HSEMOTION_FRAMES } from '../src/datasets/afew.js';
import { loadVgaf } from '../src/datasets/vgaf.js';
import { loadRavdess } from '../src/datasets/ravdess.js';
import { loadCremaD, CREMA_D_EMOTIONS, CREMA_D_SENTENCES } from '../src/datasets/crema-d.js';
import { loadAffWild2, AFFWILD2_HEADER } from '../src/datasets/affwild2.js';
import { countByReason } from '../src/datasets/skips.js';
import { mapLimit } from '../src/datasets/pool.js';
import { writeTinyClip } from '../src/datasets/fixtures/clip-writer.js';

const two = (n: number): string => String(n).padStart(2, '0');

let copies = 0;

/** A file system caps the links to one inode (ext4: 65,000), so each 50,000 links get their own copy. */
async function linkAll(src: string, files: string[]): Promise<void> {
  const dirs = new Set(files.map((f) => path.dirname(f)));
  for (const d of dirs) await mkdir(d, { recursive: true });
  for (let i = 0; i < files.length; i += 50_000) {
    const copy = `${src}.${copies++}`;
    await copyFile(src, copy);
    await mapLimit(files.slice(i, i + 50_000), 64, (f) => link(copy, f));
  }
}

async function time(name: string, load: () => Promise<Corpus>): Promise<void> {
  await load(); // warm-up: the page cache and the module code
  const ms: number[] = [];
  let c!: Corpus;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    c = await load();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const med = ms[2];
  const listed = c.samples.length + c.skipped.length;
  console.log(
    `${name.padEnd(22)} items ${String(c.samples.length).padStart(5)}  skipped ${JSON.stringify(countByReason(c.skipped))}\n${''.padEnd(22)} median ${med.toFixed(0)} ms (${ms[0].toFixed(0)}–${ms[4].toFixed(0)}), ${((listed / med) * 1000).toFixed(0)} files/s`,
  );
}

const top = await mkdtemp(path.join(os.tmpdir(), 'fer-bench-scan-'));
try {
  const avi = path.join(top, 'clip.avi');
  const mp4 = path.join(top, 'clip.mp4');
  const flv = path.join(top, 'clip.flv');
  const wav = path.join(top, 'clip.wav');
  const png = path.join(top, 'frame.png');
  await Promise.all([writeTinyClip(avi), writeTinyClip(mp4, { audio: true }), writeTinyClip(flv), writeTinyClip(wav)]);
  await writeFile(png, Buffer.from('89504e470d0a1a0a', 'hex'));

  // AFEW val: the published per-class counts, each clip with 60 HSEmotion frames.
  const afew = path.join(top, 'AFEW');
  const perClass = [64, 40, 46, 63, 63, 61, 46];
  const clips: string[] = [];
  const frames: string[] = [];
  AFEW_FOLDERS.forEach(([folder], k) => {
    for (let i = 0; i < perClass[k]; i++) {
      const id = String(1_000_000 + k * 1000 + i).padStart(9, '0');
      clips.push(path.join(afew, 'val', folder, `${id}.avi`));
      for (let j = 1; j <= 60; j++) frames.push(path.join(afew, 'val', AFEW_HSEMOTION_FRAMES.val, id, `${String(j).padStart(3, '0')}.png`));
    }
  });
  await linkAll(avi, clips);
  await linkAll(png, frames);

  // VGAF val: 766 videos and their list.
  const vgaf = path.join(top, 'VGAF');
  const names = Array.from({ length: 766 }, (_, i) => `${1 + Math.floor(i / 10)}_${1 + (i % 10)}`);
  await linkAll(mp4, names.map((n) => path.join(vgaf, 'Val', `${n}.mp4`)));
  await writeFile(path.join(vgaf, 'Val_labels.txt'), ['Vid_name Label', ...names.map((n, i) => `${n} ${1 + (i % 3)}`)].join('\n') + '\n');

  // RAVDESS: every file of the release (speech 60 + song 44 per actor and modality; no song for Actor_18).
  const rav = path.join(top, 'RAVDESS');
  const ravVideo: string[] = [];
  const ravAudio: string[] = [];
  for (let a = 1; a <= 24; a++) {
    for (const [vv, emotions] of [['01', ['01', '02', '03', '04', '05', '06', '07', '08']], ['02', ['01', '02', '03', '04', '05', '06']]] as const) {
      if (vv === '02' && a === 18) continue;
      for (const ee of emotions) for (const ii of ee === '01' ? ['01'] : ['01', '02']) for (const ss of ['01', '02']) for (const rr of ['01', '02']) {
        const rest = `${vv}-${ee}-${ii}-${ss}-${rr}-${two(a)}`;
        ravVideo.push(path.join(rav, `Actor_${two(a)}`, `01-${rest}.mp4`), path.join(rav, `Actor_${two(a)}`, `02-${rest}.mp4`));
        ravAudio.push(path.join(rav, `Actor_${two(a)}`, `03-${rest}.wav`));
      }
    }
  }
  await linkAll(mp4, ravVideo);
  await linkAll(wav, ravAudio);

  // CREMA-D: 7,442 clips over 91 actors.
  const crema = path.join(top, 'CREMA-D');
  const cremaFiles: string[] = [];
  for (let a = 1001; a <= 1091 && cremaFiles.length < 7442; a++) {
    for (const s of CREMA_D_SENTENCES) for (const [e] of CREMA_D_EMOTIONS) for (const l of s === 'IEO' && e !== 'NEU' ? ['LO', 'MD', 'HI'] : ['XX']) {
      if (cremaFiles.length < 7442) cremaFiles.push(path.join(crema, 'VideoFlash', `${a}_${s}_${e}_${l}.flv`));
    }
  }
  await linkAll(flv, cremaFiles);

  // Aff-Wild2: 50 videos × 1,000 labelled frames, crops for every frame.
  const aw = path.join(top, 'Aff-Wild2');
  const labels = path.join(aw, 'Third ABAW Annotations', 'EXPR_Classification_Challenge', 'Validation_Set');
  await mkdir(labels, { recursive: true });
  const crops: string[] = [];
  for (let v = 0; v < 50; v++) {
    await writeFile(path.join(labels, `${v}-30-640x480.txt`), [AFFWILD2_HEADER, ...Array.from({ length: 1000 }, (_, i) => String((i % 9) - 1))].join('\n') + '\n');
    for (let i = 1; i <= 1000; i++) crops.push(path.join(aw, 'cropped_aligned', `${v}-30-640x480`, `${String(i).padStart(5, '0')}.jpg`));
  }
  await linkAll(png, crops);

  console.log(`corpus scan on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`);
  await time('AFEW val (videos)', () => loadAfew({ root: afew }));
  await time('AFEW val (frames)', () => loadAfew({ root: afew, frames: 'hsemotion' }));
  await time('VGAF val', () => loadVgaf({ root: vgaf }));
  await time('RAVDESS', () => loadRavdess({ root: rav }));
  await time('CREMA-D', () => loadCremaD({ root: crema }));
  await time('Aff-Wild2 val', () => loadAffWild2({ root: aw }));
} finally {
  await rm(top, { recursive: true, force: true });
}
