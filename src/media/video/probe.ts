/**
 * `probeVideo(path)`: what a clip is before any frame is decoded — fps, frame count, size, duration,
 * codec — or the per-clip skip that says why it cannot be read. One ffprobe call on the first video
 * stream with `-count_packets` (demuxing only, no decoding: about as fast as reading the file).
 *
 * - `frameCount` is the number of video packets read, which is one per frame for every codec the corpora
 *   use (H.264, MPEG-4 part 2/XviD, FLV1). Container headers (`nb_frames`) are not trusted: AVI's can be
 *   stale, FLV has none. A header that promises more frames than the file holds means the file was
 *   truncated: `video-unreadable`.
 * - `fps` is the stream's average frame rate (`avg_frame_rate`), else its `r_frame_rate`.
 * - A zero-byte file is `video-empty`; a file ffprobe cannot open, or whose codec this ffmpeg has no decoder
 *   for, is `video-unreadable`; no video stream or no packet is `video-no-frames`.
 */
import { stat } from 'node:fs/promises';
import { lastMessage, runTool } from './ffmpeg.js';
import { videoSkip, type VideoResult } from './skip.js';

export interface VideoInfo {
  /** Frames per second (average over the stream). */
  fps: number;
  /** Video packets in the stream = frames. */
  frameCount: number;
  width: number;
  height: number;
  /** Container duration in seconds (stream duration when the container gives none; frameCount/fps last). */
  durationSec: number;
  /** ffmpeg's codec name: `h264`, `mpeg4`, `flv1`… */
  codec: string;
}

export type ProbeResult = VideoResult<{ info: VideoInfo }>;

interface FfprobeJson {
  streams?: Array<{
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    nb_frames?: string;
    nb_read_packets?: string;
    duration?: string;
  }>;
  format?: { duration?: string };
}

function rate(text: string | undefined): number {
  if (!text) return NaN;
  const [n, d] = text.split('/').map(Number);
  return d === undefined ? n : d > 0 ? n / d : NaN;
}

export async function probeVideo(path: string): Promise<ProbeResult> {
  try {
    const s = await stat(path);
    if (!s.isFile()) return videoSkip('read-failed', 'not a regular file', path);
    if (s.size === 0) return videoSkip('video-empty', 'the file is 0 bytes', path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return videoSkip(code === 'ENOENT' || code === 'ENOTDIR' ? 'missing-file' : 'read-failed', (e as Error).message, path);
  }
  const r = await runTool('ffprobe', [
    '-v', 'error', '-count_packets', '-select_streams', 'v:0',
    '-show_entries', 'stream=codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames,nb_read_packets,duration:format=duration',
    '-of', 'json', path,
  ]);
  if (r.code !== 0) return videoSkip('video-unreadable', `ffprobe cannot open it: ${lastMessage(r.stderr)}`, path);
  let json: FfprobeJson;
  try {
    json = JSON.parse(r.stdout.toString('utf8')) as FfprobeJson;
  } catch {
    return videoSkip('video-unreadable', 'ffprobe printed no readable description', path);
  }
  const st = json.streams?.[0];
  if (!st) return videoSkip('video-no-frames', 'the file has no video stream', path);
  const codec = st.codec_name ?? 'unknown';
  if (!st.codec_name || !st.width || !st.height) {
    return videoSkip('video-unreadable', `ffmpeg has no decoder for this video stream (codec ${codec})${r.stderr ? `: ${lastMessage(r.stderr)}` : ''}`, path);
  }
  const frameCount = Number(st.nb_read_packets ?? 0);
  if (!(frameCount > 0)) return videoSkip('video-no-frames', 'the video stream holds no frame', path);
  const header = Number(st.nb_frames);
  if (Number.isFinite(header) && header > frameCount) {
    return videoSkip('video-unreadable', `truncated or corrupt: the header lists ${header} frames, only ${frameCount} can be read`, path);
  }
  let fps = rate(st.avg_frame_rate);
  if (!(fps > 0)) fps = rate(st.r_frame_rate);
  if (!(fps > 0)) return videoSkip('video-unreadable', `the stream gives no frame rate (${st.avg_frame_rate}, ${st.r_frame_rate})`, path);
  let durationSec = Number(json.format?.duration ?? st.duration);
  if (!(durationSec > 0)) durationSec = frameCount / fps;
  return { ok: true, info: { fps, frameCount, width: st.width, height: st.height, durationSec, codec } };
}
