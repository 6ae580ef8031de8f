/**
 * `bench plot KIND`: paper figures from stored run records, as SVG and/or PNG files, without running
 * a model. Replica runs never appear in accuracy figures; demo and replica runs say so in the title.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { describeFigureKinds, FIGURE_KINDS } from '../../report/figures/kind-names.js';
import { action, printJson } from '../output.js';

export interface PlotCliOptions {
  runs: string;
  metric: string;
  format: Array<'svg' | 'png'>;
  out: string;
  scale: number;
  log?: boolean;
  json?: boolean;
}

/** `svg`, `png` or `svg,png`. */
function parseFormats(value: string): Array<'svg' | 'png'> {
  const formats = value.split(',').map((f) => f.trim().toLowerCase());
  const bad = formats.find((f) => f !== 'svg' && f !== 'png');
  if (bad !== undefined) throw new InvalidArgumentError(`expected svg, png or svg,png, got "${bad}"`);
  return [...new Set(formats)] as Array<'svg' | 'png'>;
}

function parseScale(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 8)) throw new InvalidArgumentError(`expected a number in (0, 8], got "${value}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command('plot')
    .description(`write paper figures (SVG/PNG) from run records: ${FIGURE_KINDS.join(', ')}`)
    .argument('<kind>', FIGURE_KINDS.join(' | '))
    .option('--runs <dir>', 'directory (or single file) of run records', 'results/runs')
    .option('--metric <name>', 'metric of the loco and cross-corpus figures: uar, accuracy, macro_f1, ...', 'uar')
    .addOption(new Option('--format <list>', 'svg, png or svg,png').argParser(parseFormats).default(['svg'], 'svg'))
    .option('--out <dir>', 'directory the figures are written to (atomically)', 'results/figures')
    .option('--scale <n>', 'PNG pixels per SVG unit (2 ≈ 190 dpi at the figure\'s size)', parseScale, 2)
    .option('--log', 'latency: log-scaled axis (default: log when the slowest call is over 10× the fastest)')
    .option('--no-log', 'latency: linear axis')
    .option('--json', 'print the files written and the notes as JSON')
    .addHelpText(
      'after',
      `
Kinds:
${describeFigureKinds()}

The newest run of each setup is used. Replica runs (random weights) never appear in accuracy figures;
demo and replica runs are marked in the figure's title. LOCO and cross-corpus figures read eval
records with \`head: { trainCorpora: [...], name }\` (and \`protocol: "loco"\` for LOCO).

Examples:
  bench plot confusion                                   # one heatmap per eval run, SVG, into results/figures
  bench plot recall --format svg,png                     # per-class recall with CIs, SVG and PNG
  bench plot latency --runs results/demo/runs --format png
  bench plot loco --metric uar --out paper/figures
  bench plot cross-corpus --metric accuracy --json`,
    )
    .action(action(async (kind: string, opts: PlotCliOptions) => runPlotCommand(kind, opts)));
}

export async function runPlotCommand(kind: string, opts: PlotCliOptions): Promise<void> {
  const { join } = await import('node:path');
  const { checkFigureKind, figuresOfKind, fontWarning, renderPng, renderSvg, writeFigure } = await import('../../report/figures.js');
  const { loadRunRecords } = await import('../../report/results.js');
  // An unknown kind is named (with a suggestion) before any file is read.
  checkFigureKind(kind);

  const runs = await loadRunRecords(opts.runs);
  const { figures, notes } = figuresOfKind(kind, runs, { metric: opts.metric, log: opts.log ?? 'auto' });
  if (opts.format.includes('png')) {
    const warning = fontWarning();
    if (warning) notes.push(warning);
  }
  const written: Array<{ file: string; name: string; format: 'svg' | 'png'; bytes: number }> = [];
  for (const figure of figures) {
    const svg = await renderSvg(figure.spec);
    for (const format of opts.format) {
      const content = format === 'svg' ? svg : await renderPng(svg, { scale: opts.scale });
      const file = join(opts.out, `${figure.name}.${format}`);
      await writeFigure(file, content);
      written.push({ file, name: figure.name, format, bytes: Buffer.byteLength(content) });
    }
  }

  if (opts.json) {
    printJson({ kind, metric: kind === 'loco' || kind === 'cross-corpus' ? opts.metric : null, formats: opts.format, out: opts.out, files: written, notes });
    return;
  }
  for (const w of written) process.stdout.write(`${w.file}\n`);
  for (const note of notes) process.stderr.write(`note: ${note}\n`);
  process.stderr.write(`wrote ${written.length} file${written.length === 1 ? '' : 's'} (${figures.length} figure${figures.length === 1 ? '' : 's'}) to ${opts.out}\n`);
}
