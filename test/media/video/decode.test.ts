import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImage } from '../../../src/media/image.js';
import { decodeFrames, openVideo, type VideoClip, type VideoFrame } from '../../../src/media/video/decode.js';
import { runTool } from '../../../src/media/video/ffmpeg.js';
import {
  containerExtension,
  extractFramesLikeHsemotion,
  writeCorruptedVideo,
  writeEmptyVideo,
  writeFaceClip,
  writeTruncatedVideo,
  writeUndecodableVideo,
  FIXTURE_PHOTOS,
  type ClipContainer,
  type FaceClipTruth,
} from '../../../src/media/video/fixture.js';
import { probeVideo } from '../../../src/media/video/probe.js';
import { isVideoSkipError } from '../../../src/media/video/skip.js';
import { tempDir } from '../../datasets/tmpdir.js';

let dir: string;
const clips = new Map<ClipContainer, FaceClipTruth>();
before(async () => {
  dir = await tempDir('video-decode');
  for (const c of ['mp4', 'avi', 'avi-xvid', 'flv'] as const) {
    clips.set(c, await writeFaceClip(join(dir, `clip-${c}.${containerExtension(c)}`), { container: c, fps: c === 'avi' ? 30 : 25 }));
  }
});

async function opened(path: string, opts = {}): Promise<VideoClip> {
  const r = await openVideo(path, opts);
  assert.ok(r.ok, JSON.stringify(r));
  return r.clip;
}

async function collect(frames: AsyncIterable<VideoFrame>): Promise<VideoFrame[]> {
  const out: VideoFrame[] = [];
  for await (const f of frames) out.push(f);
  return out;
}

/** ffprobe's own count of decoded frames (`-count_frames` decodes the whole stream). */
async function ffprobeDecodedFrames(path: string): Promise<number> {
  const r = await runTool('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', path]);
  return Number(r.stdout.toString().trim());
}

test('probe: fps, frame count, size, codec and duration of each container', async () => {
  const expected = { mp4: ['h264', 25], avi: ['mpeg4', 30], 'avi-xvid': ['mpeg4', 25], flv: ['flv1', 25] } as const;
  for (const [c, truth] of clips) {
    const p = await probeVideo(truth.path);
    assert.ok(p.ok, JSON.stringify(p));
    assert.equal(p.info.codec, expected[c][0]);
    assert.equal(p.info.fps, expected[c][1]);
    assert.equal(p.info.frameCount, truth.frameCount);
    assert.deepEqual([p.info.width, p.info.height], [320, 240]);
    assert.ok(Math.abs(p.info.durationSec - truth.frameCount / p.info.fps) < 0.1, `${c}: ${p.info.durationSec} s`);
  }
});

test('every frame is decoded once, in order: the count equals ffprobe -count_frames', async () => {
  for (const truth of clips.values()) {
    const frames = await collect((await opened(truth.path)).frames);
    assert.equal(frames.length, await ffprobeDecodedFrames(truth.path));
    assert.equal(frames.length, truth.frameCount);
    assert.deepEqual(frames.map((f) => f.index), [...Array(truth.frameCount).keys()]);
    assert.ok(frames.every((f) => f.image.width === 320 && f.image.height === 240 && f.image.data.length === 320 * 240 * 3 && f.scale === 1));
  }
});

test("pixels equal the PNGs of HSEmotion's `ffmpeg -r 1 -i clip -r 1 %03d.png` extraction", async () => {
  const truth = clips.get('avi')!;
  const pngs = await tempDir('video-png');
  const n = await extractFramesLikeHsemotion(truth.path, pngs);
  assert.equal(n, truth.frameCount);
  const frames = await collect((await opened(truth.path)).frames);
  for (const i of [0, 7, 25, n - 1]) {
    const d = await decodeImage(join(pngs, `${String(i + 1).padStart(3, '0')}.png`));
    assert.ok(d.ok);
    assert.deepEqual(Buffer.from(frames[i].image.data).equals(Buffer.from(d.image.data)), true, `frame ${i}`);
  }
});

test('sampling yields exactly the planned indices, with their times', async () => {
  const truth = clips.get('avi')!; // 30 fps: EMO-AffectNet keeps every 6th frame
  const emo = await collect((await opened(truth.path, { sampling: { kind: 'emo-affectnet' } })).frames);
  assert.deepEqual(emo.map((f) => f.index), [0, 6, 12, 18, 24, 30, 36]);
  assert.deepEqual(emo.map((f) => f.timeSec), [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2]);
  const all = await collect((await opened(truth.path)).frames);
  for (const f of emo) assert.ok(Buffer.from(f.image.data).equals(Buffer.from(all[f.index].image.data)), 'same pixels as the unsampled pass');
  const nth = await collect((await opened(truth.path, { sampling: { kind: 'every-nth', n: 10, offset: 3 } })).frames);
  assert.deepEqual(nth.map((f) => f.index), [3, 13, 23, 33]);
});

