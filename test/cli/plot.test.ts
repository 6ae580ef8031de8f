import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import sharp from 'sharp';
import { register } from '../../src/cli/commands/plot.js';
import { runBench, type Ran } from '../models/cli-harness.js';
import { evalRuns, latencyRuns, trainedRuns } from '../report/figures-fixtures.js';

function bench(args: string[]): Promise<Ran> {
  return runBench([register], ['plot', ...args]);
}

/** A temporary directory holding the figure tests' run records as files. */
async function withRuns(fn: (runs: string, dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fer-plot-'));
  try {
    const runs = join(dir, 'runs');
    await mkdir(runs);
    for (const r of [...evalRuns(), ...latencyRuns(), ...trainedRuns()]) await writeFile(join(runs, basename(r.file)), JSON.stringify(r.record));
    await fn(runs, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('bench plot confusion writes one SVG per eval run and prints the files', async () => {
  await withRuns(async (runs, dir) => {
    const out = join(dir, 'figs');
    const ran = await bench(['confusion', '--runs', runs, '--out', out]);
    assert.equal(ran.exitCode, undefined, ran.stderr);
    const names = ['confusion-enet_b0_8_best_afew-AffectNet-7.svg', 'confusion-enet_b0_8_best_afew-AFEW-faces-detected.svg', 'confusion-faceapi_expression-demo-AffectNet-7.svg'];
    assert.deepEqual(ran.stdout.trim().split('\n'), names.map((n) => join(out, n)));
    assert.deepEqual((await readdir(out)).sort(), [...names].sort(), 'no temporary files left');
    const svg = await readFile(join(out, names[2]), 'utf8');
    assert.match(svg, /^<svg /);
    assert.ok(svg.includes('faceapi_expression (demo) on AffectNet-7'));
    assert.ok(ran.stderr.includes('note: Replica runs are never drawn in accuracy figures; left out: '), 'the replica is named');
    assert.ok(ran.stderr.endsWith(`wrote 3 files (3 figures) to ${out}\n`));
  });
});

test('bench plot latency --format svg,png --scale 1 writes both formats; PNGs are images of the SVG size', async () => {
  await withRuns(async (runs, dir) => {
    const out = join(dir, 'figs');
    const ran = await bench(['latency', '--runs', runs, '--out', out, '--format', 'svg,png', '--scale', '1']);
    assert.equal(ran.exitCode, undefined, ran.stderr);
    assert.deepEqual((await readdir(out)).sort(), ['latency-cdf.png', 'latency-cdf.svg', 'latency-violin.png', 'latency-violin.svg']);
    const svg = await readFile(join(out, 'latency-cdf.svg'), 'utf8');
    const width = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
    const meta = await sharp(await readFile(join(out, 'latency-cdf.png'))).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.width, Math.round(width));
    assert.ok(ran.stderr.includes('latency-3.json'), 'the run without samples is named');
  });
});

test('bench plot loco --json lists the files and notes; --metric picks the metric', async () => {
  await withRuns(async (runs, dir) => {
    const out = join(dir, 'figs');
    const ran = await bench(['loco', '--runs', runs, '--out', out, '--metric', 'accuracy', '--json']);
    assert.equal(ran.exitCode, undefined, ran.stderr);
    const doc = JSON.parse(ran.stdout) as { kind: string; metric: string; files: Array<{ file: string; format: string; bytes: number }>; notes: string[] };
    assert.equal(doc.kind, 'loco');
    assert.equal(doc.metric, 'accuracy');
    assert.equal(doc.files.length, 1);
    assert.equal(doc.files[0].file, join(out, 'loco-accuracy.svg'));
    assert.equal(doc.files[0].bytes, (await readFile(doc.files[0].file)).length);
    assert.ok((await readFile(doc.files[0].file, 'utf8')).includes('Accuracy (%)'));
  });
});

test('bench plot: an unknown kind, a missing run directory and a bad record exit 2 with the fix', async () => {
  await withRuns(async (runs, dir) => {
    const unknown = await bench(['recal', '--runs', runs]);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /unknown figure kind "recal"\. Did you mean: recall\?/);
    const missing = await bench(['recall', '--runs', join(dir, 'nope')]);
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /no run records at .*nope/);
    await writeFile(join(runs, 'zz-broken.json'), '{"kind": "eval"');
    const broken = await bench(['coverage', '--runs', runs, '--out', join(dir, 'figs')]);
    assert.equal(broken.exitCode, 2);
    assert.match(broken.stderr, /zz-broken\.json is not valid JSON/);
    await assert.rejects(readdir(join(dir, 'figs')), 'nothing written');
    const nothing = await bench(['cross-corpus', '--runs', join(runs, 'latency-0.json')]);
    assert.equal(nothing.exitCode, 2);
    assert.match(nothing.stderr, /nothing to plot: no eval run record names the corpora its head was trained on/);
    assert.match(nothing.stderr, /fix: /);
  });
});

test('bench plot --help lists every kind with examples', () => {
  const program = new Command('bench');
  register(program);
  let text = '';
  program.commands.find((c) => c.name() === 'plot')!.configureOutput({ writeOut: (s) => (text += s) }).outputHelp();
  for (const kind of ['confusion', 'recall', 'latency', 'coverage', 'loco', 'cross-corpus']) assert.match(text, new RegExp(`\\n  ${kind} +\\S`), kind);
  assert.ok(text.includes('bench plot recall --format svg,png'));
});
