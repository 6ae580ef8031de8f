/**
 * One writer per store: two processes appending to the same `predictions.jsonl` would interleave and
 * each trust a `done` set the other invalidates. The lock is a file holding the writer's pid and host,
 * created with link(2) so it appears whole or not at all. A lock left by a process that died (kill -9)
 * is taken over when its pid is gone on this host. One from another host is taken over only when the
 * scheduler says its task has ended (scheduler-task.ts); otherwise it is never guessed about.
 */
import { hostname } from 'node:os';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { BenchError } from '../../errors.js';
import { schedulerTask, taskEnded } from './scheduler-task.js';

export const LOCK_FILE = 'writer.lock';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
  /** The scheduler task of the writer (a Slurm job, a Kubernetes Indexed Job's index), when it ran in one. */
  task?: string;
}

export interface StoreLock {
  readonly file: string;
  release(): Promise<void>;
}

export async function acquireLock(dir: string): Promise<StoreLock> {
  const file = join(dir, LOCK_FILE);
  const task = schedulerTask();
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...(task ? { task } : {}) };
  const temp = join(dir, `.${LOCK_FILE}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, JSON.stringify(mine) + '\n');
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, file);
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST') throw e;
      }
      const holder = await readLock(file);
      // A second EEXIST means someone else took the stale lock first.
      if ((holder && (await holderAlive(holder))) || attempt > 0) throw lockError(file, holder);
      // Stale: its writer is dead. (Two processes taking over the same stale lock at once could both
      // succeed; runs that race to resume the same interrupted store are not a supported use.)
      await unlink(file).catch(() => undefined);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      await unlink(file).catch(() => undefined);
    },
  };
}

async function readLock(file: string): Promise<LockInfo | null> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as Partial<LockInfo>;
    return typeof v.pid === 'number' && typeof v.host === 'string' ? (v as LockInfo) : null;
  } catch {
    return null; // gone meanwhile or unreadable: treat as stale
  }
}

async function holderAlive(h: LockInfo): Promise<boolean> {
  if (h.host !== hostname()) return !(h.task && (await taskEnded(h.task))); // else cannot tell: assume it is running
  if (h.pid === process.pid) return true; // opened twice in this process
  try {
    process.kill(h.pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // exists but not ours
  }
}

function lockError(file: string, holder: LockInfo | null): BenchError {
  const who = holder ? `process ${holder.pid} on ${holder.host}${holder.task ? ` (${holder.task})` : ''} (since ${holder.since})` : 'another process';
  return new BenchError('BAD_INPUT', `prediction store ${dirname(file)} is being written by ${who}`, {
    file,
    fix: 'wait for that run to finish; if no run is using this store, delete the lock file',
  });
}
