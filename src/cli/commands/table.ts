/**
 * `bench table`: the paper tables from run records, without running a model. Eval runs give the
 * model × corpus table for one metric (HSEmotion README layout, with published values and Δ);
 * latency runs give the model × engine/device/batch latency table.
 */
import { Option, type Command } from 'commander';
import { action, printJson, printWrote, rowsWritten } from '../output.js';

export interface TableCliOptions {
  runs: string;
  metric: string;
  format: 'md' | 'latex' | 'csv';
  kind: 'eval' | 'latency';
  caption?: string;
  label?: string;
  out?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('table')
    .description('print a results table (model × corpus) or a latency table from run records, as Markdown, LaTeX or CSV')
    .option('--runs <dir>', 'directory (or single file) of run records', 'results/runs')
    .option('--metric <name>', 'metric of the eval table: accuracy, macro_f1, uar, ccc_valence, ...', 'accuracy')
    .addOption(new Option('--format <format>', 'md (Markdown), latex (booktabs) or csv (long format, every metric)').choices(['md', 'latex', 'csv']).default('md'))
    .addOption(new Option('--kind <kind>', 'eval: model × corpus; latency: model × engine/device/batch').choices(['eval', 'latency']).default('eval'))
    .option('--caption <text>', 'LaTeX caption (default: the legend line)')
    .option('--label <key>', 'LaTeX \\label key')
    .option('--out <file>', 'write the table to this file (atomically) instead of printing it')
    .option('--json', 'print rows, notes and the rendered table as JSON')
    .addHelpText(
      'after',
      `
The newest run of each setup is used (older ones are named in the notes). Replica runs never appear in
an eval table; demo runs are labelled (demo). CSV is long format: one row per run and metric, full
precision, rates as fractions (published values on the same scale).

Examples:
  bench table                                      # accuracy, Markdown, from results/runs
  bench table --metric macro_f1 --format latex --label tab:f1 --out results/tables/f1.tex
  bench table --kind latency
  bench table --format csv --out results/tables/results.csv`,
    )
    .action(action(async (opts: TableCliOptions) => runTableCommand(opts)));
}

export async function runTableCommand(opts: TableCliOptions): Promise<void> {
  const { BenchError } = await import('../../errors.js');
  const { HOW_TO_MAKE_RUNS, loadRunRecords } = await import('../../report/results.js');
  const { resultsTable } = await import('../../report/results-table.js');
  const { latencyTable } = await import('../../report/latency-table.js');
  const { toCsv, toLatex, toMarkdown } = await import('../../report/table.js');

  const runs = await loadRunRecords(opts.runs);
  const ofKind = runs.filter((r) => r.record.kind === opts.kind);
  if (ofKind.length === 0) {
    const others = runs.length ? ` (it holds ${runs.length} run record${runs.length === 1 ? '' : 's'} of another kind; try --kind ${opts.kind === 'eval' ? 'latency' : 'eval'})` : '';
    throw new BenchError('BAD_INPUT', `no ${opts.kind} run records in ${opts.runs}${others}`, { file: opts.runs, fix: HOW_TO_MAKE_RUNS });
  }

  const table = opts.kind === 'eval' ? resultsTable(runs, { metric: opts.metric }) : latencyTable(runs);
  const text =
    opts.format === 'latex'
      ? toLatex(table, { caption: opts.caption, label: opts.label })
      : opts.format === 'csv'
        ? toCsv(table)
        : toMarkdown(table);

  if (opts.out) {
    const { mkdir } = await import('node:fs/promises');
    const { dirname } = await import('node:path');
    const { writeFileAtomic } = await import('../../util/atomic-write.js');
    await mkdir(dirname(opts.out), { recursive: true });
    await writeFileAtomic(opts.out, text);
  }

  if (opts.json) {
    printJson({ kind: opts.kind, metric: opts.kind === 'eval' ? opts.metric : null, format: opts.format, out: opts.out ?? null, notes: table.notes, rows: table.data, text });
    return;
  }
  // CSV is long format (one row per run and metric): report the rows the file holds, not the display rows.
  if (opts.out) printWrote(opts.out, rowsWritten(opts.format, table));
  else process.stdout.write(text);
  // CSV has no place for notes; Markdown and LaTeX carry them in the text.
  if (opts.format === 'csv') for (const note of table.notes) process.stderr.write(`note: ${note}\n`);
}
