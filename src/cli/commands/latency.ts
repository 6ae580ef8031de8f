/**
 * The main job: `bench --model NAME --device cpu`, a latency benchmark of one model. Registered as the
 * root command's action, so it runs when no sub-command is given.
 */
import type { Command } from 'commander';
import { action, printJson } from '../output.js';
import { parseIntList, parsePositiveInt, parseSizeList } from '../parse.js';

/** The model the main job runs when none is named: it ships inside an npm package, nothing to download. */
export const EMBEDDED_DEFAULT_MODEL = 'faceapi_expression';

interface LatencyCliOptions {
  model: string;
  device: string;
  replica?: boolean;
  weights?: string;
  batch: number[];
  threads: number[];
  warmup: number;
  minDuration: number;
  minRuns: number;
  maxDuration: number;
  seed: number;
  json?: boolean;
  out: string;
  save: boolean;
}

export function register(program: Command): void {
  program
    .option('-m, --model <name>', `model from the zoo (see \`bench models\`)`, EMBEDDED_DEFAULT_MODEL)
    .option('-d, --device <device>', 'cpu | cuda | webgpu | dml | coreml (ONNX); cpu | wasm (TF.js)', 'cpu')
    .option('--replica', 'time a random-weight replica of the architecture (no download; never for accuracy)')
    .option('--weights <file>', 'use this weights file instead of models/ or the cache')
    .option('-b, --batch <sizes>', 'batch sizes, comma-separated', parseSizeList, [1])
    .option('-t, --threads <counts>', 'intra-op thread counts, comma-separated (0 = library default)', parseIntList, [0])
    .option('--warmup <n>', 'untimed warm-up calls', parsePositiveInt, 10)
    .option('--min-duration <ms>', 'time for at least this long...', parsePositiveInt, 5000)
    .option('--min-runs <n>', '...and at least this many calls', parsePositiveInt, 100)
    .option('--max-duration <ms>', 'stop here even if the minimums are not met (result marked invalid)', parsePositiveInt, 60000)
    .option('--seed <n>', 'seed of the synthetic input and of replica weights', parsePositiveInt, 0)
    .option('--out <dir>', 'directory for run records', 'results/runs')
    .option('--no-save', 'do not write a run record')
    .option('--json', 'print run records as JSON on stdout')
    .addHelpText(
      'after',
      `
Latency (the default job) runs warm-up calls, then times engine calls until both --min-duration and
--min-runs are met. Reported: session creation and first-run time apart, p50/p90/p95/p99/p99.9,
mean ± sd, min/max, throughput (items/s), n, and a validity flag.

Examples:
  bench                                            # ${EMBEDDED_DEFAULT_MODEL}: ships with the package, nothing to download
  bench --model enet_b0_8_va_mtl --device cpu      # needs the weights: bench pull enet_b0_8_va_mtl
  bench --model enet_b2_8 --replica -b 1,8 -t 1,2  # random-weight replica: latency only
  bench --model mobilenet_7 --replica --json       # TF.js (wasm) engine`,
    )
    .action(action(async (opts: LatencyCliOptions) => runLatencyCommand(opts)));
}

/**
 * The run count the bar counts towards: the larger of --min-runs and the calls --min-duration needs at
 * the rate so far, never past what --max-duration allows. It is a projection, corrected as the run goes.
 */
export function projectedRuns(done: number, elapsedMs: number, opts: Pick<LatencyCliOptions, 'minRuns' | 'minDuration' | 'maxDuration'>): number {
  if (done === 0 || elapsedMs <= 0) return Math.max(opts.minRuns, 1);
  const perMs = done / elapsedMs;
  const forDuration = Math.ceil(perMs * opts.minDuration);
  const cap = Math.max(done, Math.floor(perMs * opts.maxDuration));
  return Math.max(done, Math.min(Math.max(opts.minRuns, forDuration), cap));
}

