/**
 * The main job, `bench --model NAME`: a latency benchmark, run as the real command in a child process.
 * The bundled face-api model (TF.js) needs no download; a zoo model without weights must say how to get
 * them or to add --replica; with --replica it runs a random-weight replica and says so everywhere.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LatencyRunRecord } from '../../src/bench/latency-run.js';
import { packageModelsDir } from '../../src/models/zoo.js';
import { runBenchCli, STACK_LINE } from '../bench/tiny-model.js';

type Printed = Array<Omit<LatencyRunRecord, 'samplesMs'> & { samplesMs: number[]; file: string | null }>;

let root: string;
/** An empty download cache and working directory: no weights anywhere but the package's models/. */
let env: Record<string, string | undefined>;
let cwd: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-cli-latency-'));
  cwd = join(root, 'cwd');
  await mkdir(cwd);
  await mkdir(join(root, 'cache'));
  env = { FER_BENCH_CACHE: join(root, 'cache'), FER_BENCH_ZOO: undefined };
});

after(() => rm(root, { recursive: true, force: true }));

const SHORT = ['--min-duration', '10', '--warmup', '1'];

test('bench --model faceapi_expression --json: a latency record with n ≥ --min-runs, nothing saved with --no-save', async () => {
  const ran = await runBenchCli(['--model', 'faceapi_expression', '--min-runs', '5', ...SHORT, '--no-save', '--json'], { cwd, env });
  assert.equal(ran.code, 0, ran.stderr);
  const records = JSON.parse(ran.stdout) as Printed;
  assert.equal(records.length, 1);
  const [r] = records;
  assert.equal(r.kind, 'latency');
  assert.equal(r.replica, false);
  assert.equal(r.file, null);
  assert.equal(r.provenance.model.name, 'faceapi_expression');
  assert.equal(r.provenance.model.replica, false);
  assert.match(r.provenance.model.sha256 ?? '', /^[0-9a-f]{64}$/);
  assert.ok(r.latency.n >= 5, `n = ${r.latency.n}`);
  assert.equal(r.latency.minRuns, 5);
  assert.equal(r.latency.minDurationMs, 10);
  assert.equal(r.latency.warmupRuns, 1);
  assert.equal(r.latency.batchSize, 1);
  assert.equal(r.latency.valid, true);
  assert.equal(r.samplesMs.length, r.latency.n);
  const l = r.latency;
  assert.ok(l.minMs <= l.p50Ms && l.p50Ms <= l.p90Ms && l.p90Ms <= l.p99Ms && l.p99Ms <= l.maxMs);
  assert.equal(existsSync(join(cwd, 'results')), false, '--no-save wrote nothing');
});

test('bench --model enet_b0_8_va_mtl without weights: exit code 2, says to bench pull or, for latency, to run the --replica command', async (t) => {
  if (existsSync(join(packageModelsDir(), 'enet_b0_8_va_mtl.onnx')) || existsSync(join(packageModelsDir(), 'weights', 'enet_b0_8_va_mtl.onnx'))) {
    t.skip(`the weights are in ${packageModelsDir()} on this machine`);
    return;
  }
  const ran = await runBenchCli(['--model', 'enet_b0_8_va_mtl'], { cwd, env });
  assert.equal(ran.code, 2);
  assert.equal(ran.stdout, '');
  assert.match(ran.stderr, /^error\[WEIGHTS_MISSING\]: no weights for enet_b0_8_va_mtl: looked for enet_b0_8_va_mtl\.onnx in /);
  assert.ok(ran.stderr.includes(join(root, 'cache', 'enet_b0_8_va_mtl.onnx')), 'names the (empty) cache it searched');
  assert.match(ran.stderr, /fix: run `bench pull enet_b0_8_va_mtl`/);
  assert.match(ran.stderr, /for latency only, `bench --model enet_b0_8_va_mtl --replica` times a random-weight replica/);
  assert.doesNotMatch(ran.stderr, STACK_LINE);
  assert.equal(existsSync(join(cwd, 'results')), false);
});

test('bench --model enet_b0_8_va_mtl --replica: runs a random-weight replica and says replica: true', async () => {
  const ran = await runBenchCli(['--model', 'enet_b0_8_va_mtl', '--replica', '--min-runs', '3', ...SHORT, '--no-save', '--json'], { cwd, env });
  assert.equal(ran.code, 0, ran.stderr);
  const [r, ...rest] = JSON.parse(ran.stdout) as Printed;
  assert.equal(rest.length, 0);
  assert.equal(r.replica, true);
  assert.equal(r.provenance.model.replica, true);
  assert.equal(r.provenance.model.sha256, null);
  assert.equal(r.provenance.model.file, null);
  assert.equal(r.provenance.engine.engine, 'onnxruntime-node');
  assert.ok(r.latency.n >= 3);
  assert.ok(r.metrics === undefined && r.coverage === undefined, 'never an accuracy');
  // The published phone latency comes along, for reference only.
  assert.deepEqual(r.published?.map((p) => p.metric), ['latency_ms']);

  // The human report says it is a replica, and a saved record's file name does too.
  const out = join(root, 'runs');
  const human = await runBenchCli(['--model', 'enet_b0_8_va_mtl', '--replica', '--min-runs', '3', ...SHORT, '--out', out], { cwd, env });
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^enet_b0_8_va_mtl {2}\[REPLICA: random weights, same architecture — latency only, never accuracy\]$/m);
  assert.match(human.stdout, /weights {5}\(built in memory\)/);
  assert.match(human.stdout, /validity {4}valid/);
  const files = await readdir(out);
  assert.equal(files.length, 1);
  assert.match(files[0], /_enet_b0_8_va_mtl-replica_latency_b1_t0\.json$/);
  const saved = JSON.parse(await readFile(join(out, files[0]), 'utf8')) as LatencyRunRecord;
  assert.equal(saved.replica, true);
  assert.ok(human.stdout.includes(`record      ${join(out, files[0])}`));
});
