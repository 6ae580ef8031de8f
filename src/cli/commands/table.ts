/**
 * `bench table`: the paper tables from run records, without running a model. Eval runs give the
 * model × corpus table for one metric (HSEmotion README layout, with published values and Δ);
 * latency runs give the model × engine/device/batch latency table.
 */
import { Option, type Command } from 'commander';
import { action, printJson, printWrote, rowsWritten } from '../output.js';
import type { TextTable } from '../../report/table.js';

export interface TableCliOptions {
  runs: string;
  metric: string;
  format: 'md' | 'latex' | 'csv';
  kind: 'eval' | 'latency';
  /** A paper layout (hsemotion, emo-loco) instead of the --kind table. */
  layout?: string;
  caption?: string;
  label?: string;
  out?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('table')
    .description('print a results table (model × corpus), a latency table or a paper layout (--layout) from run records, as Markdown, LaTeX or CSV')
    .option('--runs <dir>', 'directory (or single file) of run records', 'results/runs')
    .option('--metric <name>', 'metric of the eval table: accuracy, macro_f1, uar, ccc_valence, ...', 'accuracy')
    .addOption(new Option('--format <format>', 'md (Markdown), latex (booktabs) or csv (long format, every metric)').choices(['md', 'latex', 'csv']).default('md'))
    .addOption(new Option('--kind <kind>', 'eval: model × corpus; latency: model × engine/device/batch').choices(['eval', 'latency']).default('eval'))
    .option('--layout <name>', "a paper's table instead: hsemotion (HSEmotion README: AffectNet, AFEW, VGAF, latency, size) or emo-loco (EMO-AffectNet LOCO UAR); --kind and --metric are then not used")
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
  bench table --format csv --out results/tables/results.csv
  bench table --layout hsemotion                   # the HSEmotion README table, measured beside published
  bench table --layout hsemotion --format latex --out results/tables/hsemotion.tex   # booktabs + siunitx S columns
  bench table --layout emo-loco --format csv       # one row per cell, measured or not

A layout keeps every row and column of the paper: a cell without a measurement prints — and a note says
so; the CSV of a layout has one row per cell (status measured / not measured).`,
    )
    .action(action(async (opts: TableCliOptions) => runTableCommand(opts)));
}

export async function runTableCommand(opts: TableCliOptions): Promise<void> {
  const { BenchError } = await import('../../errors.js');
  const { HOW_TO_MAKE_RUNS, loadRunRecords } = await import('../../report/results.js');
  const { resultsTable } = await import('../../report/results-table.js');
  const { latencyTable } = await import('../../report/latency-table.js');

  const runs = await loadRunRecords(opts.runs);
  if (opts.layout) {
    const { layoutTable } = await import('../../report/layouts/index.js');
    return writeTable(opts, layoutTable(opts.layout, runs));
  }
  const ofKind = runs.filter((r) => r.record.kind === opts.kind);
  if (ofKind.length === 0) {
    const others = runs.length ? ` (it holds ${runs.length} run record${runs.length === 1 ? '' : 's'} of another kind; try --kind ${opts.kind === 'eval' ? 'latency' : 'eval'})` : '';
    throw new BenchError('BAD_INPUT', `no ${opts.kind} run records in ${opts.runs}${others}`, { file: opts.runs, fix: HOW_TO_MAKE_RUNS });
  }

  await writeTable(opts, opts.kind === 'eval' ? resultsTable(runs, { metric: opts.metric }) : latencyTable(runs));
}

/** Renders the table in the chosen format and prints it, writes it (atomically) or prints it as JSON. */
async function writeTable(opts: TableCliOptions, table: TextTable): Promise<void> {
  const { toCsv, toLatex, toMarkdown } = await import('../../report/table.js');
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
    printJson({ kind: opts.layout ? null : opts.kind, layout: opts.layout ?? null, metric: !opts.layout && opts.kind === 'eval' ? opts.metric : null, format: opts.format, out: opts.out ?? null, notes: table.notes, rows: table.data, text });
    return;
  }
  // CSV is long format (one row per run and metric): report the rows the file holds, not the display rows.
  if (opts.out) printWrote(opts.out, rowsWritten(opts.format, table));
  else process.stdout.write(text);
  // CSV has no place for notes; Markdown and LaTeX carry them in the text.
  if (opts.format === 'csv') for (const note of table.notes) process.stderr.write(`note: ${note}\n`);
}
