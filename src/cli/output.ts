/**
 * How every command ends: human text or `--json`, and user errors printed as one clear message with
 * exit code 2 instead of a stack trace (under `--json`, one `{ "error": … }` document on stdout).
 */
import type { Command } from 'commander';
import { isBenchError, type BenchError } from '../errors.js';

export interface OutputOptions {
  json?: boolean;
}

/** The exit code of every user mistake (bad option, bad file, unknown model). 1 is left to bugs. */
export const USER_ERROR_EXIT = 2;

/** Prints `value` as pretty JSON on stdout (the only thing on stdout with --json). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Prints a user error the one way: a JSON error document on stdout under --json, else the message on stderr; sets exit code 2. */
export function reportUserError(e: BenchError, json: boolean): void {
  if (json) printJson({ error: e.toJSON() });
  else process.stderr.write(e.describe() + '\n');
  process.exitCode = USER_ERROR_EXIT;
}

/** Whether the command that commander hands an action (its last argument) was given --json. */
function actionWantsJson(args: unknown[]): boolean {
  const cmd = args[args.length - 1] as Partial<Command> | undefined;
  if (cmd && typeof cmd.optsWithGlobals === 'function') return cmd.opts!().json === true;
  return process.argv.includes('--json');
}

/** Wraps a command action: BenchErrors become a message (or a JSON error object) and exit code 2. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (isBenchError(e)) return reportUserError(e, actionWantsJson(args));
      throw e;
    }
  };
}

/**
 * What a command wrote to a file, on stderr (stdout stays for the data): `wrote t.csv (12 rows)`.
 * `rows` is what the file holds: the long data rows for CSV, the table's rows for Markdown and LaTeX.
 */
export function printWrote(file: string, rows: number, unit = 'row'): void {
  process.stderr.write(`wrote ${file} (${rows} ${unit}${rows === 1 ? '' : 's'})\n`);
}

/** The rows a rendered table file holds: data rows for CSV (one per run and metric), display rows otherwise. */
export function rowsWritten(format: string, table: { rows: readonly unknown[]; data: readonly unknown[] }): number {
  return format === 'csv' ? table.data.length : table.rows.length;
}