test('a segment keeps the frames with start ≤ t < end; a segment past the end is video-no-frames', async () => {
  const truth = clips.get('mp4')!; // 25 fps, 40 frames
  const seg = await collect((await opened(truth.path, { start: 0.4, end: 0.8 })).frames);
  assert.deepEqual(seg.map((f) => f.index), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  const clip = await opened(truth.path, { start: 5, end: 6 });
  await assert.rejects(collect(clip.frames), (e: unknown) => isVideoSkipError(e) && e.skip.reason === 'video-no-frames' && /segment \[5, 6\)/.test(e.skip.detail));
});

test('maxWidth downscales with the aspect kept and reports the scale', async () => {
  const frames = await collect((await opened(clips.get('mp4')!.path, { maxWidth: 160 })).frames);
  assert.equal(frames.length, 40);
  assert.deepEqual([frames[0].image.width, frames[0].image.height, frames[0].scale], [160, 120, 0.5]);
});

test('backpressure: a consumer that stops pulling blocks ffmpeg in write(), with a few frames read', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  // 300 frames × 230 KB = 69 MB of raw video; only a few frames may cross the pipe while nobody reads.
  const truth = await writeFaceClip(join(dir, 'long.mp4'), {
    segments: [{ photo: FIXTURE_PHOTOS.astronaut, frames: 300, from: { zoom: 4 }, to: { zoom: 2 } }],
  });
  const clip = await opened(truth.path, { readAhead: 2 });
  const it = clip.frames[Symbol.asyncIterator]();
  const first = await it.next();
  assert.equal(first.done, false);
  const pid = clip.stats.pid!;
  // Wait (as long as it takes) until ffmpeg sits in write(2) on its stdout: it can only block there when
  // the pipe is full because Node stopped reading.
  for (;;) {
    const syscall = await readFile(`/proc/${pid}/syscall`, 'utf8').catch(() => 'gone');
    if (/^1 0x1 /.test(syscall)) break;
    assert.notEqual(syscall, 'gone', 'ffmpeg exited: it was never blocked');
    await new Promise((r) => setTimeout(r, 20));
  }
  const frameBytes = 320 * 240 * 3;
  assert.ok(clip.stats.bytesRead <= 4 * frameBytes + 65536, `Node read ${clip.stats.bytesRead} bytes`);
  assert.ok(clip.stats.framesDecoded < 10, `${clip.stats.framesDecoded} frames decoded while paused`);
  // Leaving early kills ffmpeg.
  await it.return!();
  assert.equal(clip.stats.pid, undefined);
  await assert.rejects(readFile(`/proc/${pid}/syscall`, 'utf8'));
});

test('bad clips are counted skips: empty, truncated, undecodable codec, missing, not a video', async () => {
  const mp4 = clips.get('mp4')!.path;
  const cases: Array<[string, string, RegExp]> = [];
  const empty = join(dir, 'empty.mp4');
  await writeEmptyVideo(empty);
  cases.push([empty, 'video-empty', /0 bytes/]);
  const cut = join(dir, 'cut.mp4');
  await writeTruncatedVideo(mp4, cut, 0.6);
  cases.push([cut, 'video-unreadable', /Invalid data|moov/]);
  const cutAvi = join(dir, 'cut.avi');
  await writeTruncatedVideo(clips.get('avi')!.path, cutAvi, 0.5);
  cases.push([cutAvi, 'video-unreadable', /truncated/]);
  const alien = join(dir, 'alien.mp4');
  await writeUndecodableVideo(mp4, alien);
  cases.push([alien, 'video-unreadable', /no decoder/]);
  cases.push([join(dir, 'absent.mp4'), 'missing-file', /ENOENT/]);
  const audio = join(dir, 'audio.m4a');
  await runTool('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'anullsrc', '-t', '0.5', '-c:a', 'aac', audio]);
  cases.push([audio, 'video-no-frames', /no video stream/]);
  for (const [path, reason, detail] of cases) {
    const r = await openVideo(path);
    assert.equal(r.ok, false, path);
    if (r.ok) continue;
    assert.equal(r.reason, reason, `${path}: ${r.detail}`);
    assert.match(r.detail, detail);
    assert.equal(r.file, path);
    // decodeFrames throws the same skip.
    await assert.rejects(collect(decodeFrames(path)), (e: unknown) => isVideoSkipError(e) && e.skip.reason === reason);
  }
});

test('a clip that fails part way through throws video-unreadable after the frames it gave', async () => {
  const bad = join(dir, 'corrupt.mp4');
  await writeCorruptedVideo(clips.get('mp4')!.path, bad, 0.3);
  const clip = await opened(bad);
  assert.equal(clip.info.frameCount, 40, 'the index is intact, so the probe passes');
  let seen = 0;
  await assert.rejects(
    (async () => {
      for await (const _ of clip.frames) seen++;
    })(),
    (e: unknown) => isVideoSkipError(e) && e.skip.reason === 'video-unreadable' && /after \d+ frames|stopped at frame/.test(e.skip.detail) && e.framesYielded === seen,
  );
  assert.ok(seen > 0 && seen < 40, `${seen} frames before the failure`);
});

test('ffmpeg missing: TOOL_MISSING saying how to install it', async () => {
  const saved = process.env.FFPROBE_PATH;
  process.env.FFPROBE_PATH = join(dir, 'no-such-ffprobe');
  try {
    await assert.rejects(probeVideo(clips.get('mp4')!.path), (e: unknown) => {
      assert.ok(e instanceof Error && 'code' in e && e.code === 'TOOL_MISSING', String(e));
      assert.match(String((e as { fix?: string }).fix), /apt-get install -y ffmpeg/);
      assert.match(e.message, /ffprobe is not installed/);
      return true;
    });
  } finally {
    if (saved === undefined) delete process.env.FFPROBE_PATH;
    else process.env.FFPROBE_PATH = saved;
  }
});
