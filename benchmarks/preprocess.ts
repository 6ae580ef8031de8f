/**
 * Throughput of the still-image path (decode → crop → resize → normalise) on the fixture photographs, for
 * the 224 (EfficientNet-B0) and 260 (B2) cards with both resize kernels, plus each step alone.
 * Single thread, sequential: the runner's worker pool multiplies this by its worker count.
 *
 *   npx tsx benchmarks/preprocess.ts [--seconds 2]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Box } from '../src/datasets/sample.js';
import { cropRect } from '../src/media/crop.js';
import { decodeImage, type RgbImage } from '../src/media/image.js';
import { normalizeInto } from '../src/media/normalize.js';
import { preprocess, tensorLength } from '../src/media/preprocess.js';
import { resizeRgb, type ResizeKernel } from '../src/media/resize.js';
import type { InputSpec } from '../src/models/card.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/media/', import.meta.url));
const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 2;

/** Photos with a face-sized box each (astronaut's face, chelsea's face, a coffee-cup region). */
const ITEMS: { photo: string; box: Box }[] = [
  { photo: 'astronaut.png', box: { x: 165, y: 60, width: 120, height: 120 } },
  { photo: 'chelsea.png', box: { x: 140, y: 20, width: 180, height: 180 } },
  { photo: 'coffee.png', box: { x: 100, y: 40, width: 300, height: 300 } },
];

function spec(size: number, resize: ResizeKernel): InputSpec {
  return { name: 'input', size, resize, colorOrder: 'RGB', layout: 'NCHW', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
}

interface Rate {
  perSecond: number;
  /** Process CPU time (all threads, sharp's included) per call: steadier than wall time on a busy machine. */
  cpuMs: number;
}

/** Run `fn` repeatedly for about SECONDS after a short warm-up. */
async function rate(fn: (i: number) => unknown): Promise<Rate> {
  for (let i = 0; i < 20; i++) await fn(i);
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < SECONDS * 1000) {
    await fn(n);
    n++;
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: n / wall, cpuMs: (cpu.user + cpu.system) / 1000 / n };
}

function line(label: string, r: Rate): void {
  const ms = (1000 / r.perSecond).toFixed(2).padStart(7);
  console.log(`${label.padEnd(40)} ${r.perSecond.toFixed(0).padStart(6)} images/s ${ms} ms/image (wall) ${r.cpuMs.toFixed(2).padStart(6)} ms CPU`);
}

const dir = mkdtempSync(join(tmpdir(), 'fer-bench-preprocess-'));
try {
  // AffectNet ships JPEGs: time JPEG copies of the photos as well as the PNGs.
  const jpegs = await Promise.all(ITEMS.map(async ({ photo, box }) => {
    const path = join(dir, photo.replace('.png', '.jpg'));
    writeFileSync(path, await sharp(readFileSync(FIXTURES + photo)).jpeg({ quality: 90 }).toBuffer());
    return { path, box };
  }));
  const pngs = ITEMS.map(({ photo, box }) => ({ path: FIXTURES + photo, box }));
  const decoded: RgbImage[] = [];
  for (const { path } of pngs) {
    const d = await decodeImage(path);
    if (!d.ok) throw new Error(`${path}: ${d.detail}`);
    decoded.push(d.image);
  }
  const pick = <T>(xs: T[], i: number): T => xs[i % xs.length];

  console.log(`node ${process.version}, sharp ${sharp.versions.sharp}, ${SECONDS} s per line, photos ${ITEMS.map((x) => x.photo).join(', ')}\n`);
  line('decode PNG (sharp)', await rate((i) => decodeImage(pick(pngs, i).path)));
  line('decode JPEG q90 (sharp)', await rate((i) => decodeImage(pick(jpegs, i).path)));

  for (const size of [224, 260]) {
    for (const kernel of ['cv2', 'pil'] as const) {
      const s = spec(size, kernel);
      const out = new Float32Array(tensorLength(s));
      const small = new Uint8Array(size * size * 3);
      line(`resize ${kernel} face crop -> ${size}`, await rate((i) => {
        const img = pick(decoded, i);
        const c = cropRect(pick(ITEMS, i).box, img.width, img.height);
        if (!c.ok) throw new Error(c.detail);
        return resizeRgb(img, { width: size, height: size, kernel, rect: c.rect, out: small });
      }));
      line(`resize ${kernel} whole photo -> ${size}`, await rate((i) => resizeRgb(pick(decoded, i), { width: size, height: size, kernel, out: small })));
      const smallImg = { data: small, width: size, height: size };
      line(`normalise ${size} NCHW`, await rate(() => normalizeInto(smallImg, s, out, 0)));
      line(`full path PNG, ${kernel}, ${size}`, await rate((i) => preprocess(pick(pngs, i), s)));
      line(`full path JPEG, ${kernel}, ${size}`, await rate((i) => preprocess(pick(jpegs, i), s)));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
