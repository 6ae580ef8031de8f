/**
 * End-to-end evaluation throughput: on an AffectNet-layout corpus of JPEG photographs (faces of 256–1000 px),
 * images/s through the whole runner (piscina decode/crop/resize/normalise workers → batches → engine →
 * prediction store) must reach ≥ 90% of the bare engine's images/s on pre-made tensors, same batch size and
 * intra-op thread count. Model: the EfficientNet-B0 replica of enet_b0_8_va_mtl (random weights).
 *
 * BENCHMARK-ONLY CONSTRUCTION. The runner refuses replicas (REPLICA_NOT_ALLOWED: random weights have no
 * accuracy). Throughput does not depend on the weights, so this script wraps the replica in an OpenedModel
 * the runner accepts (replica-as-model.ts). Its predictions go to a throw-away store under the OS temp
 * dir; no run record is made and nothing is written to results/. Never copy this into product code.
 *
 * The corpus: the three test photographs (astronaut, coffee, chelsea) randomly cropped, flipped and scaled
 * with sharp so the face box is 256–1000 px and the picture 1.1–1.4× the box, saved as quality-90 JPEGs
 * under Manually_Annotated_Images/ with a Manually_Annotated_file_lists/validation.csv, read back through
 * the real AffectNet loader. It is cached in the temp dir between runs (same --items and seed, same bytes).
 *
 * Per configuration (batch × threads × workers), `--repeat` rounds of: bare engine, then end-to-end
 * (a fresh store each time), so drift hits both; the ratio is taken per round and the range printed.
 *   bare:       engine.run on pre-made batches (real preprocessed tensors), ≥ --seconds, images/s
 *   end-to-end: items / runCorpus's own wall time (loop from first task to last record stored);
 *               also `outer`, around the whole runCorpus call (pool start-up, store open/close, readAll)
 *
 *   node --import tsx benchmarks/eval-throughput.ts [--items 400] [--batch 8,1] [--threads 1,0]
 *       [--workers default|1,2] [--queue N] [--repeat 5] [--seconds 3] [--dist] [--json]
 *   (--dist needs `npm run build`: the runner and its preprocessing workers come from dist/, as in `bench eval`)
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { openCorpus, type Corpus } from '../src/datasets/corpus.js';
import { preprocess, tensorLength } from '../src/media/preprocess.js';
import type { OpenedModel } from '../src/models/open.js';
import { replicaAsModel } from './replica-as-model.js';
import { createRng } from '../src/bench/metrics/prng.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const ITEMS = Number(arg('items', '400'));
const BATCHES = arg('batch', '8,1').split(',').map(Number);
const THREADS = arg('threads', '1,0').split(',').map(Number);
const WORKERS = arg('workers', 'default').split(',').map((w) => (w === 'default' ? undefined : Number(w)));
const QUEUE = process.argv.includes('--queue') ? Number(arg('queue', '0')) : undefined;
const REPEAT = Number(arg('repeat', '5'));
const SECONDS = Number(arg('seconds', '3'));
const JSON_OUT = process.argv.includes('--json');
/** --dist: the runner (and so its workers) from the build, as `bench eval` runs it; no tsx in the workers. */
const DIST = process.argv.includes('--dist');
const { runCorpus } = (DIST ? await import('../dist/bench/runner.js' as string) : await import('../src/bench/runner.js')) as typeof import('../src/bench/runner.js');
const BAR = 0.9;
/** A round is quiet when other processes used at most this much CPU (% of one core) during its end-to-end pass. */
const QUIET_OTHERS = 20;
const SEED = 7;

const FIXTURES = fileURLToPath(new URL('../test/fixtures/media/', import.meta.url));
const PHOTOS = ['astronaut.png', 'coffee.png', 'chelsea.png'];

/**
 * Writes `items` JPEG photographs in AffectNet's official CSV layout (face box 256–1000 px, picture 1.1–1.4×
 * the box) and returns the corpus root. Reused when already written for the same item count and seed.
 */
