/**
 * The sharding side of `bench eval`: `--shard` (run one array task) and `--emit slurm|k8s` (print the
 * scheduler's job for the whole evaluation). Kept out of commands/eval.ts, which only calls in here.
 */
import type { Corpus } from '../datasets/corpus.js';
import type { OpenedModel } from '../models/open.js';
import type { RunnerOptions } from '../bench/runner.js';
import type { ShardSpec } from '../bench/shard.js';
import { BenchError } from '../errors.js';
import { printJson } from './output.js';
import { benchCommandOfProcess, emitPlan, evalArgsOfProcess, shellGlob, type EmitEvalOptions } from './emit/plan.js';

export interface ShardCliOptions extends EmitEvalOptions {
  shard?: string;
  emit?: 'slurm' | 'k8s';
  shards: number;
  image: string;
  json?: boolean;
}

export const EMIT_DEFAULTS = { shards: 4, image: 'fer-bench:latest' } as const;

/** Prints the scheduler's job for this evaluation (nothing is run). */
export async function printEmitted(opts: ShardCliOptions): Promise<void> {
  if (opts.shard !== undefined) {
    throw new BenchError('BAD_INPUT', '--emit and --shard together: --emit writes the job for every shard', { fix: 'drop --shard (the tasks get --shard auto), and give the number of shards with --shards N' });
  }
  // The model name is checked here (with its did-you-mean); the weights and the corpus are the tasks' to find.
  (await import('../models/zoo.js')).getModel(opts.model);
  const plan = emitPlan(evalArgsOfProcess(), opts, opts.shards);
  if (opts.emit === 'slurm') {
    const { slurmScript } = await import('./emit/slurm.js');
    process.stdout.write(slurmScript(plan, { bench: benchCommandOfProcess() }));
  } else {
    const { k8sManifest } = await import('./emit/k8s.js');
    process.stdout.write(k8sManifest(plan, { image: opts.image }));
  }
}

/** One array task: the shard's segment is run (or resumed); its summary is printed, no run record is written. */
export async function runShardTask(opened: OpenedModel, corpus: Corpus, shard: ShardSpec, opts: ShardCliOptions, runner: RunnerOptions): Promise<void> {
  const { runSegment } = await import('../bench/segment.js');
  const { shardBlock } = await import('../bench/shard.js');
  const { createProgress } = await import('./progress.js');
  const { start, end } = shardBlock(corpus.samples.length, shard);
  const progress = createProgress({ total: end - start, label: `${opened.card.name} on ${corpus.name}/${corpus.split}, shard ${shard.index}/${shard.count}`, unit: 'images', quiet: opts.json });
  let result;
  try {
    result = await runSegment(opened, corpus, shard, { ...runner, onProgress: (p) => progress.update(p.done, { skipped: p.skipped }) });
    progress.update(result.items);
  } finally {
    progress.stop(result?.reused ? `${result.reused} reused from the segment` : undefined);
  }
  const merge = `bench merge ${shellGlob(emitPlan([], opts, shard.count).segmentGlob)}`;
  if (opts.json) printJson({ ...result, merge });
  else {
    process.stdout.write(
      `shard ${shard.index}/${shard.count}: ${result.items} of ${result.corpusItems} items (ran ${result.ran}, reused ${result.reused}, skipped ${result.skipped})\n` +
        `  segment  ${result.storeDir}\n  merge    ${merge}   (once every shard is done)\n`,
    );
  }
}
