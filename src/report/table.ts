/**
 * A printable table and its three renderings. A `TextTable` holds display strings (already formatted
 * by the builder, so Markdown and LaTeX show the same numbers) plus the long rows it was built from
 * (CSV is long format: one row per measurement, full precision, so pandas users get everything).
 * Markdown and CSV go through arquero; LaTeX (booktabs) is written here because arquero has none.
 */
import * as aq from 'arquero';

export interface TextColumn {
  /** Unique key into `rows`; also the Markdown header. */
  title: string;
  /** Spanning header above a run of consecutive columns in LaTeX, e.g. `AffectNet-8`. */
  group?: string;
  /** The column's own header under its group in LaTeX, e.g. `pub.`; defaults to `title`. */
  sub?: string;
  align: 'l' | 'r';
  /**
   * A number column: LaTeX sets it as a siunitx `S` column, so its cells must be bare numbers (no `%`, the
   * unit goes in the header). A cell that is not a number (`—`, a marked value) is braced, which siunitx
   * prints as text. Markdown and CSV are unaffected. Needs `\usepackage{siunitx}`.
   */
  numeric?: boolean;
}

export interface TextTable {
  columns: TextColumn[];
  /** Display strings keyed by column title. */
  rows: Array<Record<string, string>>;
  /** One sentence saying how to read the cells (units, interval, Δ); the default LaTeX caption. */
  legend: string;
  /** What was left out or chosen and why (superseded runs, replica records, demo rows). */
  notes: string[];
  /** The long rows behind the table, written as they are by `toCsv`. */
  data: ReadonlyArray<object>;
}

/** GitHub-flavoured Markdown: the table, then the legend and the notes as a list. */
export function toMarkdown(table: TextTable): string {
  // Built column-wise so a table without rows still prints its header; arquero escapes `|` itself.
  const cells = Object.fromEntries(table.columns.map((c) => [c.title, table.rows.map((row) => row[c.title] ?? '')]));
  const text = aq.table(cells).toMarkdown({
    columns: table.columns.map((c) => c.title),
    align: Object.fromEntries(table.columns.map((c) => [c.title, c.align])),
  });
  const notes = table.notes.map((n) => `- ${n}\n`).join('');
  return `${text}\n${table.legend}\n${notes}`;
}

export interface LatexOptions {
  /** Default: the table's legend. */
  caption?: string;
  /** `\label{...}` key; none by default. */
  label?: string;
  /** Float placement; default `htbp`. */
  placement?: string;
  /** Wrap the tabular in a `table` float with caption and label; default true. */
  float?: boolean;
}

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  '%': '\\%',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '—': '---',
  'Δ': '$\\Delta$',
  '±': '$\\pm$',
  '−': '$-$',
  '×': '$\\times$',
  '≠': '$\\neq$',
  '†': '\\textdagger{}',
  '‡': '\\textdaggerdbl{}',
  '§': '\\S{}',
  '¶': '\\P{}',
};

/** Text → LaTeX text mode: specials escaped in one pass, a minus before a digit typeset as a minus sign. */
export function escapeLatex(text: string): string {
  return text
    .replace(/[\\{}$&#%_~^—Δ±−×≠†‡§¶]/g, (ch) => LATEX_SPECIALS[ch])
    .replace(/(^|[\s[(])-(?=\d)/g, '$1$-$');
}

/** A plain decimal such as `61.9`, `-1.3` or `+0.0`: what an `S` column parses as a number. */
const SIUNITX_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/** A cell of a `numeric` column: the number as it is, anything else braced so siunitx keeps it as text. */
function latexCell(text: string, numeric: boolean | undefined): string {
  if (!numeric) return escapeLatex(text);
  return SIUNITX_NUMBER.test(text) ? text : `{${escapeLatex(text)}}`;
}

/**
 * A booktabs table: \toprule, a spanning header row with \cmidrule when columns are grouped, \midrule,
 * \bottomrule. Notes (replica, demo, sources, pipeline, absent classes) are part of the table, in a
 * threeparttable `tablenotes` block, so they survive compilation (`%` comments would not); that needs
 * `\usepackage{threeparttable}` in the preamble.
 */
export function toLatex(table: TextTable, options: LatexOptions = {}): string {
  const { caption = table.legend, label, placement = 'htbp', float = true } = options;
  const cols = table.columns;
  const line = (cells: string[]) => `${cells.join(' & ')} \\\\`;
  const notes = table.notes.length > 0;
  const numeric = cols.some((c) => c.numeric);
  const needs = [...(notes ? ['threeparttable'] : []), ...(numeric ? ['siunitx'] : [])];
  const out: string[] = needs.length ? [`% needs ${needs.map((p) => `\\usepackage{${p}}`).join(' ')}`] : [];
  if (float) {
    out.push(`\\begin{table}[${placement}]`, '\\centering', `\\caption{${escapeLatex(caption)}}`);
    if (label) out.push(`\\label{${label}}`);
  }
  if (notes) out.push('\\begin{threeparttable}');
  out.push(`\\begin{tabular}{${cols.map((c) => (c.numeric ? 'S' : c.align)).join('')}}`, '\\toprule');
  if (cols.some((c) => c.group !== undefined)) {
    const spans: string[] = [];
    const rules: string[] = [];
    for (let i = 0; i < cols.length; ) {
      let j = i + 1;
      const group = cols[i].group;
      while (group !== undefined && j < cols.length && cols[j].group === group) j++;
      if (group === undefined) spans.push('');
      else {
        spans.push(`\\multicolumn{${j - i}}{c}{${escapeLatex(group)}}`);
        rules.push(`\\cmidrule(lr){${i + 1}-${j}}`);
      }
      i = j;
    }
    out.push(line(spans), rules.join(' '));
  }
  // siunitx reads an S column's header as a number unless it is braced.
  const header = (c: TextColumn) => escapeLatex(c.group !== undefined ? (c.sub ?? c.title) : c.title);
  out.push(line(cols.map((c) => (c.numeric ? `{${header(c)}}` : header(c)))), '\\midrule');
  for (const row of table.rows) out.push(line(cols.map((c) => latexCell(row[c.title] ?? '', c.numeric))));
  out.push('\\bottomrule', '\\end{tabular}');
  if (notes) {
    out.push('\\begin{tablenotes}\\footnotesize', ...table.notes.map((n) => `\\item ${escapeLatex(n)}`), '\\end{tablenotes}', '\\end{threeparttable}');
  }
  if (float) out.push('\\end{table}');
  return out.join('\n') + '\n';
}

/** The long rows as CSV (header from the first row's keys; null/undefined print as empty). */
export function toCsv(table: TextTable): string {
  if (table.data.length === 0) return '';
  return aq.from(table.data as object[]).toCSV();
}
