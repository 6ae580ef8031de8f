/**
 * `bench score --csv FILE`: scores predictions made by any tool (see src/bench/metrics/predictions-csv.ts
 * for the CSV columns) and prints every metric with a bootstrap confidence interval.
 */
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { BenchError } from '../../errors.js';
import { BOOTSTRAP_DEFAULTS, type MetricEstimate } from '../../bench/metrics/bootstrap.js';
import { parsePredictionsCsv } from '../../bench/metrics/predictions-csv.js';
import { scoreClassification, type MetricsReport } from '../../bench/metrics/report.js';
import { action, printJson } from '../output.js';
import { textTable } from '../text-table.js';
import { parsePositiveInt, parseProbability } from '../parse.js';
import { DEFAULT_DECIMALS, formatWithCI, metricHeading, type FormatOptions } from '../../report/format.js';

interface ScoreCliOptions {
  csv?: string;
  store?: string;
  protocol?: string;
  missing?: 'drop' | 'count-wrong';
  out?: string;
  classes?: string;
  json?: boolean;
  resamples: number;
  level: number;
  seed: number;
  groupCi?: boolean;
  percentDecimals: number;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new BenchError('BAD_INPUT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      file,
      fix: 'check the path to the predictions CSV',
      cause: e,
    });
  }
}

export function register(program: Command): void {
  program
    .command('score')
    .description('score predictions without running a model: a CSV from any tool, or a prediction store of `bench eval`')
    .option('--csv <file>', 'predictions CSV: columns label and pred (class names or indices), optional id, group, score_<class>')
    .option('--store <dir>', 'a prediction store directory (results/predictions/...): rebuilds the eval run record')
    .option('--classes <list>', '--csv: comma-separated class names in index order (default: inferred, sorted names or 0..max)')
    .option('--protocol <p>', '--store: 8 or 7 (AffectNet), or a comma list of classes (default: as bench eval)')
    .addOption(new Option('--missing <policy>', '--store: a class the model lacks: count-wrong (default under 8/7) or drop').choices(['drop', 'count-wrong']))
    .option('--out <dir>', '--store: also save the rebuilt run record in this directory')
    .option('--json', 'print the report as JSON')
    .option('--resamples <n>', 'bootstrap resamples (0 = no confidence intervals)', parsePositiveInt, BOOTSTRAP_DEFAULTS.resamples)
    .option('--level <p>', 'confidence level', parseProbability, BOOTSTRAP_DEFAULTS.level)
    .option('--seed <s>', 'bootstrap seed (uint32)', parsePositiveInt, BOOTSTRAP_DEFAULTS.seed)
    .option('--group-ci', 'resample whole groups (the group column) instead of items')
    .option('--percent-decimals <n>', 'decimals of rates printed in percent (JSON keeps full precision)', parsePositiveInt, DEFAULT_DECIMALS.percent)
    .addHelpText(
      'after',
      `
Emotion names are read as bench eval reads corpus labels (case and synonyms: Happy, joy → happiness);
a name that is no emotion is an error with a did-you-mean, never an extra class.

Examples:
  bench score --csv predictions.csv                                   # classes inferred from the values
  bench score --csv predictions.csv --classes anger,disgust,fear,happiness,neutral,sadness,surprise --json
  bench score --csv predictions.csv --group-ci --resamples 5000       # resample whole clips (the group column)
  bench score --store results/predictions/<model>-affectnet-val-<key> --protocol 7 --out results/runs`,
    )
    .action(
      action(async (opts: ScoreCliOptions) => {
        const { resamples, level, seed } = opts;
        if ((opts.csv === undefined) === (opts.store === undefined)) {
          throw new BenchError('BAD_INPUT', 'give exactly one of --csv FILE or --store DIR', { fix: 'bench score --csv predictions.csv, or bench score --store results/predictions/<run>' });
        }
        if (opts.store !== undefined) return scoreStore(opts.store, opts);
        const csv = opts.csv!;
        const classes = opts.classes?.split(',').map((c) => c.trim());
        if (classes && classes.some((c) => c === '')) {
          throw new BenchError('BAD_INPUT', `--classes has an empty name: "${opts.classes}"`, { fix: 'list class names separated by commas, e.g. --classes anger,happiness,neutral' });
        }
        const table = parsePredictionsCsv(await readText(csv), { file: csv, classes });
        if (opts.groupCi && !table.groups) {
          throw new BenchError('BAD_CSV', '--group-ci needs a "group" column', { file: csv, row: 1, fix: 'add a group column (clip, video or actor) or drop --group-ci' });
        }
        const report = scoreClassification(table, { resamples, level, seed, groupCi: opts.groupCi });
        if (opts.json) printJson({ file: csv, ...report });
        else process.stdout.write(formatReport(report, csv, { percentDecimals: opts.percentDecimals }));
      }),
    );
}

