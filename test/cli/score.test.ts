import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'bench-score-'));
function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Runs the real `bench score …` (the whole program, its error contract included) in a child process, so stdout is the command's own. */
const programModule = pathToFileURL(join(import.meta.dirname, '../../src/cli/program.ts')).href;
const script = `
import { createProgram, runCli } from ${JSON.stringify(programModule)};
process.exitCode = await runCli(createProgram(), ['node', 'bench', 'score', ...process.argv.slice(1)]);
`;
function run(args: string[]): { stdout: string; stderr: string; exitCode: number | null } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status };
}

// rows = true: anger → [2,1,0], happy → [0,1,1], sad → [0,0,0]; "sad" never true, predicted once
const preds = csv(
  'preds.csv',
  ['id,group,label,pred,score_anger,score_happy,score_sad', '1,c1,anger,anger,0.7,0.2,0.1', '2,c1,anger,anger,0.6,0.3,0.1', '3,c2,anger,happy,0.3,0.6,0.1', '4,c2,happy,happy,0.1,0.8,0.1', '5,c3,happy,sad,0.1,0.3,0.6'].join('\n') + '\n',
);

test('--json prints the full report with CIs', () => {
  const r = run(['--csv', preds, '--json', '--resamples', '300', '--seed', '5']);
  assert.equal(r.exitCode, 0);
  const report = JSON.parse(r.stdout);
  assert.equal(report.file, preds);
  assert.deepEqual(report.classes, ['anger', 'happiness', 'sadness'], 'emotion names read as bench eval reads them');
  assert.deepEqual(report.confusion, [
    [2, 1, 0],
    [0, 1, 1],
    [0, 0, 0],
  ]);
  assert.equal(report.metrics.accuracy.value, 3 / 5);
  assert.equal(report.metrics.uar.value, (2 / 3 + 1 / 2) / 2);
  assert.equal(report.metrics['f1/sadness'].value, 0);
  assert.equal(report.metrics.top2Accuracy.value, 1);
  assert.deepEqual(report.ci, { resamples: 300, level: 0.95, seed: 5, unit: 'item', groups: 3 });
  assert.equal(report.metrics.accuracy.ci.seed, 5);
});

test('the default output is a readable table, and --group-ci resamples the groups', () => {
  const r = run(['--csv', preds, '--group-ci', '--resamples', '200', '--level', '0.9']);
  assert.equal(r.exitCode, 0);
  assert.match(r.stdout, /5 items, 3 classes; 90% percentile bootstrap CI, 200 resamples of 3 groups, seed 0/);
  // One unit per quantity: rates in percent with one decimal.
  assert.match(r.stdout, /^Accuracy \(%\) +60\.0 \[\d+\.\d, \d+\.\d\]$/m);
  assert.match(r.stdout, /^Top-2 accuracy \(%\) +100\.0 \[100\.0, 100\.0\]$/m);
  assert.match(r.stdout, /^sadness +0 +0\.0 \[/m);
  assert.match(r.stdout, /^anger +2 +1 +0$/m);
  // Confusion headers are the full class names.
  assert.match(r.stdout, /^ +anger +happiness +sadness$/m);

  const two = run(['--csv', preds, '--resamples', '0', '--percent-decimals', '2']);
  assert.match(two.stdout, /^Accuracy \(%\) +60\.00$/m);
});

test('--classes fixes the class list (indices accepted) and --resamples 0 drops the CIs', () => {
  const file = csv('idx.csv', 'label,pred\n0,0\n1,2\nneutral,neutral\n');
  const r = run(['--csv', file, '--classes', 'neutral,happy,sad,anger', '--resamples', '0', '--json']);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report.classes, ['neutral', 'happiness', 'sadness', 'anger']);
  assert.equal(report.metrics.accuracy.value, 2 / 3);
  assert.equal(report.metrics.macroF1.value, (1 + 0 + 0 + 0) / 4);
  assert.equal(report.ci, null);
  assert.equal(report.metrics.accuracy.ci, undefined);
});

test('bad input: a BenchError naming the file, the line and the fix, exit code 2', () => {
  const bad = csv('bad.csv', 'label,pred\nanger,happy\nangr,happy\n');
  const r = run(['--csv', bad, '--classes', 'anger,happy']);
  assert.equal(r.exitCode, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^error\[BAD_CSV\]: line 3: label "angr" is not one of the 2 classes \(anger, happiness\)\. Did you mean: anger/);

  // A typo in pred is not a new class (it would change macro-F1): an error with a did-you-mean.
  const typo = run(['--csv', csv('typo.csv', 'label,pred\nanger,anger\nhappy,hapy\nsad,sad\n')]);
  assert.equal(typo.exitCode, 2);
  assert.match(typo.stderr, /^error\[BAD_CSV\]: line 3: pred "hapy" is not an emotion name\. Did you mean: happiness\?/);
  assert.match(r.stderr, new RegExp(`file: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, row 3`));
  assert.match(r.stderr, /fix: /);

  const missing = run(['--csv', join(dir, 'nope.csv')]);
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /error\[BAD_INPUT\]: cannot read .*nope\.csv: ENOENT/);

  const noGroup = run(['--csv', csv('ng.csv', 'label,pred\na,a\n'), '--group-ci']);
  assert.match(noGroup.stderr, /--group-ci needs a "group" column/);
});

test('a bad option value is a user error: exit code 2, the option named, the fix; JSON on stdout under --json', () => {
  const r = run(['--csv', preds, '--level', '2']);
  assert.equal(r.exitCode, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^error\[BAD_OPTION\]: --level "2": levels are in \(0, 1\)/);
  assert.match(r.stderr, /fix: write --level <p> \(confidence level\); `bench score --help`/);

  const json = run(['--csv', preds, '--level', '95', '--json']);
  assert.equal(json.exitCode, 2);
  assert.equal(json.stderr, '');
  const { error } = JSON.parse(json.stdout) as { error: { code: string; message: string } };
  assert.equal(error.code, 'BAD_OPTION');
  assert.match(error.message, /for 95% write 0\.95/);
});
