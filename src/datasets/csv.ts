/**
 * The CSV reading shared by the AffectNet lists and generic manifests. One record per physical line
 * (the formats we read never put newlines inside fields), so a line number always names the record;
 * fields may be double-quoted, with `""` for a literal quote and commas inside. Files stream line by line:
 * AffectNet's training.csv is ~400 MB with its landmark column.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export type CsvLine =
  | { line: number; fields: string[] }
  /** The line could not be split into fields; `text` is the raw line. */
  | { line: number; error: string; text: string };

/** Splits one CSV line into fields, or says why it cannot. */
export function parseCsvLine(text: string): { fields: string[] } | { error: string } {
  // Fast path: AffectNet rows never contain quotes.
  if (!text.includes('"')) return { fields: text.split(',') };
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) return { error: `unterminated quoted field starting at column ${i + 1}` };
        value += text.slice(j, q);
        if (text[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return { fields };
      if (text[i] !== ',') return { error: `unexpected '${text[i]}' after a closing quote at column ${i + 1}` };
      i++;
    } else {
      // Unquoted: a stray quote inside is kept literally, as pandas does.
      const c = text.indexOf(',', i);
      if (c < 0) {
        fields.push(text.slice(i));
        return { fields };
      }
      fields.push(text.slice(i, c));
      i = c + 1;
    }
  }
}

/**
 * A copy of `s` that does not keep its source line alive. V8 makes substrings as views into the parent
 * string, so an id kept from each of 400k AffectNet rows would otherwise pin every ~1 KB row in memory.
 */
export function detach(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

/**
 * The first field of a line that did not parse (quotes removed), to name the item in a skip list: the
 * rows we read lead with the image path.
 */
export function leadingField(text: string): string {
  if (text.startsWith('"')) {
    const m = /^"((?:[^"]|"")*)"/.exec(text);
    return (m ? m[1] : text.slice(1).split(',')[0]).replace(/""/g, '"').trim();
  }
  return text.split(',')[0].trim();
}

/**
 * Streams the non-blank lines of a text file with 1-based line numbers (blank lines are not records: a
 * trailing newline is not an item); a UTF-8 byte-order mark is dropped. Also reads VGAF's space-separated
 * label lists and Aff-Wild2's per-frame label files.
 */
export async function* readTextLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of rl) {
      line++;
      const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() !== '') yield { line, text };
    }
  } finally {
    rl.close();
  }
}

/** Streams the records of a CSV file (see `readTextLines` for line numbers and blank lines). */
export async function* readCsvLines(file: string): AsyncGenerator<CsvLine> {
  for await (const { line, text } of readTextLines(file)) {
    const parsed = parseCsvLine(text);
    yield 'fields' in parsed ? { line, fields: parsed.fields } : { line, error: parsed.error, text };
  }
}