/** `61.9 [55.0, 68.1]` in the metric's unit (per-class `precision/anger` in precision's); '' when absent. */
function withCi(name: string, m: MetricEstimate | undefined, fo: FormatOptions): string {
  if (!m) return '';
  return formatWithCI(name.split('/')[0], m.value, m.ci?.low ?? null, m.ci?.high ?? null, fo);
}

/** A table without a rule, as the report prints it (first row = header). */
const table = (rows: string[][]): string => textTable(rows[0], rows.slice(1), { rule: false }) + '\n';

/** The human-readable report: summary metrics, per-class metrics and the confusion matrix. */
export function formatReport(report: MetricsReport, file: string, fo: FormatOptions = {}): string {
  const { ci, classes, metrics } = report;
  const ciText = ci
    ? `${Math.round(ci.level * 1000) / 10}% percentile bootstrap CI, ${ci.resamples} resamples of ${ci.unit === 'group' ? `${ci.groups} groups` : 'items'}, seed ${ci.seed}`
    : 'no confidence intervals (--resamples 0)';
  const out: string[] = [`${file}: ${report.n} items, ${classes.length} classes; ${ciText}\n`];

  const summaryNames = Object.keys(metrics).filter((name) => !name.includes('/'));
  out.push(table([['metric', 'value [CI]'], ...summaryNames.map((name) => [metricHeading(name), withCi(name, metrics[name], fo)])]));
  out.push('Rates in percent. Macro-F1 averages F1 over all listed classes (0 for a class never predicted or absent); UAR averages recall over the classes present.\n');

  out.push(
    table([
      ['class', 'support', 'precision (%) [CI]', 'recall (%) [CI]', 'F1 (%) [CI]'],
      ...classes.map((c, i) => [
        c,
        String(report.support[i]),
        withCi(`precision/${c}`, metrics[`precision/${c}`], fo),
        withCi(`recall/${c}`, metrics[`recall/${c}`], fo),
        withCi(`f1/${c}`, metrics[`f1/${c}`], fo),
      ]),
    ]),
  );

  out.push('confusion (rows = true, columns = predicted)\n' + table([['', ...classes], ...report.confusion.map((row, i) => [classes[i], ...row.map(String)])]));
  return out.join('\n');
}

/** Re-scores a prediction store into an eval run record: the same code as `bench eval`, no model run. */
async function scoreStore(dir: string, opts: ScoreCliOptions): Promise<void> {
  const { rescoreStore } = await import('../../bench/rescore.js');
  const { protocolFromCli } = await import('../corpus-options.js');
  const { readStore } = await import('../../bench/store.js');
  const { formatEvalReport } = await import('../format-eval.js');
  const { saveRunRecord } = await import('../../bench/run-store.js');
  const corpus = (await readStore(dir)).meta.key.dataset.corpus;
  const record = await rescoreStore(dir, {
    protocol: protocolFromCli(corpus, opts.protocol),
    missing: opts.missing,
    ci: { resamples: opts.resamples, level: opts.level, seed: opts.seed, groups: opts.groupCi },
  });
  const file = opts.out ? await saveRunRecord(opts.out, record) : null;
  if (opts.json) printJson({ ...record, file });
  else process.stdout.write(formatEvalReport(record, file) + '\n');
}
