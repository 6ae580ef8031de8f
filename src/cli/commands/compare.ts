/** `bench compare`: is model A really better than model B on the same items? McNemar + paired bootstrap. */
import { Option, type Command } from 'commander';
import { action, printJson } from '../output.js';
import { parsePositiveInt, parseProbability } from '../parse.js';
import { DEFAULT_DECIMALS, formatDiff, formatMetric, metricLabel } from '../../report/format.js';

interface CompareCliOptions {
  protocol?: string;
  missing: 'drop' | 'count-wrong';
  resamples: number;
  level: number;
  seed: number;
  json?: boolean;
  percentDecimals: number;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare two models on the same items: McNemar test and paired-bootstrap CIs of every metric difference')
    .argument('<storeA>', 'prediction store of model A (a directory under results/predictions/)')
    .argument('<storeB>', 'prediction store of model B, made on the same corpus and split')
    .option('--protocol <p>', '8 or 7 (AffectNet), or a comma list of classes (default: as bench eval)')
    .addOption(new Option('--missing <policy>', 'a class a model lacks: drop its items, or count-wrong').choices(['drop', 'count-wrong']).default('drop'))
    .option('--resamples <n>', 'paired bootstrap resamples', parsePositiveInt, 2000)
    .option('--level <p>', 'confidence level', parseProbability, 0.95)
    .option('--seed <n>', 'bootstrap seed', parsePositiveInt, 0)
    .option('--json', 'print the comparison as JSON')
    .option('--percent-decimals <n>', 'decimals of rates printed in percent (JSON keeps full precision)', parsePositiveInt, DEFAULT_DECIMALS.percent)
    .addHelpText(
      'after',
      `
Example:
  bench compare results/predictions/enet_b0_8_va_mtl-affectnet-val-<key> results/predictions/enet_b2_8-affectnet-val-<key> --protocol 7`,
    )
    .action(
      action(async (dirA: string, dirB: string, opts: CompareCliOptions) => {
        const { compareStores } = await import('../../bench/compare-stores.js');
        const { readStore } = await import('../../bench/store.js');
        const { protocolFromCli } = await import('../corpus-options.js');
        const corpus = (await readStore(dirA)).meta.key.dataset.corpus;
        const c = await compareStores(dirA, dirB, {
          protocol: protocolFromCli(corpus, opts.protocol),
          missing: opts.missing,
          ci: { resamples: opts.resamples, level: opts.level, seed: opts.seed },
        });
        if (opts.json) return printJson(c);
        const fo = { percentDecimals: opts.percentDecimals };
        const pct = (v: number) => formatMetric('accuracy', v, { percentDecimals: opts.percentDecimals });
        const lines = [
          `${c.models[0]} (A) vs ${c.models[1]} (B) on ${c.corpus.name}/${c.corpus.split}, protocol ${c.protocol}`,
          `  paired items ${c.paired}${c.onlyA || c.onlyB ? ` (left out: ${c.onlyA} scored by A only, ${c.onlyB} by B only)` : ''}`,
          `  accuracy (%)  A ${pct(c.accuracy[0])}   B ${pct(c.accuracy[1])}`,
          `  McNemar      ${c.mcnemar.test}: b = ${c.mcnemar.b} (A right, B wrong), c = ${c.mcnemar.c}, statistic ${c.mcnemar.statistic.toFixed(3)}, p = ${c.mcnemar.pValue.toPrecision(3)}`,
          '',
          `  A − B (points)  value    ${Math.round(opts.level * 100)}% paired CI`,
        ];
        for (const name of ['accuracy', 'macroF1', 'weightedF1', 'uar']) {
          const d = c.difference[name];
          if (d) lines.push(`  ${metricLabel(name).padEnd(15)} ${formatDiff(name, d.value, fo).padStart(6)}   ${d.ci ? `[${formatDiff(name, d.ci.low, fo)}, ${formatDiff(name, d.ci.high, fo)}]` : ''}`);
        }
        process.stdout.write(lines.join('\n') + '\n');
      }),
    );
}