async function photoCorpus(items: number, seed: number): Promise<string> {
  // The generator's version is in the name: a corpus cached by an older generator is never reused.
  const root = join(tmpdir(), `fer-bench-eval-throughput-v2-${items}-${seed}`);
  const done = join(root, '.complete');
  if (existsSync(done)) return root;
  await rm(root, { recursive: true, force: true });
  const rnd = createRng(seed).nextFloat;
  const photos = await Promise.all(PHOTOS.map((p) => readFile(FIXTURES + p)));
  const lines = ['subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal'];
  for (let i = 0; i < items; i++) {
    const face = Math.round(256 + rnd() * (1000 - 256));
    const side = Math.round(face * (1.1 + rnd() * 0.3));
    const aspect = 0.85 + rnd() * 0.3;
    const width = side, height = Math.round(side * aspect);
    const src = photos[i % photos.length];
    const meta = await sharp(src).metadata();
    // A random region of the photo (at least half of its shorter side), flipped half the time, scaled to the picture size.
    const cw = Math.round((meta.width! * (0.5 + rnd() * 0.5)));
    const ch = Math.min(meta.height!, Math.round(cw * aspect));
    const left = Math.floor(rnd() * (meta.width! - cw + 1));
    const top = Math.floor(rnd() * (meta.height! - ch + 1));
    let img = sharp(src).extract({ left, top, width: cw, height: ch });
    if (rnd() < 0.5) img = img.flop();
    const jpeg = await img.resize(width, height, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
    const dir = String(1 + (i % 97));
    const name = `${i.toString(16).padStart(8, '0')}${Math.floor(rnd() * 2 ** 32).toString(16).padStart(8, '0')}.jpg`;
    const rel = `${dir}/${name}`;
    await mkdir(join(root, 'Manually_Annotated_Images', dir), { recursive: true });
    await writeFile(join(root, 'Manually_Annotated_Images', rel), jpeg);
    const x = Math.floor(rnd() * (width - face + 1));
    const y = Math.floor(rnd() * Math.max(1, height - face + 1));
    const landmarks = Array.from({ length: 136 }, (_, k) => (k % 2 === 0 ? x + rnd() * face : y + rnd() * face).toFixed(2)).join(';');
    const expression = i % 8;
    lines.push([rel, `${x}.0`, `${y}.0`, face, face, landmarks, expression, (rnd() * 2 - 1).toFixed(6), (rnd() * 2 - 1).toFixed(6)].join(','));
  }
  await mkdir(join(root, 'Manually_Annotated_file_lists'), { recursive: true });
  await writeFile(join(root, 'Manually_Annotated_file_lists', 'validation.csv'), lines.join('\n') + '\n');
  await writeFile(done, '');
  return root;
}

const engineClock = { ms: 0, items: 0 };

/** Busy CPU time of the whole machine in ms (Linux /proc/stat), or null elsewhere. */
function machineBusyMs(): number | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
    return (busy * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** The replica as an OpenedModel the runner accepts (benchmark-only, see replica-as-model.ts), its run timed. */
async function benchmarkOnlyModel(threads: number): Promise<OpenedModel> {
  const opened = await replicaAsModel('enet_b0_8_va_mtl', threads);
  const inner = opened.engine;
  // Time inside engine.run, to tell a starved engine (waiting on preprocessing) from a slowed one (sharing cores).
  const engine = Object.assign(Object.create(inner) as typeof inner, {
    async run(input: Parameters<typeof inner.run>[0]) {
      const t = performance.now();
      try {
        return await inner.run(input);
      } finally {
        engineClock.ms += performance.now() - t;
        engineClock.items += input.dims[0];
      }
    },
  });
  return { ...opened, engine };
}

/** Pre-made input batches from real preprocessed photos (cycled), so the bare engine sees the same kind of data. */
async function premadeBatches(corpus: Corpus, model: OpenedModel, batch: number, count: number): Promise<Float32Array[]> {
  const n = tensorLength(model.card.input);
  const out: Float32Array[] = [];
  let k = 0;
  for (let b = 0; b < count; b++) {
    const data = new Float32Array(batch * n);
    for (let i = 0; i < batch; i++, k++) {
      const s = corpus.samples[k % corpus.samples.length];
      if (s.source.kind !== 'image') throw new Error('image corpus expected');
      const r = await preprocess({ path: s.source.path, box: s.source.box }, model.card.input);
      if (!r.ok) throw new Error(`${s.id}: ${r.reason}`);
      data.set(r.tensor, i * n);
    }
    out.push(data);
  }
  return out;
}

async function bareImagesPerSecond(model: OpenedModel, batches: Float32Array[], batch: number): Promise<number> {
  const s = model.card.input.size;
  const dims = [batch, 3, s, s];
  for (let i = 0; i < 3; i++) await model.engine.run({ data: batches[i % batches.length], dims });
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000 || n < 10) {
    await model.engine.run({ data: batches[n % batches.length], dims });
    n++;
  }
  return (n * batch * 1000) / (performance.now() - t0);
}

interface E2e {
  imagesPerSecond: number;
  outerImagesPerSecond: number;
  /** From the first batch stored to the last: the pipeline without worker start-up and first fill. */
  steadyImagesPerSecond: number;
  /** From the runCorpus call to the first batch stored (pool start-up, store open, first fill). */
  firstBatchMs: number;
  /** Share of the runner's wall time spent inside engine.run, and the engine's own rate while in the pipeline. */
  engineBusy: number;
  engineImagesPerSecond: number;
  cpuPercent: number;
  /** CPU used by other processes during the run, % of one core (null off Linux): a noisy round shows here. */
  othersPercent: number | null;
}

async function endToEnd(model: OpenedModel, corpus: Corpus, batch: number, workers: number | undefined): Promise<E2e> {
  const storeDir = await mkdtemp(join(tmpdir(), 'fer-bench-throughput-store-'));
  try {
    engineClock.ms = 0;
    engineClock.items = 0;
    const cpu0 = process.cpuUsage();
    const busy0 = machineBusyMs();
    const t0 = performance.now();
    let first: { t: number; done: number } | undefined;
    let last = { t: 0, done: 0 };
    const onProgress = (p: { done: number }): void => {
      const t = performance.now();
      first ??= { t, done: p.done };
      last = { t, done: p.done };
    };
    const r = await runCorpus(model, corpus, { batchSize: batch, workers, queueDepth: QUEUE, storeDir, storeOptions: { fsync: false }, onProgress });
    const outer = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const busy1 = machineBusyMs();
    const ownMs = (cpu.user + cpu.system) / 1000;
    if (r.records.some((x) => x.skip)) throw new Error(`skipped items: ${JSON.stringify(r.records.find((x) => x.skip))}`);
    return {
      imagesPerSecond: (r.ran * 1000) / r.wallMs,
      outerImagesPerSecond: (r.ran * 1000) / outer,
      steadyImagesPerSecond: ((last.done - first!.done) * 1000) / (last.t - first!.t),
      firstBatchMs: first!.t - t0,
      engineBusy: engineClock.ms / r.wallMs,
      engineImagesPerSecond: (engineClock.items * 1000) / engineClock.ms,
      cpuPercent: (ownMs / outer) * 100,
      othersPercent: busy0 === null || busy1 === null ? null : Math.max(0, ((busy1 - busy0 - ownMs) / outer) * 100),
    };
  } finally {
    await rm(storeDir, { recursive: true, force: true });
  }
}

interface Row {
  batch: number;
  threads: number;
  workers: number;
  queueDepth: number;
  bare: number[];
  e2e: number[];
  outer: number[];
  steady: number[];
  firstBatchMs: number[];
  engineBusy: number[];
  engineInRun: number[];
  ratios: number[];
  steadyRatios: number[];
  cpuPercent: number[];
  othersPercent: number[];
  /** Rounds with others% ≤ QUIET_OTHERS; the verdict uses only those when there are any. */
  quietRounds: number;
  medianRatio: number;
  medianSteadyRatio: number;
  pass: boolean;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const genT0 = performance.now();
const root = await photoCorpus(ITEMS, SEED);
const genMs = performance.now() - genT0;
const corpus = await openCorpus('affectnet', { root, split: 'val' });
if (corpus.samples.length !== ITEMS) throw new Error(`corpus has ${corpus.samples.length} items, expected ${ITEMS}`);
if (!JSON_OUT) {
  console.log(`corpus: ${ITEMS} JPEG photos, faces 256–1000 px, AffectNet CSV layout at ${root}${genMs > 1000 ? ` (written in ${(genMs / 1000).toFixed(1)} s)` : ' (cached)'}`);
  console.log(`runner from ${DIST ? 'dist/ (built)' : 'src/ (tsx)'}; enet_b0_8_va_mtl replica (benchmark-only, not evaluable), ${availableParallelism()} cores, node ${process.version}, sharp ${sharp.versions.sharp}`);
  console.log(`${REPEAT} rounds per line (bare ≥ ${SECONDS} s, then one end-to-end pass over the corpus); ratio = end-to-end / bare, bar ≥ ${BAR}`);
  console.log(`ratio column: median over quiet rounds (others% ≤ ${QUIET_OTHERS}; [q/n] = quiet of all) and the range over all rounds\n`);
  console.log(`${'batch'.padEnd(6)}${'threads'.padEnd(9)}${'workers'.padEnd(8)}${'queue'.padEnd(6)}${'bare img/s'.padStart(12)}${'e2e img/s'.padStart(12)}${'steady img/s'.padStart(14)}${'1st batch'.padStart(11)}${'engine busy'.padStart(13)}${'engine img/s'.padStart(14)}${'ratio [quiet] (range)'.padStart(24)}${'steady ratio'.padStart(20)}${'cpu%'.padStart(6)}${'others%'.padStart(9)}  result`);
}

const range = (xs: number[], d = 0) => `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}`;
const rows: Row[] = [];
for (const threads of THREADS) {
  const model = await benchmarkOnlyModel(threads);
  try {
    for (const batch of BATCHES) {
      const premade = await premadeBatches(corpus, model, batch, Math.max(2, Math.ceil(32 / batch)));
      for (const workers of WORKERS) {
        const w = workers ?? Math.max(1, availableParallelism() - 1);
        const row: Row = { batch, threads, workers: w, queueDepth: QUEUE ?? 4 * batch + 2 * w, bare: [], e2e: [], outer: [], steady: [], firstBatchMs: [], engineBusy: [], engineInRun: [], ratios: [], steadyRatios: [], cpuPercent: [], othersPercent: [], quietRounds: 0, medianRatio: 0, medianSteadyRatio: 0, pass: false };
        for (let r = 0; r < REPEAT; r++) {
          const bare = await bareImagesPerSecond(model, premade, batch);
          const e = await endToEnd(model, corpus, batch, workers);
          row.bare.push(bare);
          row.e2e.push(e.imagesPerSecond);
          row.outer.push(e.outerImagesPerSecond);
          row.steady.push(e.steadyImagesPerSecond);
          row.firstBatchMs.push(e.firstBatchMs);
          row.engineBusy.push(e.engineBusy);
          row.engineInRun.push(e.engineImagesPerSecond);
          row.cpuPercent.push(e.cpuPercent);
          if (e.othersPercent !== null) row.othersPercent.push(e.othersPercent);
          row.ratios.push(e.imagesPerSecond / bare);
          row.steadyRatios.push(e.steadyImagesPerSecond / bare);
        }
        // Rounds where other processes took more than a fifth of a core are left out of the verdict when
        // quiet rounds exist (the machine is shared; a busy neighbour starves the pipeline, not the bare loop).
        const quiet = row.ratios.filter((_, i) => (row.othersPercent[i] ?? 0) <= QUIET_OTHERS);
        row.quietRounds = quiet.length;
        row.medianRatio = median(quiet.length ? quiet : row.ratios);
        const quietSteady = row.steadyRatios.filter((_, i) => (row.othersPercent[i] ?? 0) <= QUIET_OTHERS);
        row.medianSteadyRatio = median(quietSteady.length ? quietSteady : row.steadyRatios);
        row.pass = row.medianRatio >= BAR;
        rows.push(row);
        if (!JSON_OUT) {
          console.log(
            `${String(batch).padEnd(6)}${(threads === 0 ? '0 (ORT)' : String(threads)).padEnd(9)}${String(w).padEnd(8)}${String(row.queueDepth).padEnd(6)}` +
              `${range(row.bare).padStart(12)}${range(row.e2e).padStart(12)}${range(row.steady).padStart(14)}${(median(row.firstBatchMs).toFixed(0) + ' ms').padStart(11)}` +
              `${(median(row.engineBusy) * 100).toFixed(0).padStart(12)}%${median(row.engineInRun).toFixed(0).padStart(14)}` +
              `${`${row.medianRatio.toFixed(2)} [${row.quietRounds}/${REPEAT}] (${range(row.ratios, 2)})`.padStart(24)}${`${row.medianSteadyRatio.toFixed(2)} (${range(row.steadyRatios, 2)})`.padStart(20)}` +
              `${median(row.cpuPercent).toFixed(0).padStart(6)}${(row.othersPercent.length ? range(row.othersPercent) : 'n/a').padStart(9)}  ${row.pass ? 'ok' : 'UNDER 90%'}`,
          );
        }
      }
    }
  } finally {
    await model.engine.dispose();
  }
}
if (JSON_OUT) process.stdout.write(JSON.stringify({ items: ITEMS, bar: BAR, repeat: REPEAT, bareSeconds: SECONDS, rows }, null, 2) + '\n');
