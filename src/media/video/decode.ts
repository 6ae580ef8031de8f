/**
 * Frames out of a video with ffmpeg, streamed as raw RGB through a pipe (no temporary images):
 *
 *   const opened = await openVideo(path, { sampling: { kind: 'emo-affectnet' } });
 *   if (!opened.ok) count(opened.reason);                       // video-empty, video-unreadable, …
 *   else for await (const f of opened.clip.frames) use(f.index, f.image);
 *
 * - `index` is the 0-based frame number in the file (counting every decoded frame, sampled or not), and
 *   `timeSec = index / fps` (constant-rate clips: every corpus here is CFR; ffmpeg runs with
 *   `-fps_mode passthrough` so it neither drops nor duplicates frames).
 * - Pixels are ffmpeg's own rgb24 conversion (swscale defaults, as `ffmpeg -i clip %03d.png` writes them,
 *   which is how HSEmotion extracted AFEW and VGAF frames).
 * - Backpressure: stdout is read only when the consumer asks for the next frame, so when inference lags,
 *   Node's buffer fills (one highWaterMark), then the pipe, then ffmpeg blocks in write(). Memory is a
 *   few frames whatever the clip length (`readAhead` frames decoded in advance, default 2, so that
 *   decoding overlaps inference). Leaving the loop early (break, throw) kills ffmpeg.
 * - Every frame is decoded (inter-frame codecs need them all). Periodic sampling (every-nth, EMO-AffectNet)
 *   runs as ffmpeg's `select` on the decoded frame number, so skipped frames are not converted or piped;
 *   other policies are applied in Node. Either way indices are exact frame numbers.
 * - A failure after opening (a truncated file with an intact header) throws `VideoSkipError`
 *   (`video-unreadable`); a segment with no frame in it throws one with `video-no-frames`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { BenchError } from '../../errors.js';
import { rgbImage, type RgbImage } from '../image.js';
import { ffmpegMissing, lastMessage, requireTool, toolCommand } from './ffmpeg.js';
import { probeVideo, type VideoInfo } from './probe.js';
import { readAhead } from './read-ahead.js';
import { ffmpegSelect, frameSampler, type SamplingPolicy } from './sampling.js';
import { VideoSkipError, videoSkip, type VideoResult } from './skip.js';

export interface DecodeOptions {
  /** Which frames to yield; default every frame. */
  sampling?: SamplingPolicy;
  /** Segment start in seconds (frames with timeSec ≥ start); default the clip's start. */
  start?: number;
  /** Segment end in seconds (frames with timeSec < end); default the clip's end. */
  end?: number;
  /**
   * Downscale wider frames to this width (height keeps the aspect ratio, rounded), by ffmpeg's bilinear
   * scaler. Default none: frames at the clip's size. `VideoFrame.scale` says how to map boxes back.
   */
  maxWidth?: number;
  /**
   * Frames decoded ahead of the consumer, so decoding overlaps inference; default 2. Memory holds this
   * many frames plus one pipe buffer.
   */
  readAhead?: number;
}

export interface VideoFrame {
  /** 0-based frame number in the file. */
  index: number;
  /** index / fps. */
  timeSec: number;
  image: RgbImage;
  /** Decoded width / the clip's width (1 unless `maxWidth` shrank it). */
  scale: number;
}

export interface DecodeStats {
  /** Bytes Node has taken from ffmpeg's stdout so far (bounded by the consumer's pace). */
  bytesRead: number;
  /** Frames received from ffmpeg so far (every frame, or only the sampled ones when ffmpeg selects them). */
  framesDecoded: number;
  /** ffmpeg's pid while it runs. */
  pid?: number;
}

export interface VideoClip {
  path: string;
  info: VideoInfo;
  /** Decoded frame size. */
  width: number;
  height: number;
  /** One pass over the frames; each iteration starts its own ffmpeg. */
  frames: AsyncIterable<VideoFrame>;
  /** Live counters of the running iteration. */
  readonly stats: DecodeStats;
}

export type OpenResult = VideoResult<{ clip: VideoClip }>;

function outputSize(info: VideoInfo, maxWidth?: number): { width: number; height: number } {
  if (maxWidth === undefined || info.width <= maxWidth) return { width: info.width, height: info.height };
  if (!Number.isInteger(maxWidth) || maxWidth < 2) {
    throw new BenchError('BAD_INPUT', `maxWidth must be an integer ≥ 2, got ${maxWidth}`, { fix: 'pass e.g. maxWidth: 640' });
  }
  return { width: maxWidth, height: Math.max(1, Math.round((info.height * maxWidth) / info.width)) };
}

/** Probes the clip (returning its skip if it cannot be read) and prepares the frame stream. */
export async function openVideo(path: string, opts: DecodeOptions = {}): Promise<OpenResult> {
  const probed = await probeVideo(path);
  if (!probed.ok) return probed;
  const { info } = probed;
  const { start = 0, end = Infinity } = opts;
  if (!(start >= 0) || !(end > start)) {
    throw new BenchError('BAD_INPUT', `segment [${start}, ${end}) s is empty or negative`, { file: path, fix: 'pass 0 ≤ start < end (seconds)' });
  }
  const sampling = opts.sampling ?? { kind: 'every' };
  frameSampler(sampling, info.fps); // a bad policy fails here, before any ffmpeg starts
  const size = outputSize(info, opts.maxWidth);
  const stats: DecodeStats = { bytesRead: 0, framesDecoded: 0 };
  const depth = opts.readAhead ?? 2;
  const clip: VideoClip = {
    path,
    info,
    ...size,
    stats,
    frames: { [Symbol.asyncIterator]: () => readAhead(streamFrames(path, info, size, sampling, start, end, stats), depth)[Symbol.asyncIterator]() },
  };
  return { ok: true, clip };
}

