import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench, type Ran } from '../models/cli-harness.js';
import { register } from '../../src/cli/commands/table.js';
import { fixtureRuns } from '../report/fixtures.js';

/** Runs `bench table ...args` in-process with stdout/stderr captured. */
function bench(args: string[]): Promise<Ran> {
  return runBench([register], ['table', ...args]);
}

async function withRuns(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fer-table-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeRuns(dir: string): Promise<string> {
  const runs = join(dir, 'runs');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(runs);
  for (const r of fixtureRuns()) await writeFile(join(runs, r.file.replace('runs/', '')), JSON.stringify(r.record));
  return runs;
}

test('bench table prints the Markdown accuracy table from a run directory', async () => {
  await withRuns(async (dir) => {
    const runs = await writeRuns(dir);
    const ran = await bench(['--runs', runs]);
    assert.equal(ran.exitCode, undefined);
    assert.equal(ran.stderr, '');
    const lines = ran.stdout.split('\n');
    assert.equal(lines[0], '|Model|AffectNet-8|AffectNet-8 pub.|AffectNet-8 Δ|AffectNet-7|AFEW (faces-detected)|AFEW (faces-detected) pub.|AFEW (faces-detected) Δ|');
    assert.equal(lines[2], '|enet_b0_8_va_mtl|61.9 [60.4, 63.4]|61.9|+0.0|-|55.2 [50.1, 60.2]|56.7|-1.5|');
    assert.ok(ran.stdout.includes(`- Left out replica runs (random weights: latency only, never accuracy): ${join(runs, 'r-affectnet.json')}.`));
  });
});

test('bench table --kind latency --format latex --out writes the file atomically and says so', async () => {
  await withRuns(async (dir) => {
    const runs = await writeRuns(dir);
    const out = join(dir, 'tables', 'latency.tex');
    const ran = await bench(['--runs', runs, '--kind', 'latency', '--format', 'latex', '--label', 'tab:lat', '--out', out]);
    assert.equal(ran.stdout, '');
    assert.equal(ran.stderr, `wrote ${out} (2 rows)\n`);
    const tex = await readFile(out, 'utf8');
    assert.ok(tex.includes('\\label{tab:lat}\n\\begin{threeparttable}\n\\begin{tabular}{lllrrrrrrrr}\n\\toprule\n'), tex);
    assert.ok(tex.includes('\\begin{tablenotes}\\footnotesize\n\\item Host: '), tex);
    assert.ok(tex.includes('\n\\item (replica) rows time a random-weight copy'), tex);
    assert.ok(tex.includes('enet\\_b2\\_8 (replica) (short run) & onnxruntime-node 1.30.0 & cpu & 2 & 1 & 25.00'));
    assert.deepEqual(await readdir(join(dir, 'tables')), ['latency.tex']);
  });
});

test('bench table --format csv --json gives the long rows, notes and text', async () => {
  await withRuns(async (dir) => {
    const runs = await writeRuns(dir);
    const ran = await bench(['--runs', runs, '--format', 'csv', '--json']);
    const json = JSON.parse(ran.stdout) as { kind: string; metric: string; rows: Array<{ metric: string; replica: boolean }>; notes: string[]; text: string };
    assert.equal(json.kind, 'eval');
    assert.equal(json.metric, 'accuracy');
    assert.equal(json.rows.length, 5);
    assert.ok(json.rows.every((r) => !r.replica));
    assert.equal(json.notes.length, 4);
    assert.ok(json.text.startsWith('model,corpus,split,release,manifestSha256,protocol,metric,value,ciLow,ciHigh,ciLevel,ciUnit,published,publishedSource,diff,'), json.text);
  });
});

test('no run records: a clear message saying where it looked and how to make some', async () => {
  await withRuns(async (dir) => {
    const missing = join(dir, 'nope');
    const ran = await bench(['--runs', missing]);
    assert.equal(ran.exitCode, 2);
    assert.equal(
      ran.stderr,
      `error[BAD_INPUT]: no run records at ${missing}: no such file or directory\n  file: ${missing}\n  fix: write run records with \`bench eval --model NAME --dataset CORPUS ...\` (accuracy) or \`bench --model NAME\` (latency), or point --runs at the directory that holds them\n`,
    );
    const ran2 = await bench(['--runs', dir]);
    assert.equal(ran2.exitCode, 2);
    assert.ok(ran2.stderr.startsWith(`error[BAD_INPUT]: no eval run records in ${dir}\n`));
  });
});

test('only latency records and --kind eval: points at --kind latency', async () => {
  await withRuns(async (dir) => {
    const [, , , , , , lat] = fixtureRuns();
    await writeFile(join(dir, 'l.json'), JSON.stringify(lat.record));
    const ran = await bench(['--runs', dir]);
    assert.equal(ran.exitCode, 2);
    assert.ok(ran.stderr.startsWith(`error[BAD_INPUT]: no eval run records in ${dir} (it holds 1 run record of another kind; try --kind latency)\n`));
  });
});

test('a bad --format is rejected by the parser', async () => {
  await assert.rejects(bench(['--format', 'html']), /argument 'html' is invalid/);
});

test('bench table --layout hsemotion --json: every README row, measured cells where runs exist, the rest marked not measured', async () => {
  await withRuns(async (dir) => {
    const runs = await writeRuns(dir);
    const ran = await bench(['--runs', runs, '--layout', 'hsemotion', '--json']);
    assert.equal(ran.exitCode, undefined, ran.stderr);
    const json = JSON.parse(ran.stdout) as { layout: string; kind: null; rows: Array<{ row: string; column: string; status: string; value: number | null }>; text: string };
    assert.equal(json.layout, 'hsemotion');
    assert.equal(json.kind, null);
    const cell = json.rows.find((r) => r.row === 'enet_b0_8_va_mtl' && r.column === 'AffectNet-8')!;
    assert.deepEqual([cell.status, cell.value], ['measured', 0.6193]);
    assert.equal(json.rows.find((r) => r.row === 'enet_b2_7' && r.column === 'AffectNet-7')!.status, 'not measured');
    assert.ok(json.text.split('\n')[0].startsWith('|Model|AffectNet-8 (%)|AffectNet-8 (%) CI|AffectNet-8 (%) pub.|AffectNet-8 (%) Δ|'), json.text);
  });
});

test('bench table --layout emo-loco --format latex --out writes the LOCO table; an unknown layout exits 2', async () => {
  await withRuns(async (dir) => {
    const runs = join(dir, 'runs');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(runs);
    // A hand-written record of the LOCO protocol (another module runs it): this checks the table, not a model.
    const { evalRecord } = await import('../report/fixtures.js');
    const record = { ...evalRecord({ model: 'emo_affectnet_resnet50', corpus: 'ravdess', protocol: 'emo-temporal', date: '2026-03-01T00:00:00.000Z', metrics: { uar: [0.64, 0.6, 0.68] } }), head: { kind: 'lstm', published: true, trainCorpora: ['aff-wild2', 'crema-d', 'savee', 'ramas', 'iemocap'] } };
    await writeFile(join(runs, 'loco.json'), JSON.stringify(record));
    const out = join(dir, 'tables', 'loco.tex');
    const ran = await bench(['--runs', runs, '--layout', 'emo-loco', '--format', 'latex', '--out', out]);
    assert.equal(ran.stderr, `wrote ${out} (6 rows)\n`);
    const tex = await readFile(out, 'utf8');
    assert.ok(tex.includes('\\begin{tabular}{llSSlS}'), tex);
    assert.ok(tex.includes('RAVDESS & Aff-Wild2 + CREMA-D + IEMOCAP + RAMAS + SAVEE & 65.8 & 64.0 & [60.0, 68.0] & -1.8 \\\\'), tex);
    const bad = await bench(['--runs', runs, '--layout', 'emoloco', '--json']);
    assert.equal(bad.exitCode, 2);
    const error = JSON.parse(bad.stdout) as { error: { message: string; fix: string } };
    assert.match(error.error.message, /unknown table layout "emoloco"\. Did you mean: emo-loco\?/);
  });
});
