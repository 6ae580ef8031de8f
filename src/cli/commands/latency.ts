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

async function runLatencyCommand(opts: LatencyCliOptions): Promise<void> {
  const { getModel } = await import('../../models/zoo.js');
  const { openModel } = await import('../../models/open.js');
  const { runLatency } = await import('../../bench/latency-run.js');
  const { saveRunRecord } = await import('../../bench/run-store.js');
  const { formatLatencyReport } = await import('../format-latency.js');
  const { createProgress } = await import('../progress.js');

  const card = getModel(opts.model);
  const records = [];
  for (const threads of opts.threads) {
    const opened = await openModel(card, { device: opts.device as never, threads, replica: opts.replica, weightsPath: opts.weights, seed: opts.seed });
    try {
      for (const batchSize of opts.batch) {
        const progress = createProgress({ total: opts.minRuns, label: `${card.name} b${batchSize} t${threads || 'auto'}`, unit: 'runs', quiet: opts.json });
        const record = await runLatency(opened, {
          batchSize,
          warmupRuns: opts.warmup,
          minDurationMs: opts.minDuration,
          minRuns: opts.minRuns,
          maxDurationMs: opts.maxDuration,
          seed: opts.seed,
          onProgress: (done) => progress.update(Math.min(done, opts.minRuns)),
        });
        progress.stop();
        const file = opts.save ? await saveRunRecord(opts.out, record) : null;
        records.push({ record, file });
      }
    } finally {
      await opened.engine.dispose();
    }
  }
  if (opts.json) printJson(records.map(({ record, file }) => ({ ...record, file })));
  else process.stdout.write(formatLatencyReport(records) + '\n');
}
