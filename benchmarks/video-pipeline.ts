/**
 * The video media stage's speed, on a generated clip (real photo, pan/zoom, a no-face cut), each figure a
 * median over rounds:
 *
 * - decode alone: ffmpeg → rgb24 frames through the pipe, nothing done with them (frames/s), for every
 *   frame and with EMO-AffectNet's sampling (clip frames/s: ffmpeg selects 1 in 5, only those are piped);
 * - detect alone: RetinaFace on the frames already in memory (frames/s);
 * - bare engine: the classifier's `run` on the face crops, pre-made as tensors (crops/s);
 * - pipeline, cold: `openClipFaces` (decode + detect + largest face) + crop/resize/normalise + engine, with
 *   an empty detection cache — compared with bare detect + bare engine on the same frames;
 * - pipeline, warm: the same with the detections cached (a second model on the clip): decode + cached
 *   boxes + classify, compared with the bare engine alone.
 *
 * The classifier is an EfficientNet-B0 replica (`openModel(card, { replica: true })`: the published graph
 * and cost, random weights — latency only).
 *
 *   node --import tsx benchmarks/video-pipeline.ts [--frames 150] [--width 640] [--height 480] [--rounds 3]
 *        [--threads 0] [--model enet_b0_8_va_mtl] [--detector retinaface|ssd] [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DetectionCache } from '../src/media/faces/cache.js';
import { openClipFaces } from '../src/media/faces/clip-faces.js';
import type { DetectedFace } from '../src/media/faces/detector.js';
import { createSsdDetector } from '../src/media/faces/faceapi-ssd.js';
import { createRetinaFaceDetector } from '../src/media/faces/retinaface.js';
import { selectFaces } from '../src/media/faces/select.js';
import type { RgbImage } from '../src/media/image.js';
import { preprocessImageInto, tensorLength } from '../src/media/preprocess.js';
import { openVideo } from '../src/media/video/decode.js';
import { writeFaceClip, FIXTURE_PHOTOS } from '../src/media/video/fixture.js';
import { openModel } from '../src/models/open.js';
import { getModel } from '../src/models/zoo.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
function sarg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const FRAMES = arg('frames', 150);
const WIDTH = arg('width', 640);
const HEIGHT = arg('height', 480);
const ROUNDS = arg('rounds', 3);
const THREADS = arg('threads', 0);
const MODEL = sarg('model', 'enet_b0_8_va_mtl');
const DETECTOR = sarg('detector', 'retinaface');
const JSON_OUT = process.argv.includes('--json');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = await mkdtemp(join(tmpdir(), 'fer-bench-video-bench-'));
try {
  const { astronaut, coffee } = FIXTURE_PHOTOS;
  const noFace = Math.round(FRAMES * 0.1);
  const truth = await writeFaceClip(join(dir, 'clip.mp4'), {
    width: WIDTH,
    height: HEIGHT,
    segments: [
      { photo: astronaut, frames: FRAMES - 2 * noFace, from: { zoom: 4.5, dx: 0.4, dy: 0.2 }, to: { zoom: 2.5 } },
      { photo: coffee, frames: noFace, from: { zoom: 0.8, dx: -0.1 }, to: { zoom: 0.7, dx: 0.1 } },
      { photo: astronaut, frames: noFace, from: { zoom: 2.2, dx: -0.2 }, to: { zoom: 2 } },
    ],
  });
  const card = getModel(MODEL);
  const { engine } = await openModel(card, { replica: true, threads: THREADS });
  const detector = DETECTOR === 'ssd' ? await createSsdDetector() : await createRetinaFaceDetector({ threads: THREADS });
  const n = tensorLength(card.input);
  const input = new Float32Array(n);
  const dims = [1, 3, card.input.size, card.input.size];
  const classify = async (image: RgbImage, face: DetectedFace): Promise<void> => {
    const r = preprocessImageInto(image, face.box, card.input, input, 0);
    if (!r.ok) throw new Error(r.detail);
    await engine.run({ data: input, dims });
  };

  // Warm-up: one of each, so session creation and first-run costs stay out of the figures.
  const first = await openVideo(truth.path);
  if (!first.ok) throw new Error(first.detail);
  const frames: RgbImage[] = [];
  for await (const f of first.clip.frames) frames.push(f.image);
  const warmFaces = await detector.detect(frames[0]);
  await classify(frames[0], warmFaces[0]);

  const rows = { decode: [] as number[], decodeEmo: [] as number[], detect: [] as number[], engine: [] as number[], cold: [] as number[], warm: [] as number[] };
  let faceFrames = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Decode alone.
    let t = performance.now();
    const opened = await openVideo(truth.path);
    if (!opened.ok) throw new Error(opened.detail);
    let count = 0;
    for await (const _ of opened.clip.frames) count++;
    rows.decode.push(performance.now() - t);
    // Decode with EMO-AffectNet's sampling: ffmpeg's select keeps 1 frame in 5, the rest is never piped.
    t = performance.now();
    const sampled = await openVideo(truth.path, { sampling: { kind: 'emo-affectnet' } });
    if (!sampled.ok) throw new Error(sampled.detail);
    for await (const _ of sampled.clip.frames) count++;
    rows.decodeEmo.push(performance.now() - t);

    // Detect alone, on frames in memory; the largest faces become the crops of the bare engine run.
    const picks: Array<DetectedFace | undefined> = [];
    t = performance.now();
    for (const image of frames) picks.push(selectFaces(await detector.detect(image), 'largest')[0]);
    rows.detect.push(performance.now() - t);
    const tensors: Float32Array[] = [];
    picks.forEach((face, i) => {
      if (!face) return;
      const out = new Float32Array(n);
      const r = preprocessImageInto(frames[i], face.box, card.input, out, 0);
      if (r.ok) tensors.push(out);
    });
    faceFrames = tensors.length;

    // Bare engine on the same crops.
    t = performance.now();
    for (const data of tensors) await engine.run({ data, dims });
    rows.engine.push(performance.now() - t);

    // The pipeline, cold then warm (one cache per round).
    const cache = new DetectionCache(join(dir, `detections-${round}`));
    for (const which of ['cold', 'warm'] as const) {
      t = performance.now();
      const clip = await openClipFaces({ kind: 'video', path: truth.path }, { detector, cache, selection: { policy: 'largest' } });
      if (!clip.ok) throw new Error(clip.detail);
      for await (const f of clip.frames) {
        if (f.found) await classify(f.image, { box: f.boxes[0], score: 1 });
      }
      rows[which].push(performance.now() - t);
    }
  }

  const ms = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)])) as Record<keyof typeof rows, number>;
  const fps = (t: number, items = FRAMES) => (items * 1000) / t;
  const result = {
    clip: { frames: FRAMES, faceFrames, width: WIDTH, height: HEIGHT, codec: 'h264' },
    model: `${card.name} (replica)`,
    detector: detector.name,
    threads: THREADS || 'ORT default',
    rounds: ROUNDS,
    decodeFps: fps(ms.decode),
    decodeEmoSampledClipFps: fps(ms.decodeEmo),
    detectFps: fps(ms.detect),
    engineCropsPerSec: fps(ms.engine, faceFrames),
    pipelineColdFps: fps(ms.cold),
    bareDetectPlusEngineFps: fps(ms.detect + ms.engine),
    coldRatio: (ms.detect + ms.engine) / ms.cold,
    pipelineWarmFps: fps(ms.warm),
    bareEngineFps: fps(ms.engine),
    warmRatio: ms.engine / ms.warm,
    detectorShareOfCold: ms.detect / ms.cold,
  };
  if (JSON_OUT) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    const f = (v: number) => v.toFixed(1).padStart(7);
    console.log(`${FRAMES} frames ${WIDTH}×${HEIGHT} H.264 (${faceFrames} with a face), ${result.model}, ${result.detector}, threads ${result.threads}, median of ${ROUNDS} rounds`);
    console.log(`decode alone                 ${f(result.decodeFps)} frames/s`);
    console.log(`decode, EMO sampling         ${f(result.decodeEmoSampledClipFps)} clip frames/s (1 in 5 piped)`);
    console.log(`detect alone                 ${f(result.detectFps)} frames/s`);
    console.log(`bare engine                  ${f(result.engineCropsPerSec)} crops/s`);
    console.log(`pipeline, cold cache         ${f(result.pipelineColdFps)} frames/s  vs bare detect + engine ${f(result.bareDetectPlusEngineFps)} frames/s: ratio ${result.coldRatio.toFixed(2)} (the detector is ${(100 * result.detectorShareOfCold).toFixed(0)}% of the time)`);
    console.log(`pipeline, cached detections  ${f(result.pipelineWarmFps)} frames/s  vs bare engine ${f(result.bareEngineFps)} frames/s: ratio ${result.warmRatio.toFixed(2)}`);
  }
  await detector.dispose();
  await engine.dispose();
} finally {
  await rm(dir, { recursive: true, force: true });
}
