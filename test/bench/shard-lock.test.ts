// The store's writer lock across the nodes of a scheduler: a lock left on another host is taken over
// only when it was this very task's earlier attempt (Slurm requeue, a replaced Indexed Job pod) or when
// Slurm says its job has ended; otherwise it still refuses a second writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLock, LOCK_FILE } from '../../src/bench/store/lock.js';
import { schedulerTask, taskEnded } from '../../src/bench/store/scheduler-task.js';
import { tempDir } from '../datasets/tmpdir.js';
import { expectBenchError } from '../expect-error.js';

const SCHEDULER_VARS = ['FER_BENCH_TASK', 'SLURM_JOB_ID', 'SLURM_CLUSTER_NAME', 'SLURM_PROCID', 'FER_BENCH_JOB_UID', 'JOB_COMPLETION_INDEX', 'SLURM_CONF'];

/** Runs `fn` with these scheduler variables (and no others) in process.env. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(SCHEDULER_VARS.map((k) => [k, process.env[k]]));
  for (const k of SCHEDULER_VARS) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const k of SCHEDULER_VARS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

const leftBy = (dir: string, holder: Record<string, unknown>) =>
  writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: 999_999, host: 'node-elsewhere', since: '2026-01-01T00:00:00.000Z', ...holder }) + '\n');

test('the task a process is: Slurm job and rank, Indexed Job uid and index, FER_BENCH_TASK, or none', () => {
  assert.equal(schedulerTask({ SLURM_JOB_ID: '77', SLURM_CLUSTER_NAME: 'lab' }), 'slurm:lab:77:0');
  assert.equal(schedulerTask({ SLURM_JOB_ID: '77', SLURM_CLUSTER_NAME: 'lab', SLURM_PROCID: '3' }), 'slurm:lab:77:3');
  assert.equal(schedulerTask({ FER_BENCH_JOB_UID: 'u-1', JOB_COMPLETION_INDEX: '2' }), 'k8s:u-1:2');
  assert.equal(schedulerTask({ JOB_COMPLETION_INDEX: '2' }), null, 'an index alone does not name the Job');
  assert.equal(schedulerTask({ FER_BENCH_TASK: 'pbs:1234[5]', SLURM_JOB_ID: '1' }), 'pbs:1234[5]');
  assert.equal(schedulerTask({}), null);
});

test('a lock another host left: taken over by the same task (requeued or replaced), refused otherwise', async () => {
  const dir = await tempDir('shard-lock');
  // A Slurm job requeued onto another node keeps its job id.
  await leftBy(dir, { task: 'slurm:lab:77:0' });
  const lock = await withEnv({ SLURM_JOB_ID: '77', SLURM_CLUSTER_NAME: 'lab' }, () => acquireLock(dir));
  const mine = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as { pid: number; task: string };
  assert.deepEqual([mine.pid, mine.task], [process.pid, 'slurm:lab:77:0']);
  await lock.release();

  // A replaced pod of an Indexed Job: same Job uid, same index.
  await leftBy(dir, { task: 'k8s:u-1:2' });
  await (await withEnv({ FER_BENCH_JOB_UID: 'u-1', JOB_COMPLETION_INDEX: '2' }, () => acquireLock(dir))).release();

  // Another index of the Job, another task, or no task at all: cannot tell, so still refused.
  await leftBy(dir, { task: 'k8s:u-1:3' });
  await assert.rejects(withEnv({ FER_BENCH_JOB_UID: 'u-1', JOB_COMPLETION_INDEX: '2' }, () => acquireLock(dir)), expectBenchError('BAD_INPUT', /being written by process 999999 on node-elsewhere \(k8s:u-1:3\)/, /delete the lock file/));
  await leftBy(dir, {});
  await assert.rejects(withEnv({ SLURM_JOB_ID: '77', SLURM_CLUSTER_NAME: 'lab' }, () => acquireLock(dir)), expectBenchError('BAD_INPUT', /being written by process 999999 on node-elsewhere/));
  await assert.rejects(withEnv({}, () => acquireLock(dir)), expectBenchError('BAD_INPUT', /being written/));
});

test('another Slurm job: ended only when that cluster\'s squeue says so (no answer: not ended)', async () => {
  // No Slurm controller to ask (its configuration is not there): cannot tell.
  assert.equal(await taskEnded('slurm:lab:76:0', { SLURM_JOB_ID: '77', SLURM_CLUSTER_NAME: 'lab', SLURM_CONF: '/nonexistent/slurm.conf', PATH: process.env.PATH }), false);
  // Another cluster's job, or a task outside Slurm: never asked.
  assert.equal(await taskEnded('slurm:other:76:0', { SLURM_JOB_ID: '77', SLURM_CLUSTER_NAME: 'lab', PATH: process.env.PATH }), false);
  assert.equal(await taskEnded('slurm:lab:76:0', { PATH: process.env.PATH }), false);
  assert.equal(await taskEnded('slurm:lab:77:0', { SLURM_JOB_ID: '77', SLURM_CLUSTER_NAME: 'lab' }), true);
});
