/**
 * Latency parity: the latency the harness reports (`measureLatency` around `engine.run`) must agree with a
 * bare `await session.run(feeds)` loop on the SAME onnxruntime session, with a prebuilt ort.Tensor, within
 * 2% at the median. EfficientNet-B0 replica of enet_b0_8_va_mtl, batch 1, intra-op threads 1 and the
 * library default (0).
 *
 * The two loops run in alternating blocks (harness, bare, bare, harness, ...: ABBA) so that drift in machine
 * load or clock speed hits both sides alike; each side's median is taken over all its blocks' samples. The
 * ratio is harness median / bare median (1.000 = identical; the bar is ≤ 1.02).
 *
 *   node --import tsx benchmarks/latency-parity.ts [--blocks 8] [--runs 40] [--threads 1,0] [--batch 1] [--json]
 */
import { performance } from 'node:perf_hooks';
import { measureLatency, syntheticInput } from '../src/bench/latency.js';
import { loadOrt, type OnnxEngine } from '../src/models/engines/onnx.js';
import { openModel } from '../src/models/open.js';
import { getModel } from '../src/models/zoo.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const BLOCKS = Number(arg('blocks', '8'));
const RUNS = Number(arg('runs', '40'));
const THREADS = arg('threads', '1,0').split(',').map(Number);
const BATCH = Number(arg('batch', '1'));
const JSON_OUT = process.argv.includes('--json');
const BAR = 1.02;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Row {
  threads: number;
  batch: number;
  harnessP50Ms: number;
  bareP50Ms: number;
  ratio: number;
  /** Per-block median ratios (harness block / neighbouring bare block), min and max. */
  blockRatioMin: number;
  blockRatioMax: number;
  runsEach: number;
  pass: boolean;
}

const ort = await loadOrt();
const card = getModel('enet_b0_8_va_mtl');
const rows: Row[] = [];

for (const threads of THREADS) {
  const opened = await openModel(card, { replica: true, threads });
  const engine = opened.engine as OnnxEngine;
  const session = engine.session;
  // The same bytes the harness feeds (measureLatency's synthetic batch, seed 0), wrapped once.
  const input = syntheticInput(engine, BATCH, 0);
  const feeds = { [card.input.name]: new ort.Tensor('float32', input.data, [...input.dims]) };

  const bareBlock = async (n: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      out.push(performance.now() - t0);
    }
    return out;
  };
  const harnessBlock = async (n: number): Promise<number[]> =>
    (await measureLatency(engine, { batchSize: BATCH, warmupRuns: 0, minRuns: n, minDurationMs: 0, maxDurationMs: 600_000 })).samplesMs;

  // Common warm-up (allocator arenas, thread pool spin-up).
  await bareBlock(10);
  await harnessBlock(10);

  const harness: number[] = [];
  const bare: number[] = [];
  const blockRatios: number[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    // ABBA: even blocks harness first, odd blocks bare first.
    let h: number[], r: number[];
    if (b % 2 === 0) {
      h = await harnessBlock(RUNS);
      r = await bareBlock(RUNS);
    } else {
      r = await bareBlock(RUNS);
      h = await harnessBlock(RUNS);
    }
    harness.push(...h);
    bare.push(...r);
    blockRatios.push(median(h) / median(r));
  }
  await engine.dispose();
  const h50 = median(harness), b50 = median(bare);
  rows.push({
    threads,
    batch: BATCH,
    harnessP50Ms: h50,
    bareP50Ms: b50,
    ratio: h50 / b50,
    blockRatioMin: Math.min(...blockRatios),
    blockRatioMax: Math.max(...blockRatios),
    runsEach: harness.length,
    pass: h50 / b50 <= BAR,
  });
}

if (JSON_OUT) {
  process.stdout.write(JSON.stringify({ model: card.name, replica: true, bar: BAR, blocks: BLOCKS, runsPerBlock: RUNS, rows }, null, 2) + '\n');
} else {
  console.log(`${card.name} replica (EfficientNet-B0), batch ${BATCH}, onnxruntime-node ${ort.env.versions.node ?? ''}, node ${process.version}`);
  console.log(`${BLOCKS} alternating blocks of ${RUNS} calls per side; ratio = harness p50 / bare session.run p50, bar ≤ ${BAR}\n`);
  console.log(`${'threads'.padEnd(9)}${'harness p50'.padStart(13)}${'bare p50'.padStart(11)}${'ratio'.padStart(8)}${'block ratios'.padStart(17)}${'runs'.padStart(7)}  result`);
  for (const r of rows) {
    console.log(
      `${(r.threads === 0 ? '0 (ORT)' : String(r.threads)).padEnd(9)}${(r.harnessP50Ms.toFixed(2) + ' ms').padStart(13)}${(r.bareP50Ms.toFixed(2) + ' ms').padStart(11)}` +
        `${r.ratio.toFixed(3).padStart(8)}${`${r.blockRatioMin.toFixed(3)}–${r.blockRatioMax.toFixed(3)}`.padStart(17)}${String(r.runsEach).padStart(7)}  ${r.pass ? 'ok' : 'OVER 2%'}`,
    );
  }
}
if (rows.some((r) => !r.pass)) process.exitCode = 1;
