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
