// `--emit k8s` without a cluster (none can run here): the manifest is two valid YAML documents, an
// Indexed Job and its merge Job, told apart by a label; and its commands do what the pods would. Each
// pod's command is run here with the environment Kubernetes gives an Indexed Job's pod
// (JOB_COMPLETION_INDEX) plus the manifest's own env, in the manifest's working directory, with `bench`
// on PATH as in the image; then the merge Job's command. The result must equal a single `bench eval`.
// Also: the CLI's errors for sharding (exit 2, the shard named, no stack trace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { EvalRunRecord } from '../../src/bench/evaluate.js';
import type { MergedRunRecord } from '../../src/bench/merge.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { scored } from '../bench/shard-fixture.js';
import { BENCH_MAIN, runBenchCli, STACK_LINE, writeTinyModel } from '../bench/tiny-model.js';

const run = promisify(execFile);

interface Container {
  name: string;
  image: string;
  command: string[];
  workingDir: string;
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface JobDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    completionMode?: string;
    completions: number;
    parallelism?: number;
    podReplacementPolicy?: string;
    template: { spec: { restartPolicy: string; containers: Container[]; volumes: Array<{ name: string; persistentVolumeClaim: { claimName: string } }> } };
  };
}

test('the Indexed Job manifest: valid YAML, the index env var, the merge step; its commands run as pods give the single run', { timeout: 300_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'fer-k8s-test-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const tiny = await writeTinyModel(join(root, 'model'));
  const fixture = await writeAffectNetFixture({ dir: join(root, 'AffectNet'), layout: 'csv', perClass: 5, imageSize: 48, seed: 8, faults: { missingFile: 1, truncatedJpeg: 1 } });
  // Relative paths, as a manifest for a volume mounted at the working directory would have.
  const common = ['eval', '-m', tiny.card.name, '--weights', 'model/tiny_fer_va_mtl.onnx', '--dataset', 'affectnet', '--root', 'AffectNet', '--classes', '7', '--resamples', '300', '--workers', '1', '--threads', '1'];
  const env = { FER_BENCH_ZOO: tiny.zooPath };

  const emitted = await runBenchCli([...common, '--store-dir', 'preds', '--out', 'runs', '--emit', 'k8s', '--shards', '3', '--image', 'registry.example/fer-bench:0.1.0', '--json'], { cwd: root, env });
  assert.equal(emitted.code, 0, emitted.stderr);
  const docs = parseAllDocuments(emitted.stdout);
  assert.equal(docs.length, 2);
  for (const d of docs) assert.deepEqual(d.errors, []);
  const [shards, merge] = docs.map((d) => d.toJS() as JobDoc);

  assert.equal(shards.apiVersion, 'batch/v1');
  assert.equal(shards.kind, 'Job');
  assert.equal(shards.spec.completionMode, 'Indexed');
  assert.equal(shards.spec.completions, 3);
  assert.equal(shards.spec.parallelism, 3);
  assert.match(shards.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS-1123 name');
  assert.equal(shards.metadata.labels['fer-bench/step'], 'shards');
  const pod = shards.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never');
  const c = pod.containers[0];
  assert.equal(c.image, 'registry.example/fer-bench:0.1.0');
  assert.equal(c.workingDir, root);
  assert.deepEqual(c.volumeMounts, [{ name: 'work', mountPath: root }]);
  assert.equal(pod.volumes[0].name, 'work');
  assert.equal(shards.spec.podReplacementPolicy, 'Failed');
  assert.deepEqual(c.env, [
    { name: 'FER_BENCH_SHARD_COUNT', value: '3' },
    { name: 'FER_BENCH_JOB_UID', valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/controller-uid']" } } },
  ]);
  assert.deepEqual(c.command.slice(0, 2), ['bench', 'eval']);
  assert.deepEqual(c.command.slice(-2), ['--shard', 'auto/3']);
  for (const gone of ['--emit', 'k8s', '--shards', '--image', '--json']) assert.ok(!c.command.includes(gone), `${gone} is not passed to the pods`);

  assert.equal(merge.kind, 'Job');
  assert.equal(merge.spec.completionMode, undefined);
  assert.equal(merge.metadata.labels['fer-bench/step'], 'merge');
  const mc = merge.spec.template.spec.containers[0];
  assert.equal(mc.command[0], 'sh');
  assert.match(mc.command[2], /^exec bench merge preds\/tiny_fer_va_mtl-affectnet-val-\*-shard\*of3 .*--protocol 7 .*--out runs/);
  // The header says how to apply the two steps in turn.
  assert.match(emitted.stdout, /kubectl apply -f \S+ -l fer-bench\/step=shards/);
  assert.match(emitted.stdout, /kubectl wait --for=condition=complete/);
  assert.match(emitted.stdout, /kubectl apply -f \S+ -l fer-bench\/step=merge/);

  // The pods, here: `bench` on PATH as in the image, each with its JOB_COMPLETION_INDEX.
  const bin = join(root, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'bench'), `#!/bin/sh\nexec '${process.execPath}' --import '${import.meta.resolve('tsx')}' '${BENCH_MAIN}' "$@"\n`);
  await chmod(join(bin, 'bench'), 0o755);
  const podEnv = (extra: Record<string, string>) => ({ ...process.env, ...env, PATH: `${bin}:${process.env.PATH}`, ...extra });
  // What the downward API would fill in: the Job's uid.
  const fromManifest = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '5e1f0c2a-0000-4000-8000-00000000f3b1']));
  for (let index = 2; index >= 0; index--) {
    const out = await run(c.command[0], c.command.slice(1), { cwd: c.workingDir, env: podEnv({ ...fromManifest, JOB_COMPLETION_INDEX: String(index) }), encoding: 'utf8' });
    assert.match(out.stdout, new RegExp(`^shard ${index}/3: `, 'm'));
  }
  await run(mc.command[0], mc.command.slice(1), { cwd: mc.workingDir, env: podEnv({}), encoding: 'utf8' });
  const records = await readdir(join(root, 'runs'));
  assert.equal(records.length, 1);
  const merged = JSON.parse(await readFile(join(root, 'runs', records[0]), 'utf8')) as MergedRunRecord;
  assert.equal(merged.shards.length, 3);

  const single = await runBenchCli([...common, '--store-dir', 'single', '--no-save', '--json'], { cwd: root, env });
  assert.equal(single.code, 0, single.stderr);
  assert.equal(scored(merged), scored(JSON.parse(single.stdout) as EvalRunRecord));
});

