/**
 * Test clips made from real photographs, with their ground truth. Library code (not test code) so corpus
 * fixtures (AFEW, VGAF, RAVDESS layouts) can write clips too.
 *
 * `writeFaceClip(path, opts)` renders each frame in Node — a window moving and zooming over a photo,
 * resized with cv2's bilinear kernel — and pipes the raw RGB frames to ffmpeg, which encodes them in the
 * asked container/codec. Because the window of every frame is known, so is where the face lands: the
 * returned truth lists, per frame, the face box (or null on a frame with no face). The default clip is
 * a pan/zoom over the astronaut's face, a cut to a photo with no face, and a cut back to a closer framing.
 *
 * Faulty files for the skip reasons: `writeEmptyVideo` (0 bytes), `writeTruncatedVideo` (the first part of a
 * real clip), `writeUndecodableVideo` (an MP4 whose codec tag no ffmpeg decoder knows).
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Box } from '../../datasets/sample.js';
import { createRng } from '../../bench/metrics/prng.js';
import { BenchError } from '../../errors.js';
import { decodeImage, type RgbImage } from '../image.js';
import { resizeRgb } from '../resize.js';
import { lastMessage, requireTool, runTool, toolCommand } from './ffmpeg.js';

const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);

export interface FixturePhoto {
  path: string;
  /** The face's box in the photo (pixels), or null for a photo with no human face. */
  face: Box | null;
}

/** The repository's photos (see test/fixtures/faces/README.md and test/fixtures/media/README.md). */
export const FIXTURE_PHOTOS = {
  /** NASA, public domain; face box as RetinaFace mnet.25 finds it (score 0.995), rounded. */
  astronaut: { path: fileURLToPath(new URL('faces/astronaut.png', FIXTURES)), face: { x: 179, y: 55, width: 94, height: 120 } },
  /** A cup of coffee on a table: no face. */
  coffee: { path: fileURLToPath(new URL('media/coffee.png', FIXTURES)), face: null },
  /** Chelsea the cat: a face, but not a human one (RetinaFace finds none). */
  chelsea: { path: fileURLToPath(new URL('media/chelsea.png', FIXTURES)), face: null },
} satisfies Record<string, FixturePhoto>;

/** A run of frames over one photo; the window zooms and pans linearly from `from` to `to`. */
export interface ClipSegment {
  photo: FixturePhoto;
  frames: number;
  /**
   * Window placement at the first and last frame: `zoom` is the window's width in face widths (for a
   * photo with a face) or in photo widths (for one without); `dx, dy` shift its centre, in the same
   * units. Default `{ zoom: 3, dx: 0, dy: 0 }` at both ends.
   */
  from?: Framing;
  to?: Framing;
}

export interface Framing {
  zoom: number;
  dx?: number;
  dy?: number;
}

export type ClipContainer = 'mp4' | 'avi' | 'avi-xvid' | 'flv';

