/**
 * Where a result came from: the tool and its git commit, the machine, Node, the date. Every run record
 * carries this so a table cell can be traced back to the exact software and hardware.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Provenance } from './records.js';

/** The package root (works from src/ under tsx and from dist/). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let cachedTool: Provenance['tool'] | undefined;

export function toolInfo(): Provenance['tool'] {
  if (cachedTool) return cachedTool;
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    if (dirty) gitCommit += '-dirty';
  } catch {
    // Not a git checkout (an npm install): the package version identifies the code.
  }
  cachedTool = { name: pkg.name, version: pkg.version, gitCommit };
  return cachedTool;
}

export function hostInfo(): Provenance['host'] {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${platform()} ${release()} ${process.arch}`,
    node: process.version,
  };
}