/** `openVideo` for callers that treat an unreadable clip as an exception: throws `VideoSkipError`. */
export async function* decodeFrames(path: string, opts: DecodeOptions = {}): AsyncGenerator<VideoFrame> {
  const opened = await openVideo(path, opts);
  if (!opened.ok) throw new VideoSkipError(opened, 0);
  for await (const f of opened.clip.frames) yield f;
}

async function* streamFrames(
  path: string,
  info: VideoInfo,
  size: { width: number; height: number },
  sampling: SamplingPolicy,
  start: number,
  end: number,
  stats: DecodeStats,
): AsyncGenerator<VideoFrame> {
  requireTool('ffmpeg');
  const keep = frameSampler(sampling, info.fps);
  // Periodic policies select in ffmpeg (unsampled frames are neither converted nor piped); the rest in Node.
  const select = ffmpegSelect(sampling, info.fps);
  const indexOf = select ? select.indexOf : (k: number) => k;
  const filters: string[] = [];
  if (select) filters.push(`select=${select.expr}`);
  if (size.width !== info.width) filters.push(`scale=${size.width}:${size.height}:flags=bilinear`);
  const args = ['-v', 'error', '-nostdin', '-i', path, '-map', '0:v:0', '-an', '-sn', '-fps_mode', 'passthrough'];
  if (filters.length) args.push('-vf', filters.join(','));
  args.push('-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  const child = spawn(toolCommand('ffmpeg'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.on('error', () => undefined); // reported through `spawnError`; a later kill() failure is moot
  const spawnError = once(child, 'spawn').then(() => undefined, (e: unknown) => e);
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr = (stderr + s).slice(-8192);
  });
  stats.bytesRead = 0;
  stats.framesDecoded = 0;
  stats.pid = child.pid;

  const frameBytes = size.width * size.height * 3;
  const scale = size.width / info.width;
  let yielded = 0;
  let received = 0;
  let index = indexOf(0);
  let buf = new Uint8Array(frameBytes);
  const scratch = new Uint8Array(frameBytes);
  let filled = 0;
  let done = false;
  const inSegment = (i: number): boolean => {
    const t = i / info.fps;
    return t >= start && t < end;
  };
  let wanted = keep(index) && inSegment(index);
  // Frames ffmpeg should send: all of them, or the selected ones.
  let expected = info.frameCount;
  if (select) for (expected = 0; indexOf(expected) < info.frameCount; ) expected++;
  try {
    const failed = await spawnError;
    if (failed) throw ffmpegMissing('ffmpeg', toolCommand('ffmpeg'), failed);
    let pastEnd = false;
    reading: for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      stats.bytesRead += chunk.length;
      let off = 0;
      while (off < chunk.length) {
        const target = wanted ? buf : scratch;
        const n = Math.min(frameBytes - filled, chunk.length - off);
        target.set(chunk.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled < frameBytes) continue;
        filled = 0;
        stats.framesDecoded++;
        const i = index;
        index = indexOf(++received);
        if (wanted) {
          const frame: VideoFrame = { index: i, timeSec: i / info.fps, image: rgbImage(buf, size.width, size.height), scale };
          buf = new Uint8Array(frameBytes);
          yielded++;
          yield frame;
        }
        if (index / info.fps >= end) {
          pastEnd = true;
          break reading;
        }
        wanted = keep(index) && inSegment(index);
      }
    }
    if (!pastEnd) {
      const code = await closed;
      done = true;
      checkExit(code);
    }
    if (yielded === 0) {
      const what = start > 0 || end < Infinity ? `the segment [${start}, ${end}) s of this ${info.durationSec} s clip` : 'the clip';
      throw new VideoSkipError(videoSkip('video-no-frames', `${what} gave no frame (${stats.framesDecoded} frames read)`, path), 0);
    }
  } finally {
    if (!done) {
      // Early exit (the consumer stopped, or the segment ended): stop ffmpeg now rather than let it decode on.
      child.kill('SIGKILL');
      await closed;
    }
    stats.pid = undefined;
  }

  function checkExit(code: number | null): void {
    if (code !== 0) {
      throw new VideoSkipError(videoSkip('video-unreadable', `ffmpeg failed (exit ${code}) after ${stats.framesDecoded} frames: ${lastMessage(stderr)}`, path), yielded);
    }
    if (stats.framesDecoded < expected && stderr.trim()) {
      throw new VideoSkipError(
        videoSkip('video-unreadable', `decoding stopped after ${stats.framesDecoded} of ${expected} frames: ${lastMessage(stderr)}`, path),
        yielded,
      );
    }
  }
}

/** The decode settings that decide which frames exist and their size: part of a detection cache key. */
export function decodeKey(opts: DecodeOptions = {}): Record<string, unknown> {
  return { sampling: opts.sampling ?? { kind: 'every' }, start: opts.start ?? 0, end: opts.end ?? null, maxWidth: opts.maxWidth ?? null };
}
