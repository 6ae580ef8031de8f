import { stat } from 'node:fs/promises';
import { META_FILE, PREDICTIONS_FILE } from '../../src/bench/store/meta.js';
/**
 * The fault suite's common parts: a child process killed with SIGKILL at a chosen moment, seeded random
 * kill points, and the checks every interrupted store must pass (readable, nothing doubled, nothing that
 * is not the corpus's).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listStores, readStore, type StoreContents } from '../../src/bench/store.js';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..');
export const EVAL_CHILD = join(here, 'eval.child.ts');
export const MERGE_CHILD = join(here, 'merge.child.ts');

/** Kill points per scenario: FER_FAULT_POINTS, default 4 (three scenarios: 12 kills a run). */
export function faultPoints(): number {
  const n = Number(process.env.FER_FAULT_POINTS ?? 4);
  if (!Number.isInteger(n) || n < 1) throw new Error(`FER_FAULT_POINTS must be a positive integer, not ${process.env.FER_FAULT_POINTS}`);
  return n;
}

/** The suite's seed: FER_FAULT_SEED, default 13 (printed with every failure, to replay it). */
export const FAULT_SEED = Number(process.env.FER_FAULT_SEED ?? 13);

/** n fractions in [0, 1) from a seeded generator (mulberry32). */
export function seededFractions(seed: number, n: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  });
}

export interface ChildRun {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From the anchor line (`opened` unless told) to the exit, ms (null when it never got there). */
  ms: number | null;
}

/**
 * Runs `cmd args` from the repository root, collecting its output; `onLine` sees every stdout line as it
 * comes, with a function that SIGKILLs the process. `ms` counts from the first line starting with `anchor`.
 */
export function runProcess(cmd: string, args: readonly string[], onLine?: (line: string, kill: () => void) => void, anchor = 'opened'): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    let anchored: number | null = null;
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      const lines = (partial + s).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith(anchor)) anchored ??= performance.now();
        onLine?.(line, kill);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ pid: child.pid!, code, signal, stdout, stderr, ms: anchored === null ? null : performance.now() - anchored }));
  });
}

/**
 * Runs a child (`node --import tsx script '<arg as JSON>'`); with `killAfterMs`, SIGKILLs it that long
 * after its first stdout line starting with `anchor` (default `opened`; `progress`: once work is stored).
 */
export async function runChild(script: string, arg: unknown, opts: { killAfterMs?: number; anchor?: string } = {}): Promise<ChildRun> {
  const anchor = opts.anchor ?? 'opened';
  let timer: NodeJS.Timeout | null = null;
  try {
    return await runProcess(process.execPath, ['--import', 'tsx', script, JSON.stringify(arg)], (line, kill) => {
      if (line.startsWith(anchor) && opts.killAfterMs !== undefined && timer === null) timer = setTimeout(kill, opts.killAfterMs);
    }, anchor);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** A run that must have ended by itself, well. */
export function assertFinished(r: ChildRun, what: string): void {
  assert.equal(r.code, 0, `${what} failed (${r.signal ?? r.code}):\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^done$/m);
}

/**
 * What any interruption must leave in the one store under `baseDir` (if it got that far): a readable
 * store, no id twice, only the ids `allowed` (a corpus's items, or its clips and their frames).
 */
export async function checkInterrupted(baseDir: string, allowed: (id: string) => boolean): Promise<StoreContents | null> {
  const stores = await listStores(baseDir);
  if (stores.length === 0) return null;
  assert.equal(stores.length, 1, `one store under ${baseDir}`);
  // Killed between creating the store's folder and writing its meta.json: nothing was stored yet, and
  // openStore starts such a folder afresh (it refuses one whose predictions file has content).
  if (stores[0]!.problem === `no ${META_FILE}`) {
    const size = await stat(join(stores[0]!.dir, PREDICTIONS_FILE)).then((s) => s.size, () => 0);
    assert.equal(size, 0, 'records without a meta.json');
    return null;
  }
  assert.equal(stores[0]!.problem, undefined);
  const left = await readStore(stores[0]!.dir);
  assert.equal(left.duplicates, 0, 'no record was written twice');
  for (const r of left.records) assert.ok(allowed(r.id), `unexpected record ${r.id}`);
  return left;
}
