/**
 * Pre-extracted frames and face crops, so published numbers built on external frames or crops can be
 * reproduced: HSEmotion's `frames/<clip>/%03d.png` (every frame, from `ffmpeg -r 1 -i clip -r 1`) and its
 * `frames_mtcnn_cropped/<clip>/` crops, where a frame without a face was saved with `noface` in its name.
 *
 * Files are the images directly in the folder, in code-unit order of their names (Python's `sorted`,
 * which the papers' loaders use; `%03d` names sort numerically up to 999). `index` is the position in that
 * order, 0-based, which equals the frame number for `%03d.png` starting at 001.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isImageFile } from '../../datasets/paths.js';
import { compareCodeUnits } from '../../util/hash.js';
import { decodeImage, type DecodeResult } from '../image.js';
import { readAhead } from './read-ahead.js';
import { frameSampler, type SamplingPolicy } from './sampling.js';
import { videoSkip, type VideoResult } from './skip.js';

export interface DirFrame {
  /** 0-based position in name order. */
  index: number;
  /** File name inside the folder. */
  file: string;
  /** The name carries HSEmotion's `noface` marker. */
  noface: boolean;
}

export const NOFACE_MARKER = 'noface';

/** The frames of a folder, or `missing-file` / `read-failed` / `video-no-frames` for the clip. */
export async function listFramesDir(dir: string): Promise<VideoResult<{ frames: DirFrame[] }>> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isFile() && isImageFile(d.name)).map((d) => d.name);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return videoSkip(code === 'ENOENT' ? 'missing-file' : 'read-failed', `cannot list the frames folder: ${(e as Error).message}`, dir);
  }
  if (names.length === 0) return videoSkip('video-no-frames', 'the frames folder holds no image file', dir);
  names.sort(compareCodeUnits);
  return { ok: true, frames: names.map((file, index) => ({ index, file, noface: file.includes(NOFACE_MARKER) })) };
}

export interface FramesDirOptions {
  /** Which frames to decode; default every one. `fps` is needed for the fps-based policies. */
  sampling?: SamplingPolicy;
  /** The clip's frame rate, for `fps` / `emo-affectnet` sampling; default 25. */
  fps?: number;
  /** Files decoded ahead of the consumer; default 2. */
  readAhead?: number;
}

export type DirFrameImage = DirFrame & { decoded: DecodeResult };

/** Decodes the sampled frames in order; a bad file is a `decoded` skip on its frame, not an exception. */
export function readFramesDir(dir: string, frames: readonly DirFrame[], opts: FramesDirOptions = {}): AsyncIterable<DirFrameImage> {
  const keep = frameSampler(opts.sampling ?? { kind: 'every' }, opts.fps ?? 25);
  async function* decodeAll(): AsyncGenerator<DirFrameImage> {
    for (const f of frames) if (keep(f.index)) yield { ...f, decoded: await decodeImage(join(dir, f.file)) };
  }
  return { [Symbol.asyncIterator]: () => readAhead(decodeAll(), opts.readAhead ?? 2)[Symbol.asyncIterator]() };
}
