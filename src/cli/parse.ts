/** Option parsers shared by the commands; they throw commander's InvalidArgumentError so usage is shown. */
import { InvalidArgumentError } from 'commander';

function parseWhole(value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}, got "${value}"`);
  return n;
}

/** A whole number ≥ 0. */
export function parsePositiveInt(value: string): number {
  return parseWhole(value, 0);
}

/** Comma-separated whole numbers ≥ 0 (thread counts: 0 = library default). */
export function parseIntList(value: string): number[] {
  return value.split(',').map((v) => parseWhole(v.trim(), 0));
}

/** Comma-separated whole numbers ≥ 1 (batch sizes). */
export function parseSizeList(value: string): number[] {
  return value.split(',').map((v) => parseWhole(v.trim(), 1));
}

export function parseProbability(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`expected a number between 0 and 1, got "${value}"`);
  return n;
}
