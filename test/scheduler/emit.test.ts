// The plan behind --emit: which words the tasks get, the CPUs they ask for, shell quoting, and the
// Slurm submission script's shape (checked by bash itself; test/scheduler/slurm.test.ts runs it for real).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { emitPlan, shellGlob, shellWord, taskArgs, type EmitEvalOptions } from '../../src/cli/emit/plan.js';
import { slurmFiles, slurmScript } from '../../src/cli/emit/slurm.js';
import { tempDir } from '../datasets/tmpdir.js';

const run = promisify(execFile);
const OPTS: EmitEvalOptions = { model: 'enet_b0_8_va_mtl', dataset: 'affectnet', split: 'val', storeDir: 'results/predictions', out: 'results/runs', missing: 'drop', resamples: 2000, level: 0.95, seed: 0, save: true };

test('the tasks get the eval command line without the emit options, plus --shard auto/n', () => {
  const args = ['-m', 'enet_b0_8_va_mtl', '--emit', 'slurm', '--dataset', 'affectnet', '--shards=8', '--json', '--root', '/data/Affect Net', '--image', 'x', '--emit=slurm', '--classes', '7'];
  assert.deepEqual(taskArgs(args), ['-m', 'enet_b0_8_va_mtl', '--dataset', 'affectnet', '--root', '/data/Affect Net', '--classes', '7']);
  const plan = emitPlan(args, { ...OPTS, classes: '7', groupCi: true }, 8, '/work/lab');
  assert.deepEqual(plan.evalArgs.slice(-2), ['--shard', 'auto/8']);
  assert.deepEqual(plan.mergeArgs, ['--resamples', '2000', '--level', '0.95', '--seed', '0', '--missing', 'drop', '--protocol', '7', '--group-ci', '--out', 'results/runs']);
  assert.equal(shellGlob(plan.segmentGlob), 'results/predictions/enet_b0_8_va_mtl-affectnet-val-*-shard*of8');
  assert.equal(plan.name, 'fer-bench-enet_b0_8_va_mtl-affectnet-val');
  assert.ok(emitPlan([], { ...OPTS, save: false }, 2).mergeArgs.includes('--no-save'));
});

test('CPUs per task: workers + threads when both are given, twice the one given, else 4', () => {
  assert.equal(emitPlan([], { ...OPTS, workers: 3, threads: 2 }, 4).cpusPerTask, 5);
  assert.equal(emitPlan([], { ...OPTS, workers: 3 }, 4).cpusPerTask, 6);
  assert.equal(emitPlan([], { ...OPTS, threads: 4 }, 4).cpusPerTask, 8);
  assert.equal(emitPlan([], { ...OPTS, threads: 0 }, 4).cpusPerTask, 4, '0 threads = the library default: not a count');
  assert.equal(emitPlan([], OPTS, 4).cpusPerTask, 4);
});

test('shell words: safe ones as they are, the rest single-quoted', () => {
  assert.equal(shellWord('results/runs'), 'results/runs');
  assert.equal(shellWord('/data/Affect Net'), `'/data/Affect Net'`);
  assert.equal(shellWord(`it's`), `'it'\\''s'`);
  assert.equal(shellWord('$HOME'), `'$HOME'`);
});

test('the Slurm submission script: valid bash, the array 0..n-1, the tasks, the merge after them', async () => {
  const plan = emitPlan(['-m', 'enet_b0_8_va_mtl', '--dataset', 'affectnet', '--root', '/data/Affect Net'], OPTS, 8, '/work/my lab');
  const script = slurmScript(plan, { bench: ['/usr/bin/node', '/opt/fer-bench/dist/cli/main.js'] });
  const file = join(await tempDir('emit'), 'submit.sh');
  await writeFile(file, script);
  await run('bash', ['-n', file]); // a syntax error rejects
  assert.match(script, /^#!\/usr\/bin\/env bash\n/);
  assert.match(script, /^cd '\/work\/my lab'$/m);
  assert.match(script, /^#SBATCH --array=0-7$/m);
  assert.match(script, /^#SBATCH --cpus-per-task=4$/m);
  assert.match(script, /^exec \/usr\/bin\/node \/opt\/fer-bench\/dist\/cli\/main\.js eval -m enet_b0_8_va_mtl --dataset affectnet --root '\/data\/Affect Net' --shard auto\/8$/m);
  assert.match(script, /^exec \/usr\/bin\/node \/opt\/fer-bench\/dist\/cli\/main\.js merge results\/predictions\/enet_b0_8_va_mtl-affectnet-val-\*-shard\*of8 --resamples 2000 /m);
  const files = slurmFiles(plan);
  assert.match(script, new RegExp(`^array=\\$\\(sbatch --parsable ${files.array}\\)$`, 'm'));
  assert.match(script, new RegExp(`^merge=\\$\\(sbatch --parsable --dependency=afterok:\\$\\{array\\} --kill-on-invalid-dep=yes ${files.merge}\\)$`, 'm'));
});