test('sharding mistakes on the command line: exit 2, the shard named, the fix, no stack trace', { timeout: 120_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'fer-shard-cli-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const tiny = await writeTinyModel(join(root, 'model'));
  const fixture = await writeAffectNetFixture({ dir: join(root, 'AffectNet'), layout: 'csv', perClass: 2, imageSize: 48 });
  const env = { FER_BENCH_ZOO: tiny.zooPath, SLURM_ARRAY_TASK_ID: undefined, JOB_COMPLETION_INDEX: undefined };
  const common = ['eval', '-m', tiny.card.name, '--weights', tiny.onnxPath, '--dataset', 'affectnet', '--root', fixture.root, '--store-dir', join(root, 'preds'), '--workers', '1'];
  const expectUserError = (r: { code: number | null; stderr: string }, ...parts: RegExp[]) => {
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, STACK_LINE);
    for (const p of parts) assert.match(r.stderr, p);
  };

  expectUserError(await runBenchCli([...common, '--shard', '4/4'], { env }), /shard index 4 is not below the count 4/, /fix: /);
  expectUserError(await runBenchCli([...common, '--shard', 'auto'], { env }), /not inside an array task/);
  expectUserError(await runBenchCli([...common, '--shard', '1/2', '--emit', 'slurm'], { env }), /--emit and --shard together/);
  expectUserError(await runBenchCli(['eval', '-m', 'tiny_fer_va_mt', '--dataset', 'affectnet', '--root', 'nowhere', '--emit', 'k8s'], { env }), /unknown model/, /tiny_fer_va_mtl/);

  const one = await runBenchCli([...common, '--shard', '0/2', '--json'], { env });
  assert.equal(one.code, 0, one.stderr);
  const seg = JSON.parse(one.stdout) as { storeDir: string; items: number; corpusItems: number; merge: string };
  assert.equal(seg.items, seg.corpusItems / 2);
  assert.match(seg.merge, /^bench merge .*-shard\*of2$/);
  expectUserError(await runBenchCli(['merge', seg.storeDir, '--no-save'], { env }), /shard 1 of 2 missing/, /--shard 1\/2/);
  const two = await runBenchCli([...common, '--shard', '1/2'], { env });
  assert.equal(two.code, 0, two.stderr);
  const merged = await runBenchCli(['merge', join(root, 'preds', '*'), '--no-save'], { env });
  expectUserError(merged, /not a prediction store/); // a glob the shell did not expand is not a directory
});
