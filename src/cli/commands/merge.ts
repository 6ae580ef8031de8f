/**
 * `bench merge SEGMENT...`: the store segments of a sharded `bench eval` (array tasks run with --shard)
 * become one prediction store and one run record, byte-identical in its metrics, intervals and
 * confusion matrix to a single-process run (src/bench/merge.ts).
 */
import { Option, type Command } from 'commander';
import { BOOTSTRAP_DEFAULTS } from '../../bench/metrics/bootstrap.js';
import { action, printJson } from '../output.js';
import { parsePositiveInt, parseProbability } from '../parse.js';

interface MergeCliOptions {
  storeDir?: string;
  protocol?: string;
  missing?: 'drop' | 'count-wrong';
  resamples: number;
  level: number;
  seed: number;
  groupCi?: boolean;
  out: string;
  save: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('merge')
    .description('merge the store segments of a sharded `bench eval` into one store and one run record (as a single run would make)')
    .argument('<segments...>', 'the segments: results/predictions/<model>-<corpus>-<split>-*-shard*of<n> (every shard of one evaluation)')
    .option('--store-dir <dir>', 'where the merged store goes (default: the folder holding the segments)')
    .option('--protocol <p>', '8 or 7 (AffectNet), or a comma list of classes (default: as bench eval)')
    .addOption(new Option('--missing <policy>', 'a class the model lacks: count-wrong (default under 8/7, as bench eval) or drop').choices(['drop', 'count-wrong']))
    .option('--resamples <n>', 'bootstrap resamples (0 = no confidence intervals)', parsePositiveInt, BOOTSTRAP_DEFAULTS.resamples)
    .option('--level <p>', 'confidence level', parseProbability, BOOTSTRAP_DEFAULTS.level)
    .option('--seed <s>', 'bootstrap seed', parsePositiveInt, BOOTSTRAP_DEFAULTS.seed)
    .option('--group-ci', 'resample whole groups (clips, actors) instead of items')
    .option('--out <dir>', 'directory for the run record', 'results/runs')
    .option('--no-save', 'do not write a run record')
    .option('--json', 'print the run record as JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  bench merge results/predictions/enet_b0_8_va_mtl-affectnet-val-*-shard*of4
  bench merge results/predictions/enet_b0_8_va_mtl-affectnet-val-*-shard*of4 --protocol 7 --json`,
    )
    .action(
      action(async (segments: string[], opts: MergeCliOptions) => {
        const { mergeSegments } = await import('../../bench/merge.js');
        const { readMeta } = await import('../../bench/store/meta.js');
        const { protocolFromCli } = await import('../corpus-options.js');
        const { saveRunRecord } = await import('../../bench/run-store.js');
        const { formatEvalReport } = await import('../format-eval.js');
        const corpus = (await readMeta(segments[0]))?.key.dataset.corpus ?? '';
        const { record, storeDir } = await mergeSegments(segments, {
          storeDir: opts.storeDir,
          protocol: protocolFromCli(corpus, opts.protocol),
          missing: opts.missing,
          ci: { resamples: opts.resamples, level: opts.level, seed: opts.seed, groups: opts.groupCi },
        });
        const file = opts.save ? await saveRunRecord(opts.out, record) : null;
        if (opts.json) printJson({ ...record, file });
        else {
          const hosts = [...new Set(record.shards.map((s) => s.host))];
          process.stdout.write(`merged ${record.shards.length} shards (hosts: ${hosts.join(', ')}) into ${storeDir}\n` + formatEvalReport(record, file) + '\n');
        }
      }),
    );
}
