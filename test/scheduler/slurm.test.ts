// On a real scheduler: scripts/slurm-up.sh brings up a one-node Slurm cluster (munged, slurmctld,
// slurmd from Debian's slurm-wlm) in a temporary directory; the script `bench eval --emit slurm` prints
// submits a 4-task array of the tiny model on a generated AffectNet corpus and its merge job. Before it,
// a task of shard 2 is killed by Slurm (scancel --signal=KILL) mid-run, so the array's task 2 resumes
// that segment. The merged run record must equal a single `bench eval` byte for byte (metrics, CIs,
// confusion matrix, coverage), and the merged store must be that run's store.
// Skipped, with the reason, where Slurm cannot start (not root, not installed); under CI=true it must run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import type { MergedRunRecord } from '../../src/bench/merge.js';
import type { EvalRunRecord } from '../../src/bench/evaluate.js';
import { listStores, readStore } from '../../src/bench/store.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { scored, untimed } from '../bench/shard-fixture.js';
import { REPO_ROOT, runBenchCli, writeTinyModel } from '../bench/tiny-model.js';

const run = promisify(execFile);
const UP = join(REPO_ROOT, 'scripts', 'slurm-up.sh');
const DOWN = join(REPO_ROOT, 'scripts', 'slurm-down.sh');
const CHILD = join(REPO_ROOT, 'test', 'bench', 'shard-task.child.ts');
const shardsOf = (r: MergedRunRecord) => r.shards.map((s) => s.records);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 300 ms until it returns a value, or fails after `ms` with `what`. */
async function until<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

