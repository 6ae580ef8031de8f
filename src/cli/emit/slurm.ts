/**
 * `--emit slurm`: a submission script for the evaluation as a Slurm job array and its merge step. Run
 * with bash, it writes the two job scripts next to itself (`<name>.array.sbatch`: task i evaluates shard
 * i; `<name>.merge.sbatch`), submits the array, then the merge as a job that starts only once every task
 * has succeeded (`--dependency=afterok`), and prints both job ids. The job scripts stay, so a failed task
 * is resubmitted on its own (`sbatch --array=2 <name>.array.sbatch`, it resumes its segment) and the
 * merge after it (`sbatch <name>.merge.sbatch`). Edit the #SBATCH lines (partition, time, account) as needed.
 */
import { shellGlob, shellWord, type EmitPlan } from './plan.js';

export interface SlurmEmitOptions {
  /** The command that runs `bench` on the nodes (words). Default: how this process was started. */
  bench: string[];
}

/** The file names the submission script writes (relative to the plan's working directory). */
export function slurmFiles(plan: EmitPlan): { array: string; merge: string } {
  return { array: `${plan.name}.array.sbatch`, merge: `${plan.name}.merge.sbatch` };
}

export function slurmScript(plan: EmitPlan, opts: SlurmEmitOptions): string {
  const bench = opts.bench.map(shellWord).join(' ');
  const cwd = shellWord(plan.cwd);
  const files = slurmFiles(plan);
  return `#!/usr/bin/env bash
# fer-bench: ${plan.name}, as a Slurm job array of ${plan.shards} shards, then the merge.
# Submit with:  bash <this file>
set -euo pipefail
cd ${cwd}

cat >${shellWord(files.array)} <<'FER_BENCH_ARRAY'
#!/bin/bash
#SBATCH --job-name=${plan.name}
#SBATCH --array=0-${plan.shards - 1}
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=${plan.cpusPerTask}
#SBATCH --chdir=${cwd}
#SBATCH --output=${plan.name}-%A_%a.out
# Task i evaluates shard i of ${plan.shards} (SLURM_ARRAY_TASK_ID) into its own store segment; a task
# killed and resubmitted (sbatch --array=i this-file) resumes its segment.
exec ${bench} eval ${plan.evalArgs.map(shellWord).join(' ')}
FER_BENCH_ARRAY

cat >${shellWord(files.merge)} <<'FER_BENCH_MERGE'
#!/bin/bash
#SBATCH --job-name=${plan.name}-merge
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --chdir=${cwd}
#SBATCH --output=${plan.name}-merge-%j.out
# One store and one run record from the ${plan.shards} segments, identical to a single-process run's.
exec ${bench} merge ${shellGlob(plan.segmentGlob)} ${plan.mergeArgs.map(shellWord).join(' ')}
FER_BENCH_MERGE

array=$(sbatch --parsable ${shellWord(files.array)})
array=\${array%%;*}
echo "array job \${array}: ${plan.shards} shards"
merge=$(sbatch --parsable --dependency=afterok:\${array} --kill-on-invalid-dep=yes ${shellWord(files.merge)})
merge=\${merge%%;*}
echo "merge job \${merge}: runs once every task of \${array} has succeeded"
echo "a failed task: sbatch --array=<i> ${files.array}; then: sbatch ${files.merge}"
`;
}
