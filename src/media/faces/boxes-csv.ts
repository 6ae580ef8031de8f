/**
 * Replaying face boxes from a CSV, so the papers' MTCNN or RetinaFace boxes (exported from their Python
 * pipelines) give exactly their crops here. One row per face:
 *
 *   clip,frame,x,y,width,height[,score]
 *
 * - A header row (first field `clip`) is optional. `frame` is the 0-based frame index in the clip
 *   (`frameBase: 1` for files numbered like `%03d.png`). Several rows for one frame are several faces
 *   (kept in score order, file order on ties); a frame with no row has no face.
 * - Any malformed row stops the load with a `BAD_CSV` error naming the file, the row and the fix: a replay
 *   that silently lost boxes would not be exact.
 */
import { readCsvLines } from '../../datasets/csv.js';
import { BenchError } from '../../errors.js';
import { sha256File } from '../../util/hash.js';
import type { RgbImage } from '../image.js';
import type { DetectedFace, FaceDetector, FrameContext } from './detector.js';
import { checkRgb } from './checks.js';
import { clipBox } from './geometry.js';

export interface BoxesCsvOptions {
  /** The number of the first frame in the file's `frame` column; default 0. */
  frameBase?: 0 | 1;
  /** Clip boxes to the frame they are replayed on; default true (as the live detectors do). */
  clip?: boolean;
}

export type BoxTable = Map<string, Map<number, DetectedFace[]>>;

const COLUMNS = ['clip', 'frame', 'x', 'y', 'width', 'height', 'score'];

/** Reads the whole file into clip → frame index (0-based) → faces. */
export async function readBoxesCsv(file: string, opts: BoxesCsvOptions = {}): Promise<BoxTable> {
  const base = opts.frameBase ?? 0;
  const table: BoxTable = new Map();
  const fail = (row: number, message: string, fix: string): never => {
    throw new BenchError('BAD_CSV', message, { file, row, fix });
  };
  let first = true;
  try {
    for await (const rec of readCsvLines(file)) {
      if ('error' in rec) fail(rec.line, `cannot split the row: ${rec.error}`, 'quote fields with double quotes, doubling any quote inside');
      const fields = (rec as { fields: string[] }).fields.map((f) => f.trim());
      if (first && fields[0]?.toLowerCase() === 'clip') {
        first = false;
        const want = fields.length === 7 ? COLUMNS : COLUMNS.slice(0, 6);
        if (fields.map((f) => f.toLowerCase()).join(',') !== want.join(',')) {
          fail(rec.line, `header is "${fields.join(',')}"`, `use the header ${COLUMNS.slice(0, 6).join(',')}[,score]`);
        }
        continue;
      }
      first = false;
      if (fields.length !== 6 && fields.length !== 7) {
        fail(rec.line, `expected 6 or 7 fields (clip,frame,x,y,width,height[,score]), got ${fields.length}`, 'write one face per row: clip,frame,x,y,width,height[,score]');
      }
      const [clip, frameText, ...rest] = fields;
      if (!clip) fail(rec.line, 'the clip field is empty', 'name the clip (its file name without extension)');
      const frame = Number(frameText);
      if (frameText === '' || !Number.isInteger(frame) || frame < base) {
        fail(rec.line, `frame "${frameText}" is not an integer ≥ ${base}`, `number frames from ${base} (pass frameBase: ${base === 0 ? 1 : 0} if the file counts from ${base === 0 ? 1 : 0})`);
      }
      const nums = rest.map((t) => (t === '' ? NaN : Number(t)));
      const names = COLUMNS.slice(2);
      nums.forEach((v, i) => {
        if (!Number.isFinite(v)) fail(rec.line, `${names[i]} "${rest[i]}" is not a number`, 'write pixel boxes as plain numbers');
      });
      const [x, y, width, height, score = 1] = nums;
      if (width <= 0 || height <= 0) fail(rec.line, `box ${width}×${height} is empty`, 'width and height must be positive');
      if (score < 0 || score > 1) fail(rec.line, `score ${score} is outside [0, 1]`, 'write the detector probability, or leave the column out');
      let frames = table.get(clip);
      if (!frames) table.set(clip, (frames = new Map()));
      const list = frames.get(frame - base) ?? [];
      list.push({ box: { x, y, width, height }, score });
      frames.set(frame - base, list);
    }
  } catch (e) {
    if (e instanceof BenchError) throw e;
    throw new BenchError('BAD_CSV', `cannot read the boxes file: ${(e as Error).message}`, { file, fix: 'check the path', cause: e });
  }
  for (const frames of table.values()) for (const list of frames.values()) list.sort((a, b) => b.score - a.score);
  return table;
}

/** A FaceDetector that looks boxes up by clip and frame (both must be in the context). */
export async function createBoxesCsvSource(file: string, opts: BoxesCsvOptions = {}): Promise<FaceDetector & { readonly clips: ReadonlySet<string> }> {
  const table = await readBoxesCsv(file, opts);
  const doClip = opts.clip ?? true;
  return {
    name: 'boxes-csv',
    identity: { name: 'boxes-csv', params: { frameBase: opts.frameBase ?? 0, clip: doClip }, weightsSha256: await sha256File(file) },
    clips: new Set(table.keys()),
    async detect(image: RgbImage, context?: FrameContext): Promise<DetectedFace[]> {
      checkRgb(image);
      if (context?.clip === undefined || context.frame === undefined) {
        throw new BenchError('BAD_INPUT', 'replayed boxes need the clip id and frame index of each frame', { file, fix: 'pass { clip, frame } as the detect() context' });
      }
      const faces = table.get(context.clip)?.get(context.frame) ?? [];
      if (!doClip) return faces.map((f) => ({ ...f }));
      return faces.map((f) => ({ ...f, box: clipBox(f.box, image.width, image.height) })).filter((f) => f.box.width > 0 && f.box.height > 0);
    },
    async dispose() {},
  };
}

/**
 * Pre-cropped faces (HSEmotion's `frames_mtcnn_cropped`, AffectNet-style crops): the whole image is the
 * face, except on a frame the context marks `noface` (the file-name marker), which has none.
 */
export function createPrecroppedSource(): FaceDetector {
  return {
    name: 'precropped',
    identity: { name: 'precropped', params: {}, weightsSha256: '' },
    async detect(image: RgbImage, context?: FrameContext): Promise<DetectedFace[]> {
      checkRgb(image);
      return context?.noface ? [] : [{ box: { x: 0, y: 0, width: image.width, height: image.height }, score: 1 }];
    },
    async dispose() {},
  };
}