test('a 4-task Slurm array of bench eval, one task killed and resumed, then merged: the single run, byte for byte', { timeout: 600_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'fer-slurm-test-'));
  const state = join(root, 'slurm');
  // One hook, in this order: stop exactly the daemons slurm-up.sh started (by their pid files in the
  // state folder), then remove the folder, whatever happened in between.
  t.after(async () => {
    if (existsSync(state)) await run('bash', [DOWN, state]);
    await rm(root, { recursive: true, force: true });
  });
  await chmod(root, 0o755); // munged runs as the munge user and needs to reach its socket in here
  let env: NodeJS.ProcessEnv;
  try {
    const up = await run('bash', [UP, state], { encoding: 'utf8' });
    const conf = /SLURM_CONF='([^']+)'/.exec(up.stdout)?.[1];
    assert.ok(conf, up.stdout);
    env = { ...process.env, SLURM_CONF: conf };
  } catch (e) {
    const err = e as { code?: number; stderr?: string; message: string };
    const reason = `Slurm cannot start here (slurm-up.sh exit ${err.code}): ${(err.stderr || err.message).trim().split('\n').join(' | ')}`;
    if (process.env.CI === 'true') throw new Error(`${reason} — .ci/run installs slurm-wlm and munge, so this must run in CI`);
    t.skip(reason);
    return;
  }
  const slurm = (cmd: string, args: string[]) => run(cmd, args, { env, encoding: 'utf8' });
  const gone = (ids: string) => async () => ((await slurm('squeue', ['-h', '-j', ids])).stdout.trim() === '' ? true : undefined);

  const tiny = await writeTinyModel(join(root, 'model'));
  const fixture = await writeAffectNetFixture({ dir: join(root, 'AffectNet'), layout: 'csv', perClass: 8, imageSize: 48, seed: 21, faults: { missingFile: 1, truncatedJpeg: 2, malformedRow: 1, expression8to10: 3 } });
  const common = ['eval', '-m', tiny.card.name, '--weights', tiny.onnxPath, '--dataset', 'affectnet', '--root', fixture.root, '--resamples', '400', '--seed', '5', '--workers', '1', '--threads', '1'];
  const cliEnv = { FER_BENCH_ZOO: tiny.zooPath };

  const single = await runBenchCli([...common, '--store-dir', join(root, 'single'), '--no-save', '--json'], { cwd: root, env: cliEnv });
  assert.equal(single.code, 0, single.stderr);
  const reference = JSON.parse(single.stdout) as EvalRunRecord;

  // Shard 2 as a Slurm job that Slurm kills mid-run (the task holds after 4 items, see the child).
  const segs = join(root, 'segments');
  const tsx = import.meta.resolve('tsx');
  const killedOut = join(root, 'killed.out');
  const wrap = [process.execPath, '--import', tsx, CHILD, tiny.zooPath, tiny.onnxPath, fixture.root, segs, '2', '4', '4'].join(' ');
  const killed = (await slurm('sbatch', ['--parsable', `--output=${killedOut}`, `--chdir=${REPO_ROOT}`, '--wrap', wrap])).stdout.trim().split(';')[0];
  await until('the task to hold', 180_000, async () => (existsSync(killedOut) && /^holding$/m.test(await readFile(killedOut, 'utf8')) ? true : undefined));
  await slurm('scancel', ['--full', '--signal=KILL', killed]);
  await until(`job ${killed} to end`, 60_000, gone(killed));
  const left = await listStores(segs);
  assert.equal(left.length, 1);
  assert.equal(left[0].meta?.complete, null, 'the killed task left its segment incomplete');
  const onDisk = (await readStore(left[0].dir)).records.length;
  assert.ok(onDisk >= 4, `${onDisk} records on disk`);

  // The submission script, as printed, run as a user would: bash submit.sh.
  const emitted = await runBenchCli([...common, '--store-dir', segs, '--out', join(root, 'runs'), '--emit', 'slurm', '--shards', '4'], { cwd: root, env: cliEnv });
  assert.equal(emitted.code, 0, emitted.stderr);
  await writeFile(join(root, 'submit.sh'), emitted.stdout);
  const submitted = await run('bash', [join(root, 'submit.sh')], { cwd: root, env: { ...env, ...cliEnv }, encoding: 'utf8' });
  const array = /^array job (\d+)/m.exec(submitted.stdout)?.[1];
  const merge = /^merge job (\d+)/m.exec(submitted.stdout)?.[1];
  assert.ok(array && merge, submitted.stdout + submitted.stderr);
  t.diagnostic(`array job ${array}, merge job ${merge}`);
  await until(`jobs ${array} and ${merge} to finish`, 420_000, gone(`${array},${merge}`));

  const states = (await slurm('scontrol', ['-o', 'show', 'job', array])).stdout + (await slurm('scontrol', ['-o', 'show', 'job', merge])).stdout;
  const jobStates = [...states.matchAll(/JobId=(\d+)(?: ArrayJobId=\d+ ArrayTaskId=(\d+))?.*? JobState=(\S+)/g)].map((m) => `${m[2] ?? 'merge'}:${m[3]}`).sort();
  const outs = async () => (await Promise.all((await readdir(root)).filter((f) => f.endsWith('.out')).map(async (f) => `--- ${f}\n${await readFile(join(root, f), 'utf8')}`))).join('\n');
  assert.deepEqual(jobStates, ['0:COMPLETED', '1:COMPLETED', '2:COMPLETED', '3:COMPLETED', 'merge:COMPLETED'], `${states}\n${await outs()}`);

  // Task 2 resumed what the killed task left.
  const name = `fer-bench-${tiny.card.name}-affectnet-val`;
  const task2 = await readFile(join(root, `${name}-${array}_2.out`), 'utf8');
  const reused = Number(/^shard 2\/4: \d+ of \d+ items \(ran \d+, reused (\d+)/m.exec(task2)?.[1]);
  assert.ok(reused >= onDisk, `task 2 reused ${reused} of the ${onDisk} records on disk:\n${task2}`);

  // The merge job's run record against the single run.
  const records = await readdir(join(root, 'runs'));
  assert.equal(records.length, 1, records.join(', '));
  const merged = JSON.parse(await readFile(join(root, 'runs', records[0]), 'utf8')) as MergedRunRecord;
  assert.equal(scored(merged), scored(reference));
  assert.ok(merged.metrics!.accuracy.ci, 'with bootstrap intervals');
  assert.deepEqual(merged.shards.map((s) => [s.index, s.host]), [0, 1, 2, 3].map((i) => [i, hostname()]));
  assert.equal(basename(merged.predictionStore), basename(reference.predictionStore));
  const a = await readStore(merged.predictionStore);
  const b = await readStore(reference.predictionStore);
  assert.equal(JSON.stringify(untimed(a.records)), JSON.stringify(untimed(b.records)));

  // Task 1 resubmitted on its own (sbatch --array=1 of the saved job script) is still shard 1 of 4, and
  // takes over a lock that a task of another node left, since Slurm says that job has ended.
  const task1 = /JobId=(\d+) ArrayJobId=\d+ ArrayTaskId=1 /.exec(states)?.[1];
  assert.ok(task1, states);
  const seg1 = (await listStores(segs)).find((s) => s.dir.endsWith('-shard1of4'))!.dir;
  const lockFile = join(seg1, 'writer.lock');
  await writeFile(lockFile, JSON.stringify({ pid: 999_999, host: 'node-elsewhere', since: new Date().toISOString(), task: `slurm:ferbench:${task1}:0` }) + '\n');
  const resubmit = await run('sbatch', ['--parsable', '--array=1', join(root, `${name}.array.sbatch`)], { cwd: root, env: { ...env, ...cliEnv }, encoding: 'utf8' });
  const again = resubmit.stdout.trim().split(';')[0];
  await until(`job ${again} to finish`, 120_000, gone(again));
  const rerun = await readFile(join(root, `${name}-${again}_1.out`), 'utf8');
  const items = shardsOf(merged)[1];
  assert.match(rerun, new RegExp(`^shard 1/4: ${items} of \\d+ items \\(ran 0, reused ${items}, skipped \\d+\\)`, 'm'), rerun);
  assert.ok(!existsSync(lockFile), 'the lock was taken over and released');
});