/** What an interrupted run tells the user: the records saved, and the command that runs the rest. */
export function interruptedSummary(
  model: string,
  saved: ReadonlyArray<{ threads: number; engineThreads?: number; batch: number; file: string | null }>,
  remaining: ReadonlyArray<{ threads: number; batch: number }>,
): string {
  const lines = [`interrupted: ${saved.length} of ${saved.length + remaining.length} configuration(s) finished.`];
  for (const s of saved) lines.push(`  saved   b${s.batch} t${(s.engineThreads ?? s.threads) || 'auto'}: ${s.file ?? '(not saved: --no-save)'}`);
  if (remaining.length) {
    // Remaining configurations as one command per thread count (batches of one thread count run together).
    const byThreads = new Map<number, number[]>();
    for (const r of remaining) byThreads.set(r.threads, [...(byThreads.get(r.threads) ?? []), r.batch]);
    lines.push('  to run the rest:');
    for (const [threads, batches] of byThreads) lines.push(`    bench --model ${model} -t ${threads} -b ${batches.join(',')} (plus your other options)`);
  }
  return lines.join('\n') + '\n';
}

async function runLatencyCommand(opts: LatencyCliOptions): Promise<void> {
  const { getModel } = await import('../../models/zoo.js');
  const { openModel } = await import('../../models/open.js');
  const { runLatency } = await import('../../bench/latency-run.js');
  const { LatencyAborted } = await import('../../bench/latency.js');
  const { saveRunRecord } = await import('../../bench/run-store.js');
  const { formatLatencyReport } = await import('../format-latency.js');
  const { createProgress } = await import('../progress.js');
  const { catchInterrupt, INTERRUPTED_EXIT } = await import('../interrupt.js');

  const card = getModel(opts.model);
  const records: Array<{ record: Awaited<ReturnType<typeof runLatency>>; file: string | null }> = [];
  const configs = opts.threads.flatMap((threads) => opts.batch.map((batch) => ({ threads, batch })));
  const saved: Array<{ threads: number; engineThreads: number; batch: number; file: string | null }> = [];
  const interrupt = catchInterrupt();
  try {
    for (const threads of opts.threads) {
      if (interrupt.signal.aborted) break;
      const opened = await openModel(card, { device: opts.device as never, threads, replica: opts.replica, weightsPath: opts.weights, seed: opts.seed });
      try {
        // The engine's own count (the TF.js wasm backend runs 1 thread whatever was asked), as the record says.
        const engineThreads = opened.engine.info.threads;
        for (const batchSize of opts.batch) {
          if (interrupt.signal.aborted) break;
          const progress = createProgress({ total: opts.minRuns, label: `${card.name} b${batchSize} t${engineThreads || 'auto'}`, unit: 'runs', quiet: opts.json });
          let record;
          try {
            record = await runLatency(opened, {
              batchSize,
              warmupRuns: opts.warmup,
              minDurationMs: opts.minDuration,
              minRuns: opts.minRuns,
              maxDurationMs: opts.maxDuration,
              seed: opts.seed,
              signal: interrupt.signal,
              onProgress: (done, elapsedMs) => {
                progress.setTotal(projectedRuns(done, elapsedMs, opts));
                progress.update(done);
              },
            });
          } catch (e) {
            progress.stop(e instanceof LatencyAborted ? 'interrupted, not saved' : 'failed');
            if (e instanceof LatencyAborted) break;
            throw e;
          }
          progress.setTotal(record.latency.n);
          progress.stop();
          const file = opts.save ? await saveRunRecord(opts.out, record) : null;
          records.push({ record, file });
          saved.push({ threads, engineThreads, batch: batchSize, file });
          // Each configuration's result as soon as it is known; --json prints one document at the end.
          if (!opts.json) process.stdout.write((records.length > 1 ? '\n' : '') + formatLatencyReport([{ record, file }]) + '\n');
        }
      } finally {
        await opened.engine.dispose();
      }
    }
  } finally {
    interrupt.dispose();
  }
  if (interrupt.signal.aborted) {
    process.stderr.write(interruptedSummary(card.name, saved, configs.slice(saved.length)));
    process.exitCode = INTERRUPTED_EXIT;
  }
  if (opts.json) printJson(records.map(({ record, file }) => ({ ...record, file })));
}
