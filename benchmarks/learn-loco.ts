/**
 * Speed of the trained heads of the video protocols (prints figures; no assertions).
 *
 * 1. Leave-one-corpus-out over 4 synthetic corpora of 1,000 clips each, 7 classes: train on 3,000
 *    rows, predict the 1,000 held out, each corpus in turn, for LinearSVC(C=1.1) and
 *    LogisticRegression(C=1, lbfgs, sklearn's defaults) at d = 5,120 (B0's AFEW descriptor,
 *    L2-normalised) and d = 512 (EMO-AffectNet's features). Goal: seconds, not minutes.
 * 2. With --store: the same LOCO as `bench loco` runs it from stored embeddings: each corpus written as
 *    an embedding file (src/bench/store/embeddings.ts) of 1,000 clips × --frames frames (the clip's
 *    row plus noise), then read back, one mean descriptor per clip (src/bench/protocols/loco.ts's
 *    storedDescriptors), 4 folds, and the UAR with 2,000 group-bootstrap resamples per held-out corpus.
 * 3. With --svc-rbf: SVC(rbf, C=1.9) on 2,700 × 5,632 (VGAF's train split with B2's descriptor), fit
 *    and predicting 766 rows, with the process's peak RSS.
 *
 * The corpora: class centres shared by all corpora plus a per-corpus shift (the domain gap), Gaussian
 * noise, so that held-out accuracy is well above chance but not perfect.
 *
 * Run: node --import tsx benchmarks/learn-loco.ts [--dims 5120,512] [--heads linearsvc,logistic] [--clips 1000] [--store] [--frames 10] [--svc-rbf]
 * (--dims '' skips the LOCO part.)
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createRng, type Rng } from '../src/bench/metrics/prng.js';
import { leaveOneCorpusOut, type LocoCorpus } from '../src/learn/loco.js';
import { LinearSVC } from '../src/learn/linear-svc.js';
import { LogisticRegression } from '../src/learn/logistic.js';
import { SVC } from '../src/learn/svc.js';
import { l2Normalize } from '../src/learn/clip-stats.js';
import type { Classifier } from '../src/learn/classifier.js';
import type { Matrix } from '../src/learn/matrix.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddingWriter } from '../src/bench/store/embeddings.js';
import { storedDescriptors } from '../src/bench/protocols/loco.js';
import { scoreClassification } from '../src/bench/metrics/index.js';

const { values: args } = parseArgs({
  options: {
    dims: { type: 'string', default: '5120,512' },
    heads: { type: 'string', default: 'linearsvc,logistic' },
    'svc-rbf': { type: 'boolean', default: false },
    clips: { type: 'string', default: '1000' },
    store: { type: 'boolean', default: false },
    frames: { type: 'string', default: '10' },
  },
});

const K = 7;

function gaussian(rng: Rng): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - rng.nextFloat();
    const v = rng.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function synthetic(nCorpora: number, n: number, d: number, seed: number, normalize: boolean): LocoCorpus<number>[] {
  const g = gaussian(createRng(seed));
  // Centre spacing ~3 noise sds whatever d, so accuracy does not saturate; the corpus shift is a third of it.
  const s = 3 / Math.sqrt(2 * d);
  const centres = Array.from({ length: K }, () => Float64Array.from({ length: d }, () => s * g()));
  return Array.from({ length: nCorpora }, (_, c) => {
    const shift = Float64Array.from({ length: d }, () => (s / 3) * g());
    const data = new Float64Array(n * d);
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const k = Math.floor(createRng(seed * 1000 + c * n + i).nextFloat() * K);
      y.push(k);
      const row = data.subarray(i * d, (i + 1) * d);
      for (let j = 0; j < d; j++) row[j] = centres[k][j] + shift[j] + g();
      if (normalize) row.set(l2Normalize(row));
    }
    return { name: `corpus${c}`, X: { rows: n, cols: d, data } as Matrix, y };
  });
}

async function timeLoco(label: string, corpora: LocoCorpus<number>[], make: () => Classifier<number>): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const folds = await leaveOneCorpusOut(corpora, make);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const acc = folds.map((f, t) => f.predictions.filter((p, i) => p === corpora[t].y[i]).length / f.predictions.length);
  const fit = folds.map((f) => f.classifier.fit);
  const iters = fit.map((f) => (Array.isArray(f.iterations) ? Math.max(...(f.iterations as number[])) : f.iterations));
  console.log(
    `${label.padEnd(34)} ${wall.toFixed(2).padStart(6)} s wall (${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU) for 4 folds; ` +
      `max iterations per fold ${iters.join('/')}; converged ${fit.every((f) => f.converged)}; held-out accuracy ${acc.map((a) => a.toFixed(2)).join('/')}`,
  );
}

console.log(`learn-loco: ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}`);
const n = Number(args.clips);
const heads = args.heads.split(',');
for (const d of args.dims.split(',').filter(Boolean).map(Number)) {
  const t0 = performance.now();
  const corpora = synthetic(4, n, d, d, d > 1024);
  console.log(`d=${d}: 4 corpora × ${n} clips generated in ${((performance.now() - t0) / 1000).toFixed(1)} s${d > 1024 ? ' (rows L2-normalised)' : ''}`);
  if (args.store) {
    await timeStoredLoco(corpora, d, heads);
    continue;
  }
  if (heads.includes('linearsvc')) await timeLoco(`  LinearSVC(C=1.1)`, corpora, () => new LinearSVC({ C: 1.1 }));
  if (heads.includes('logistic')) await timeLoco(`  LogisticRegression(C=1, lbfgs)`, corpora, () => new LogisticRegression({ C: 1 }));
}

/** --store: write the corpora as embedding files, then time what bench loco does after embedding. */
async function timeStoredLoco(corpora: LocoCorpus<number>[], d: number, heads: string[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fer-learn-loco-'));
  const frames = Number(args.frames);
  const g = gaussian(createRng(d + 7));
  try {
    const files: string[] = [];
    for (const c of corpora) {
      const file = join(dir, `${c.name}.feremb`);
      const w = await openEmbeddingWriter(file, { dim: d, fsync: false });
      const X = c.X as Matrix;
      for (let i = 0; i < X.rows; i++) {
        const row = X.data.subarray(i * d, (i + 1) * d);
        // Frame noise a tenth of the row's own scale (rows are L2-normalised at large d).
        const sd = 0.1 * Math.sqrt(row.reduce((a, v) => a + v * v, 0) / d);
        await w.append(Array.from({ length: frames }, (_, f) => ({ id: `clip${i}`, frame: f, vector: Float32Array.from(row, (v) => v + sd * g()) })));
      }
      await w.close();
      files.push(file);
    }
    const mb = (corpora.length * (corpora[0].X as Matrix).rows * frames * d * 4) / 2 ** 20;
    console.log(`  stored ${corpora.length} × ${(corpora[0].X as Matrix).rows} clips × ${frames} frames (${mb.toFixed(0)} MB of float32)`);
    for (const head of heads) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const read: LocoCorpus<number>[] = [];
      for (const [k, c] of corpora.entries()) {
        const ids = c.y.map((_, i) => `clip${i}`);
        const rows = await storedDescriptors(files[k], ids, 'mean');
        const data = new Float64Array(rows.length * d);
        rows.forEach((r, i) => data.set(r!, i * d));
        read.push({ name: c.name, X: { rows: rows.length, cols: d, data }, y: c.y });
      }
      const tRead = performance.now();
      const make = head === 'linearsvc' ? () => new LinearSVC<number>({ C: 1.1 }) : () => new LogisticRegression<number>({ C: 1 });
      const folds = await leaveOneCorpusOut(read, make);
      const tFit = performance.now();
      const uar = folds.map((f, t) => {
        const groups = read[t].y.map((_, i) => `actor${i % 24}`);
        return scoreClassification({ labels: read[t].y, preds: f.predictions, groups, classes: Array.from({ length: K }, (_, k) => String(k)) }, { resamples: 2000, groupCi: true }).metrics.uar.value;
      });
      const wall = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      console.log(
        `  ${(head === 'linearsvc' ? 'LinearSVC(C=1.1)' : 'LogisticRegression(C=1)').padEnd(24)} from the store: ${wall.toFixed(2)} s wall (${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU): ` +
          `read + descriptors ${((tRead - t0) / 1000).toFixed(2)} s, 4 folds ${((tFit - tRead) / 1000).toFixed(2)} s, UAR + group CIs ${((performance.now() - tFit) / 1000).toFixed(2)} s; UAR ${uar.map((u) => u.toFixed(2)).join('/')}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (args['svc-rbf']) {
  const d = 5632;
  const [train, val] = synthetic(2, 2700, d, 3, true);
  const valRows = { rows: 766, cols: d, data: (val.X as Matrix).data.subarray(0, 766 * d) };
  const svc = await SVC.create<number>({ kernel: 'rbf', C: 1.9 });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  svc.fit(train.X, train.y);
  const fitS = (performance.now() - t0) / 1000;
  const fitCpu = process.cpuUsage(c0);
  const t1 = performance.now();
  const pred = svc.predict(valRows);
  const predS = (performance.now() - t1) / 1000;
  const cpuS = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6).toFixed(1);
  const acc = pred.filter((p, i) => p === val.y[i]).length / pred.length;
  console.log(
    `SVC(rbf, C=1.9) 2,700 × 5,632: fit ${fitS.toFixed(1)} s wall (${cpuS(fitCpu)} s CPU), predict 766 rows ${predS.toFixed(1)} s wall (${cpuS(process.cpuUsage(c0))} s CPU in all), ` +
      `${svc.nSupport.reduce((a, b) => a + b, 0)} support vectors, accuracy ${acc.toFixed(2)}, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}
