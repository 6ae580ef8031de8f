/** The terminal's plain-text table, shared by every printer: columns padded to their widest cell. */

export interface TextTableOptions {
  /** A rule of dashes under the header. Default true. */
  rule?: boolean;
  /** Right-align cells that are numbers (counts, values) so their digits line up. Default true. */
  alignNumbers?: boolean;
}

const NUMBER = /^[-+]?\d+(\.\d+)?%?$/;

/** `header` and `rows` as aligned lines (no trailing spaces), joined by newlines, no final newline. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], opts: TextTableOptions = {}): string {
  const { rule = true, alignNumbers = true } = opts;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (alignNumbers && i > 0 && NUMBER.test(c) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...(rule ? [widths.map((w) => '-'.repeat(w)).join('  ')] : []), ...rows.map(line)].join('\n');
}
