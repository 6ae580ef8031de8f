/**
 * `--emit k8s`: a Kubernetes Indexed Job for the evaluation (pod i evaluates shard i: `--shard auto` reads
 * JOB_COMPLETION_INDEX, and FER_BENCH_SHARD_COUNT, which the manifest sets to the completions) and the
 * merge Job as a second document. Kubernetes has no dependencies between Jobs, so the two are told apart
 * by a label and applied in turn (the header says how). Everything the tasks read and write (models,
 * corpus, prediction store, run records) must be on the volume claim mounted at the working directory.
 */
import { stringify } from 'yaml';
import { K8S_JOB_UID_ENV } from '../../bench/store/scheduler-task.js';
import { SHARD_COUNT_ENV } from '../../bench/shard.js';
import { shellGlob, shellWord, type EmitPlan } from './plan.js';

export interface K8sEmitOptions {
  /** Container image with fer-bench installed (`bench` on its PATH). */
  image: string;
  /** PersistentVolumeClaim holding the working directory (models, corpus, results). Default `fer-bench`. */
  claim?: string;
  /** Retries per shard before the Job fails. Default 2. */
  retries?: number;
}

export const STEP_LABEL = 'fer-bench/step';

/** A DNS-1123 name of at most `max` characters. */
function dnsName(name: string, max: number): string {
  const n = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+/, '');
  return n.slice(0, max).replace(/-+$/, '') || 'fer-bench';
}

function podSpec(plan: EmitPlan, opts: K8sEmitOptions, container: Record<string, unknown>, cpus: number): Record<string, unknown> {
  return {
    restartPolicy: 'Never',
    containers: [
      {
        image: opts.image,
        workingDir: plan.cwd,
        resources: { requests: { cpu: String(cpus) } },
        volumeMounts: [{ name: 'work', mountPath: plan.cwd }],
        ...container,
      },
    ],
    volumes: [{ name: 'work', persistentVolumeClaim: { claimName: opts.claim ?? 'fer-bench' } }],
  };
}

export function k8sManifest(plan: EmitPlan, opts: K8sEmitOptions): string {
  const name = dnsName(plan.name, 57);
  const labels = (step: string) => ({ 'app.kubernetes.io/name': 'fer-bench', [STEP_LABEL]: step });
  const shards = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: labels('shards') },
    spec: {
      completionMode: 'Indexed',
      completions: plan.shards,
      parallelism: plan.shards,
      backoffLimit: (opts.retries ?? 2) * plan.shards,
      // A failed pod's replacement starts once the old pod has ended: never two writers of one segment.
      podReplacementPolicy: 'Failed',
      template: {
        metadata: { labels: labels('shards') },
        spec: podSpec(plan, opts, {
          name: 'shard',
          command: ['bench', 'eval', ...plan.evalArgs],
          env: [
            { name: SHARD_COUNT_ENV, value: String(plan.shards) },
            // With JOB_COMPLETION_INDEX, names the task in the store lock, so a replacement pod on another
            // node may take over the lock its failed predecessor left (store/scheduler-task.ts).
            { name: K8S_JOB_UID_ENV, valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } } },
          ],
        }, plan.cpusPerTask),
      },
    },
  };
  const merge = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `${name}-merge`, labels: labels('merge') },
    spec: {
      completions: 1,
      backoffLimit: opts.retries ?? 2,
      template: {
        metadata: { labels: labels('merge') },
        // A shell for the segments' glob.
        spec: podSpec(plan, opts, { name: 'merge', command: ['sh', '-c', `exec bench merge ${shellGlob(plan.segmentGlob)} ${plan.mergeArgs.map(shellWord).join(' ')}`] }, 1),
      },
    },
  };
  const header = [
    `# fer-bench: ${plan.name}, as a Kubernetes Indexed Job of ${plan.shards} shards, then the merge Job.`,
    `# Edit the image and the volume claim (it must hold ${plan.cwd}: models, corpus, results), then:`,
    `#   kubectl apply -f this.yaml -l ${STEP_LABEL}=shards`,
    `#   kubectl wait --for=condition=complete --timeout=-1s job/${name}`,
    `#   kubectl apply -f this.yaml -l ${STEP_LABEL}=merge`,
    `# A pod that fails is replaced and resumes its shard's store segment.`,
  ].join('\n');
  return `${header}\n${stringify(shards)}---\n${stringify(merge)}`;
}