const CODECS: Record<ClipContainer, { ext: string; args: string[] }> = {
  mp4: { ext: 'mp4', args: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p'] },
  avi: { ext: 'avi', args: ['-c:v', 'mpeg4', '-q:v', '3'] },
  'avi-xvid': { ext: 'avi', args: ['-c:v', 'libxvid', '-q:v', '3'] },
  flv: { ext: 'flv', args: ['-c:v', 'flv', '-q:v', '3'] },
};

export interface FaceClipOptions {
  /** Default 25. */
  fps?: number;
  /** Frame size; default 320×240. */
  width?: number;
  height?: number;
  /** Container and codec: mp4 (H.264), avi (MPEG-4 part 2), avi-xvid (XviD), flv (FLV1). Default mp4. */
  container?: ClipContainer;
  /** Default: 20 frames zooming in on the astronaut, 8 of coffee (a cut), 12 of the astronaut closer. */
  segments?: ClipSegment[];
}

export interface FrameTruth {
  index: number;
  /** Where the face is in the frame (pixels), null on a frame without a face. */
  face: Box | null;
}

export interface FaceClipTruth {
  path: string;
  fps: number;
  width: number;
  height: number;
  frameCount: number;
  frames: FrameTruth[];
}

export function defaultSegments(): ClipSegment[] {
  const { astronaut, coffee } = FIXTURE_PHOTOS;
  return [
    { photo: astronaut, frames: 20, from: { zoom: 4.5, dx: 0.4, dy: 0.2 }, to: { zoom: 2.5 } },
    { photo: coffee, frames: 8, from: { zoom: 0.8, dx: -0.1 }, to: { zoom: 0.7, dx: 0.1 } },
    { photo: astronaut, frames: 12, from: { zoom: 2.2, dx: -0.2 }, to: { zoom: 2, dx: 0.1 } },
  ];
}

/** The integer window (inside the photo, aspect of the output) for one framing of one photo. */
function windowFor(photo: RgbImage, face: Box | null, f: Framing, aspect: number): { x: number; y: number; width: number; height: number } {
  const unit = face ? face.width : photo.width;
  const cx0 = face ? face.x + face.width / 2 : photo.width / 2;
  const cy0 = face ? face.y + face.height / 2 : photo.height / 2;
  let w = Math.min(f.zoom * unit, photo.width, photo.height * aspect);
  let h = w / aspect;
  w = Math.max(2, Math.round(w));
  h = Math.max(2, Math.round(h));
  const cx = cx0 + (f.dx ?? 0) * unit;
  const cy = cy0 + (f.dy ?? 0) * unit;
  const x = Math.min(Math.max(0, Math.round(cx - w / 2)), photo.width - w);
  const y = Math.min(Math.max(0, Math.round(cy - h / 2)), photo.height - h);
  return { x, y, width: w, height: h };
}

const lerp = (a: number, b: number, t: number): number => a + (b - a) * t;

/** Writes a clip and returns where the face is on every frame. */
export async function writeFaceClip(path: string, opts: FaceClipOptions = {}): Promise<FaceClipTruth> {
  const fps = opts.fps ?? 25;
  const width = opts.width ?? 320;
  const height = opts.height ?? 240;
  const codec = CODECS[opts.container ?? 'mp4'];
  if (!codec) throw new BenchError('BAD_INPUT', `unknown container ${opts.container}`, { fix: `use one of ${Object.keys(CODECS).join(', ')}` });
  const segments = opts.segments ?? defaultSegments();
  const photos = new Map<string, RgbImage>();
  for (const s of segments) {
    if (photos.has(s.photo.path)) continue;
    const d = await decodeImage(s.photo.path);
    if (!d.ok) throw new BenchError('BAD_INPUT', `cannot decode the fixture photo: ${d.detail}`, { file: s.photo.path, fix: 'pass a readable PNG or JPEG photo (the repository ones are in test/fixtures/)' });
    photos.set(s.photo.path, d.image);
  }
  requireTool('ffmpeg');
  await mkdir(dirname(path), { recursive: true });
  const child = spawn(
    toolCommand('ffmpeg'),
    ['-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0', ...codec.args, '-r', String(fps), path],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const closed = once(child, 'close') as Promise<[number | null]>;
  const frames: FrameTruth[] = [];
  const aspect = width / height;
  for (const seg of segments) {
    const photo = photos.get(seg.photo.path)!;
    const from = seg.from ?? { zoom: 3 };
    const to = seg.to ?? from;
    for (let k = 0; k < seg.frames; k++) {
      const t = seg.frames > 1 ? k / (seg.frames - 1) : 0;
      const framing = { zoom: lerp(from.zoom, to.zoom, t), dx: lerp(from.dx ?? 0, to.dx ?? 0, t), dy: lerp(from.dy ?? 0, to.dy ?? 0, t) };
      const win = windowFor(photo, seg.photo.face, framing, aspect);
      const frame = resizeRgb(photo, { width, height, kernel: 'cv2', rect: win });
      const sx = width / win.width;
      const sy = height / win.height;
      const f = seg.photo.face;
      frames.push({
        index: frames.length,
        face: f && { x: (f.x - win.x) * sx, y: (f.y - win.y) * sy, width: f.width * sx, height: f.height * sy },
      });
      if (!child.stdin.write(frame.data)) await once(child.stdin, 'drain');
    }
  }
  child.stdin.end();
  const [code] = await closed;
  if (code !== 0) throw new BenchError('TOOL_MISSING', `ffmpeg could not encode the fixture clip: ${lastMessage(stderr)}`, { file: path, fix: 'install a full ffmpeg build (Debian: apt-get install -y ffmpeg)' });
  return { path, fps, width, height, frameCount: frames.length, frames };
}

/** The file extension a container writes. */
export function containerExtension(container: ClipContainer): string {
  return CODECS[container].ext;
}

/** A zero-byte file. */
export async function writeEmptyVideo(path: string): Promise<void> {
  await writeFile(path, new Uint8Array(0));
}

/** The first `fraction` of `source`'s bytes (an MP4 loses its index, an AVI most of its frames). */
export async function writeTruncatedVideo(source: string, path: string, fraction = 0.5): Promise<void> {
  const bytes = await readFile(source);
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

/**
 * An MP4 (from `source`, which must be H.264 in MP4) whose `avc1` codec tags are renamed `zzzz`: the
 * container is intact, but no decoder claims the stream.
 */
export async function writeUndecodableVideo(source: string, path: string): Promise<void> {
  const bytes = Buffer.from(await readFile(source));
  let n = 0;
  for (let i = bytes.indexOf('avc1'); i >= 0; i = bytes.indexOf('avc1', i + 4), n++) bytes.write('zzzz', i, 'latin1');
  if (n === 0) throw new BenchError('BAD_INPUT', 'no avc1 tag found: pass an H.264 MP4', { file: source, fix: 'write the source with writeFaceClip(…, { container: \'mp4\' })' });
  await writeFile(path, bytes);
}

/**
 * An MP4 (from an H.264 `source`) with its index moved to the front (`-movflags +faststart`) and the media
 * bytes after `from` (a fraction of the file) overwritten with seeded noise: it probes fine, then ffmpeg
 * fails part way through decoding — the mid-stream `video-unreadable` case.
 */
export async function writeCorruptedVideo(source: string, path: string, from = 0.3, seed = 1): Promise<void> {
  const r = await runTool('ffmpeg', ['-v', 'error', '-y', '-i', source, '-c', 'copy', '-movflags', '+faststart', path]);
  if (r.code !== 0) throw new BenchError('BAD_INPUT', `ffmpeg could not remux: ${lastMessage(r.stderr)}`, { file: source, fix: 'pass an H.264 MP4 that ffmpeg can read' });
  const bytes = await readFile(path);
  const mdat = bytes.indexOf('mdat');
  const rng = createRng(seed);
  for (let i = mdat + Math.floor((bytes.length - mdat) * from); i < bytes.length; i++) bytes[i] = rng.nextBelow(256);
  await writeFile(path, bytes);
}

/**
 * HSEmotion's frame extraction, exactly: `ffmpeg -r 1 -i clip -r 1 <dir>/%03d.png` (forcing 1 fps in and
 * out so that every frame is written once). Returns the number of files written.
 */
export async function extractFramesLikeHsemotion(video: string, dir: string, pattern = '%03d.png'): Promise<number> {
  const r = await runTool('ffmpeg', ['-v', 'error', '-y', '-r', '1', '-i', video, '-r', '1', `${dir}/${pattern}`]);
  if (r.code !== 0) throw new BenchError('BAD_INPUT', `ffmpeg could not extract frames: ${lastMessage(r.stderr)}`, { file: video, fix: 'check that ffmpeg reads the video and that the frames folder exists and is writable' });
  let n = 0;
  while (await stat(`${dir}/${pattern.replace('%03d', String(n + 1).padStart(3, '0'))}`).then(() => true, () => false)) n++;
  return n;
}
