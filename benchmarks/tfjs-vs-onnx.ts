/**
 * Latency of mobilenet_7's architecture on the two engines, batch 1, after warm-up: the TF.js replica
 * (Keras graph rebuilt by tfjs-layers, seeded weights) on the tfjs backend in use (wasm here), and the
 * ONNX replica of the same architecture (batch norm folded, as an export has it) on onnxruntime-node,
 * single-threaded (like wasm in Node) and with ORT's default threads. Only the engine call is timed.
 *
 *   npx tsx benchmarks/tfjs-vs-onnx.ts [--runs 30] [--warmup 5] [--min-ms 3000] [--json]
 */
import { performance } from 'node:perf_hooks';
import { measureLatency, type LatencyResult } from '../src/bench/latency.js';
import type { Engine } from '../src/models/engines/engine.js';
import { createOnnxEngine } from '../src/models/engines/onnx.js';
import { createTfjsEngine } from '../src/models/engines/tfjs.js';
import { buildReplica } from '../src/models/replicas/replica.js';
import { buildTfjsMobilenetReplica } from '../src/models/replicas/tfjs-mobilenet.js';
import { getModel } from '../src/models/zoo.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const RUNS = arg('runs', 30);
const WARMUP = arg('warmup', 5);
const MIN_MS = arg('min-ms', 3000);
const JSON_OUT = process.argv.includes('--json');

interface Row {
  engine: string;
  backend: string;
  threads: number;
  createMs: number;
  firstRunMs: number;
  p50Ms: number;
  p90Ms: number;
  meanMs: number;
  runs: number;
}

async function time(label: string, create: () => Promise<Engine>): Promise<Row> {
  const t0 = performance.now();
  const engine = await create();
  const createMs = performance.now() - t0;
  const r: LatencyResult = await measureLatency(engine, { batchSize: 1, warmupRuns: WARMUP, minRuns: RUNS, minDurationMs: MIN_MS });
  await engine.dispose();
  return { engine: label, backend: engine.info.backend, threads: engine.info.threads, createMs, firstRunMs: r.firstRunMs, p50Ms: r.p50Ms, p90Ms: r.p90Ms, meanMs: r.meanMs, runs: r.n };
}

const card = getModel('mobilenet_7');
const rows: Row[] = [];
rows.push(await time('tfjs', async () => createTfjsEngine(card, { model: await buildTfjsMobilenetReplica(card, { seed: 0 }) })));
const onnx = buildReplica(card, { seed: 0 });
rows.push(await time('onnxruntime-node', () => createOnnxEngine(card, { bytes: onnx.bytes }, { threads: 1 })));
rows.push(await time('onnxruntime-node', () => createOnnxEngine(card, { bytes: onnx.bytes })));

if (JSON_OUT) {
  process.stdout.write(JSON.stringify({ model: card.name, replica: true, batchSize: 1, warmupRuns: WARMUP, rows }, null, 2) + '\n');
} else {
  const f = (v: number) => v.toFixed(1).padStart(8);
  console.log(`${card.name} replica, batch 1, ${WARMUP} warm-up runs, ≥${RUNS} timed runs and ≥${MIN_MS} ms (latency in ms)`);
  console.log(`${'engine'.padEnd(18)}${'backend'.padEnd(9)}${'threads'.padStart(8)}${'create'.padStart(8)}${'first'.padStart(8)}${'p50'.padStart(8)}${'p90'.padStart(8)}${'runs'.padStart(6)}`);
  for (const r of rows) {
    console.log(`${r.engine.padEnd(18)}${r.backend.padEnd(9)}${String(r.threads || 'auto').padStart(8)}${f(r.createMs)}${f(r.firstRunMs)}${f(r.p50Ms)}${f(r.p90Ms)}${String(r.runs).padStart(6)}`);
  }
}
