/**
 * Option parsers shared by the commands. They throw commander's InvalidArgumentError; the program
 * (src/cli/program.ts) turns it into a BAD_OPTION user error that names the option, so the messages here
 * say only what a good value looks like.
 */
import { InvalidArgumentError } from 'commander';

function parseWhole(value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}`);
  return n;
}

/** A whole number ≥ 0 (durations, seeds, counts where 0 means "none"). */
export function parsePositiveInt(value: string): number {
  return parseWhole(value, 0);
}

/** A whole number ≥ 1 (batch sizes, worker counts: 0 of them cannot run anything). */
export function parseCount(value: string): number {
  return parseWhole(value, 1);
}

function parseList(value: string, min: number): number[] {
  const parts = value.split(',').map((v) => v.trim());
  for (const p of parts) {
    const n = Number(p);
    if (p === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected whole numbers ≥ ${min}, comma-separated (e.g. ${min},${min + 1}); "${p}" is not one`);
  }
  return parts.map(Number);
}

/** Comma-separated whole numbers ≥ 0 (thread counts: 0 = library default). */
export function parseIntList(value: string): number[] {
  return parseList(value, 0);
}

/** Comma-separated whole numbers ≥ 1 (batch sizes). */
export function parseSizeList(value: string): number[] {
  return parseList(value, 1);
}

/** A confidence level in (0, 1); "95" is taken for a percentage and the message says 0.95. */
export function parseProbability(value: string): number {
  const n = Number(value);
  if (n > 0 && n < 1) return n;
  const hint = n > 1 && n < 100 ? ` (for ${n}% write ${n / 100})` : '';
  throw new InvalidArgumentError(`levels are in (0, 1), e.g. 0.95${hint}`);
}

/** A finite number > 0 (regularisation strengths). */
export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number > 0, e.g. 1.1');
  return n;
}
