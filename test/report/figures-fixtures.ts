/**
 * Run records for the figure tests, made from a seeded PRNG so every figure has realistic shape:
 * 7-class eval runs with confusion matrices, per-class recall CIs and skips; latency runs with
 * samples at several batch sizes (one that kept only its percentiles); LOCO and cross-corpus runs
 * of trained heads (no runner writes those yet, so the tests define them here).
 */
import { createRng } from '../../src/bench/metrics/prng.js';
import type { RunRecord } from '../../src/bench/records.js';
import type { LoadedRun } from '../../src/report/results.js';
import { evalRecord, latencyRecord } from './fixtures.js';

export const CLASSES7 = ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'];

type Rand = () => number;

/** A confusion matrix with a strong diagonal and the metrics that go with it (recall CIs as ±1.96·se). */
function classification(rand: Rand, classes: readonly string[], perClass: number, skill: number) {
  const k = classes.length;
  const confusion = classes.map((_, i) => {
    const row = new Array<number>(k).fill(0);
    for (let n = 0; n < perClass; n++) row[rand() < skill ? i : Math.floor(rand() * k)]++;
    return row;
  });
  const total = confusion.flat().reduce((a, b) => a + b, 0);
  const hits = confusion.reduce((s, row, i) => s + row[i], 0);
  const ci = (p: number, n: number): [number, number, number] => {
    const se = Math.sqrt((p * (1 - p)) / n);
    return [p, Math.max(0, p - 1.96 * se), Math.min(1, p + 1.96 * se)];
  };
  const recalls = confusion.map((row, i) => row[i] / perClass);
  const metrics: Record<string, [number, number?, number?]> = {
    accuracy: ci(hits / total, total),
    uar: ci(recalls.reduce((a, b) => a + b, 0) / k, total),
    ...Object.fromEntries(classes.map((c, i) => [`recall/${c}`, ci(recalls[i], perClass)])),
  };
  return { confusion, metrics, total };
}

function withExtras(record: RunRecord, extras: Partial<RunRecord> & { head?: unknown }): RunRecord {
  return { ...record, ...extras } as RunRecord;
}

/** Two models (one a demo) on AffectNet-7 and AFEW, a replica eval run, with skips and exclusions. */
export function evalRuns(): LoadedRun[] {
  const rng = createRng(7);
  const rand: Rand = () => rng.nextFloat();
  const runs: LoadedRun[] = [];
  const setups = [
    { model: 'enet_b0_8_best_afew', corpus: 'affectnet', protocol: '7-class', skill: 0.62, demo: false },
    { model: 'enet_b0_8_best_afew', corpus: 'afew', protocol: 'faces-detected', skill: 0.5, demo: false },
    { model: 'faceapi_expression', corpus: 'affectnet', protocol: '7-class', skill: 0.4, demo: true },
  ];
  for (const [i, s] of setups.entries()) {
    const c = classification(rand, CLASSES7, 40, s.skill);
    const base = evalRecord({ model: s.model, corpus: s.corpus, protocol: s.protocol, date: `2026-01-0${i + 1}T00:00:00.000Z`, metrics: c.metrics, items: c.total, demo: s.demo });
    const skipped = { 'decode-failed': 3, 'missing-file': 1, ...(s.corpus === 'afew' ? { 'no-face': 12 } : {}) };
    const nSkipped = Object.values(skipped).reduce((a, b) => a + b, 0);
    const excluded: Record<string, number> = s.protocol === '7-class' ? { 'not-in-protocol': 35 } : {};
    runs.push({
      file: `runs/eval-${i}.json`,
      record: withExtras(base, {
        classes: CLASSES7,
        confusion: c.confusion,
        coverage: { total: c.total + nSkipped + (excluded['not-in-protocol'] ?? 0), scored: c.total, skipped: nSkipped, skippedByReason: skipped, excluded },
      }),
    });
  }
  const replica = classification(rand, CLASSES7, 10, 0.14);
  runs.push({
    file: 'runs/eval-replica.json',
    record: withExtras(evalRecord({ model: 'enet_b2_8', corpus: 'affectnet', protocol: '7-class', date: '2026-01-05T00:00:00.000Z', metrics: replica.metrics, replica: true }), { classes: CLASSES7, confusion: replica.confusion }),
  });
  return runs;
}

/** Log-normal-ish per-call latencies around `p50` ms with a slow tail. */
function samples(rand: Rand, p50: number, n: number): number[] {
  return Array.from({ length: n }, () => {
    const u = Math.max(1e-9, rand());
    const v = rand();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return p50 * Math.exp(0.08 * z) * (rand() < 0.03 ? 1.8 : 1);
  });
}

/** Two models at batch 1 and 8 with samples, a replica, and one run that kept only percentiles. */
export function latencyRuns(): LoadedRun[] {
  const rng = createRng(11);
  const rand: Rand = () => rng.nextFloat();
  const specs = [
    { model: 'enet_b0_8_va_mtl', batch: 1, p50: 12, samples: 600 },
    { model: 'enet_b0_8_va_mtl', batch: 8, p50: 70, samples: 300 },
    { model: 'enet_b2_8', batch: 1, p50: 22, samples: 400, replica: true },
    { model: 'faceapi_expression', batch: 1, p50: 4, samples: 0 },
  ];
  return specs.map((s, i) => ({
    file: `runs/latency-${i}.json`,
    record: latencyRecord({
      model: s.model,
      date: `2026-01-1${i}T00:00:00.000Z`,
      p50: s.p50,
      batch: s.batch,
      threads: 2,
      replica: s.replica,
      ...(s.samples ? { samplesMs: samples(rand, s.p50, s.samples) } : {}),
    }),
  }));
}

const CORPORA = ['affectnet', 'afew', 'ravdess', 'vgaf'];

/** LOCO runs of two heads on one backbone (each trained on the other three corpora), plus single-corpus cross runs. */
export function trainedRuns(): LoadedRun[] {
  const rng = createRng(3);
  const rand: Rand = () => rng.nextFloat();
  const runs: LoadedRun[] = [];
  const add = (name: string, test: string, train: string[], protocol: string, skill: number) => {
    const uar = skill + (rand() - 0.5) * 0.06;
    const record = withExtras(
      evalRecord({ model: 'enet_b0_8_va_mtl', corpus: test, protocol, date: `2026-02-${String(runs.length + 1).padStart(2, '0')}T00:00:00.000Z`, metrics: { uar: [uar, uar - 0.04, uar + 0.04], accuracy: [uar + 0.05] } }),
      { head: { name, trainCorpora: train } },
    );
    runs.push({ file: `runs/trained-${runs.length}.json`, record });
  };
  for (const test of CORPORA) {
    add('svm', test, CORPORA.filter((c) => c !== test), 'loco', 0.45);
    if (test === 'afew') runs[runs.length - 1].record.published = [{ metric: 'uar', protocol: 'loco', value: 47.1, source: 'a LOCO paper' }];
    add('mlp', test, CORPORA.filter((c) => c !== test), 'loco', 0.4);
  }
  for (const train of CORPORA) for (const test of CORPORA) add('svm', test, [train], 'cross-corpus', train === test ? 0.7 : 0.35);
  return runs;
}
