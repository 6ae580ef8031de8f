/**
 * Which scheduler task a process is, for the store's writer lock. A lock left on another host cannot be
 * checked by pid, so without this a task killed on one node and rerun on another (a Slurm requeue, a
 * Kubernetes pod replaced after a failure) would find its segment locked for ever. Two rules settle it:
 * - the same task identity: the holder was an earlier attempt of this very task, and a scheduler never
 *   runs two attempts of one task at once (Slurm keeps the job id across a requeue; an Indexed Job keeps
 *   its uid and index, and with `podReplacementPolicy: Failed` starts the new pod after the old one ended);
 * - a Slurm job the controller no longer runs (`squeue -h -j ID` lists nothing, or does not know the id).
 * Anything else (no scheduler, squeue unreachable) is "cannot tell", and the lock stands.
 */
import { execFile } from 'node:child_process';

/** Set by the Kubernetes manifest from the Job's uid (downward API); with JOB_COMPLETION_INDEX it names the pod's task. */
export const K8S_JOB_UID_ENV = 'FER_BENCH_JOB_UID';

/**
 * This process's scheduler task, or null outside one: `slurm:<cluster>:<job id>:<task rank>` (an array
 * task has its own job id), `k8s:<job uid>:<index>`, or FER_BENCH_TASK when set (another scheduler).
 */
export function schedulerTask(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.FER_BENCH_TASK) return env.FER_BENCH_TASK;
  if (env.SLURM_JOB_ID) return `slurm:${env.SLURM_CLUSTER_NAME ?? ''}:${env.SLURM_JOB_ID}:${env.SLURM_PROCID ?? '0'}`;
  if (env[K8S_JOB_UID_ENV] && env.JOB_COMPLETION_INDEX) return `k8s:${env[K8S_JOB_UID_ENV]}:${env.JOB_COMPLETION_INDEX}`;
  return null;
}

/** Whether the task that holds a lock has certainly ended (see the module comment). */
export async function taskEnded(holder: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (holder === schedulerTask(env)) return true;
  const slurm = /^slurm:([^:]*):(\d+):\d+$/.exec(holder);
  const mine = schedulerTask(env);
  // Only from inside the same Slurm cluster: its squeue answers for that job id.
  if (!slurm || !mine?.startsWith(`slurm:${slurm[1]}:`)) return false;
  return new Promise((resolve) => {
    execFile('squeue', ['-h', '-j', slurm[2], '-o', '%T'], { env, timeout: 15_000 }, (err, stdout, stderr) => {
      if (!err) resolve(stdout.trim() === '');
      else resolve(/invalid job id/i.test(String(stderr)));
    });
  });
}
