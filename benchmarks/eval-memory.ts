/**
 * Evaluation memory: peak memory must not grow with the corpus — a 1,000-item and a 10,000-item evaluation
 * within 10% of each other (peak RSS). Each evaluation (AffectNet CSV layout from writeAffectNetFixture,
 * 64 px pictures; AffectNet-8 protocol; prediction store in a fresh temp dir) runs in a fresh child process
 * (eval-memory.child.ts) that reports process.resourceUsage().maxRSS (kB) at its end, plus sampled heap
 * peaks and memoryUsage() per stage, so what grows can be told apart (corpus metadata, records read back,
 * scoring).
 *
 * Model: a random-weight replica of mbf_va_mtl (MobileFaceNet, 112 px) through the benchmark-only wrapper
 * (replica-as-model.ts): the runner's real pipeline, predictions that mean nothing, nothing written to results/.
 * Rounds alternate small and large corpora; the ratio is large / small of the median peak RSS.
 *
 *   node --import tsx benchmarks/eval-memory.ts [--sizes 1000,10000] [--repeat 2] [--batch 8] [--workers 1]
 *       [--resamples 0] [--model mbf_va_mtl] [--semi-space MB] [--json]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAffectNetFixture } from '../src/datasets/fixtures/affectnet-fixture.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const SIZES = arg('sizes', '1000,10000').split(',').map(Number);
const REPEAT = Number(arg('repeat', '2'));
const BATCH = arg('batch', '8');
const WORKERS = arg('workers', '1');
const RESAMPLES = arg('resamples', '0');
const MODEL = arg('model', 'mbf_va_mtl');
/**
 * --semi-space MB: cap V8's young generation (NODE_OPTIONS=--max-semi-space-size, process-wide, so the
 * workers' isolates too). Diagnostic: V8 grows new space to 2 × 16 MB per isolate during a long,
 * allocation-heavy run and keeps it, which is memory held, not data retained.
 */
const SEMI_SPACE = process.argv.includes('--semi-space') ? Number(arg('semi-space', '0')) : undefined;
const JSON_OUT = process.argv.includes('--json');
const BAR = 1.1;
const CHILD = fileURLToPath(new URL('./eval-memory.child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The fixture corpus of `items` items (8 classes × items/8), written once and reused from the temp dir. */
async function corpus(items: number): Promise<string> {
  const dir = join(tmpdir(), `fer-bench-eval-memory-${items}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  await rm(dir, { recursive: true, force: true });
  const t0 = performance.now();
  await writeAffectNetFixture({ dir, layout: 'csv', perClass: Math.ceil(items / 8), imageSize: 64, seed: 1 });
  await writeFile(join(dir, '.complete'), '');
  if (!JSON_OUT) console.log(`wrote ${items}-item corpus to ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

interface ChildReport {
  items: number;
  scored: number;
  wallMs: number;
  maxRssKb: number;
  peakSampledMb: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
  phases: Record<string, { rssMb: number; heapUsedMb: number }>;
  timeline: number[];
}

async function runChild(root: string): Promise<ChildReport> {
  const storeDir = await mkdtemp(join(tmpdir(), 'fer-bench-memory-store-'));
  try {
    // Through NODE_OPTIONS, so `node` in the child sees it before anything runs; V8 flags are process-wide.
    const env = SEMI_SPACE === undefined ? process.env : { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=${SEMI_SPACE}`.trim() };
    const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, root, storeDir, MODEL, BATCH, WORKERS, RESAMPLES], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24, env });
    if (r.status !== 0) throw new Error(`child exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport;
  } finally {
    await rm(storeDir, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const roots = new Map<number, string>();
for (const n of SIZES) roots.set(n, await corpus(n));
const reports = new Map<number, ChildReport[]>(SIZES.map((n) => [n, []]));
for (let r = 0; r < REPEAT; r++) {
  for (const n of SIZES) {
    const rep = await runChild(roots.get(n)!);
    if (rep.items !== n) throw new Error(`corpus of ${n} loaded ${rep.items} items`);
    reports.get(n)!.push(rep);
  }
}

const rows = SIZES.map((n) => {
  const reps = reports.get(n)!;
  const rss = reps.map((x) => x.maxRssKb);
  return {
    items: n,
    maxRssKb: rss,
    medianMaxRssKb: median(rss),
    peakHeapUsedMb: reps.map((x) => x.peakSampledMb.heapUsed),
    peakArrayBuffersMb: reps.map((x) => x.peakSampledMb.arrayBuffers),
    wallMs: reps.map((x) => x.wallMs),
    phases: reps[reps.length - 1].phases,
    timeline: reps[reps.length - 1].timeline,
  };
});
const small = rows[0], large = rows[rows.length - 1];
const ratio = large.medianMaxRssKb / small.medianMaxRssKb;

if (JSON_OUT) {
  process.stdout.write(JSON.stringify({ model: MODEL, batch: Number(BATCH), workers: Number(WORKERS), resamples: Number(RESAMPLES), bar: BAR, ratio, rows }, null, 2) + '\n');
} else {
  const range = (xs: number[], d = 0) => (xs.length === 1 ? xs[0].toFixed(d) : `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}`);
  console.log(`\n${MODEL} replica (benchmark-only), batch ${BATCH}, ${WORKERS} worker(s), ${RESAMPLES} bootstrap resamples, ${REPEAT} fresh child process(es) per size, node ${process.version}${SEMI_SPACE === undefined ? '' : `, --max-semi-space-size=${SEMI_SPACE}`}\n`);
  console.log(`${'items'.padStart(7)}${'peak RSS (maxRSS)'.padStart(22)}${'peak heapUsed'.padStart(16)}${'peak arrayBuf'.padStart(15)}${'wall'.padStart(14)}   RSS/heap MB after: model, corpus, evaluation`);
  for (const r of rows) {
    const ph = r.phases;
    console.log(
      `${String(r.items).padStart(7)}${`${range(r.maxRssKb.map((k) => k / 1024), 1)} MB`.padStart(22)}${`${range(r.peakHeapUsedMb, 1)} MB`.padStart(16)}` +
        `${`${range(r.peakArrayBuffersMb, 1)} MB`.padStart(15)}${`${range(r.wallMs.map((m) => m / 1000), 1)} s`.padStart(14)}   ` +
        ['model', 'corpus', 'evaluated'].map((p) => `${ph[p].rssMb}/${ph[p].heapUsedMb}`).join(', '),
    );
  }
  console.log('\nRSS (MB) at each tenth of the run (last round):');
  for (const r of rows) console.log(`${String(r.items).padStart(7)}  ${r.timeline.map((v) => v.toFixed(0)).join(' ')}`);
  console.log(`\npeak RSS ratio ${large.items}/${small.items} items: ${ratio.toFixed(3)} (bar ≤ ${BAR}) ${ratio <= BAR ? 'ok' : 'GROWS'}`);
}
if (ratio > BAR) process.exitCode = 1;
