/**
 * `bench demo`, the real command in a child process: a generated AffectNet (official CSV layout, with
 * faults) through the bundled face-api model, plus latency of that model and of a replica. Every eval
 * record it makes is labelled demo; its coverage is exactly that of the corpus it wrote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvalRunRecord } from '../../src/bench/evaluate.js';
import type { LatencyRunRecord } from '../../src/bench/latency-run.js';
import type { RunRecord } from '../../src/bench/records.js';
import { readStore } from '../../src/bench/store.js';
import { AFFECTNET_CLASSES } from '../../src/datasets/affectnet-labels.js';
import { runBenchCli, STACK_LINE } from '../bench/tiny-model.js';

const PER_CLASS = 3;

test('bench demo --per-class 3 --json: eval records marked demo, coverage of the generated corpus, latency of both models', { timeout: 300_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'fer-cli-demo-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'demo');
  const ran = await runBenchCli(['demo', '--dir', dir, '--per-class', String(PER_CLASS), '--clips-per-class', '1', '--json'], { cwd: root, env: { FER_BENCH_ZOO: undefined } });
  assert.equal(ran.code, 0, ran.stderr);
  assert.doesNotMatch(ran.stderr, STACK_LINE);
  const printed = JSON.parse(ran.stdout) as { evals: EvalRunRecord[]; latency: LatencyRunRecord[]; faults: Array<{ planted: string; reason: string; row?: number; counted: number }> };

  // The faults it planted, each with the reason it must be counted under and the count the run made.
  assert.deepEqual(printed.faults.map((f) => [f.reason, f.counted]).sort(), [
    ['decode-failed', 1],
    ['expression-none', 1],
    ['malformed-row', 1],
    ['missing-file', 1],
  ]);
  assert.ok(printed.faults.filter((f) => f.reason !== 'decode-failed').every((f) => Number.isInteger(f.row) && f.planted.length > 0));

  // Evaluations of the bundled model, AffectNet-8 then -7, then the video part on AFEW, all labelled demo.
  assert.deepEqual(printed.evals.map((e) => [e.provenance.dataset?.corpus, e.protocol, e.demo, e.replica, e.provenance.model.name]), [
    ['affectnet', '8-class', true, false, 'faceapi_expression'],
    ['affectnet', '7-class', true, false, 'faceapi_expression'],
    ['afew', 'all-classes', true, false, 'faceapi_expression'],
  ]);
  // The demo AFEW: one clip per emotion, the Surprise one without any face, plus a zero-byte clip counted at load.
  const afew = printed.evals.pop()!;
  assert.deepEqual(afew.coverage!.clips, { evaluated: 7, scored: 6 });
  assert.deepEqual(afew.coverage!.skippedByReason, { 'no-face': 1, 'empty-file': 1 });
  assert.ok(afew.coverage!.frames!.withFace >= 0.95 * (6 * 8), `RetinaFace found the face on ${afew.coverage!.frames!.withFace} of the 48 face frames`);
  assert.equal(afew.metrics!.complete_accuracy.value, (afew.metrics!.accuracy.value * 6) / 7);
  // The demo corpus: 8 × 3 clean items, one of them truncated, plus a missing file, a malformed row and an id-8 row.
  const items = 8 * PER_CLASS;
  for (const e of printed.evals) {
    assert.equal(e.coverage!.total, items + 3);
    assert.deepEqual(e.coverage!.skippedByReason, { 'missing-file': 1, 'malformed-row': 1, 'expression-none': 1, 'decode-failed': 1 });
    assert.equal(e.coverage!.skipped, 4);
    // face-api has no Contempt. AffectNet-8 keeps its Contempt items and counts them wrong (8 classes);
    // AffectNet-7 leaves them out.
    const excluded = Object.values(e.coverage!.excluded ?? {}).reduce((a, b) => a + b, 0);
    assert.equal(e.coverage!.scored + excluded, items - 1);
    if (e.protocol === '8-class') {
      assert.equal(excluded, 0);
      assert.deepEqual(e.classes, AFFECTNET_CLASSES.slice(0, 8));
      assert.equal(e.confusion![7].reduce((a, b) => a + b, 0) - e.confusion![7][7], e.confusion![7].reduce((a, b) => a + b, 0), 'Contempt never right');
    } else {
      assert.ok(excluded >= PER_CLASS - 1 && excluded <= PER_CLASS);
      assert.deepEqual(e.classes, AFFECTNET_CLASSES.slice(0, 7));
    }
    assert.ok(Number.isFinite(e.metrics!.accuracy.value));
    assert.equal(e.confusion!.flat().reduce((a, b) => a + b, 0), e.coverage!.scored);
  }
  // Both protocols read the same prediction store.
  assert.equal(printed.evals[0].predictionStore, printed.evals[1].predictionStore);
  const store = await readStore(printed.evals[0].predictionStore);
  assert.equal(store.records.length, items);
  assert.notEqual(store.meta.complete, null);

  // Latency: the bundled model, then the replica (latency only, and it says so).
  assert.deepEqual(printed.latency.map((l) => [l.provenance.model.name, l.replica]), [
    ['faceapi_expression', false],
    ['enet_b0_8_va_mtl', true],
  ]);
  for (const l of printed.latency) {
    assert.ok(l.latency.n >= 50, `${l.provenance.model.name}: n = ${l.latency.n}`);
    assert.equal('samplesMs' in l, false, 'per-call samples are left out of the JSON');
  }

  // The run records on disk: the same four, the eval ones labelled demo.
  const runsDir = join(dir, 'runs');
  const saved = await Promise.all((await readdir(runsDir)).map(async (f) => JSON.parse(await readFile(join(runsDir, f), 'utf8')) as RunRecord));
  assert.equal(saved.length, 5);
  const evals = saved.filter((r) => r.kind === 'eval');
  assert.equal(evals.length, 3);
  assert.ok(evals.every((r) => r.demo === true && r.replica === false));
  for (const e of printed.evals) {
    const same = evals.find((r) => r.protocol === e.protocol && r.provenance.dataset?.corpus === 'affectnet');
    assert.equal(JSON.stringify(same?.metrics), JSON.stringify(e.metrics), `saved ${e.protocol} record = printed one`);
  }
});
