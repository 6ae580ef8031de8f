/**
 * The CLI error contract, on the real `bench` in a child process: every user mistake (a bad option
 * value, a missing or unknown option, a mistyped command) exits 2 with one message naming the option
 * and the fix, never a stack trace; under --json the same error is one JSON document on stdout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBenchCli, STACK_LINE } from '../bench/tiny-model.js';

interface Case {
  args: string[];
  /** The option (or word) the message must name. */
  names: RegExp;
  /** What the fix must say. */
  fix: RegExp;
}

// Each of these once exited 1 with nothing on stdout, or ended in a stack trace (-b 0, --workers 0).
const CASES: Case[] = [
  { args: ['--batch', 'x'], names: /--batch "x": expected whole numbers ≥ 1/, fix: /--batch <sizes>.*`bench --help`/ },
  { args: ['--batch', '0'], names: /--batch "0"/, fix: /--batch <sizes>/ },
  { args: ['-t', '-1'], names: /--threads "-1": expected whole numbers ≥ 0/, fix: /--threads <counts>/ },
  { args: ['--min-runs', 'abc'], names: /--min-runs "abc": expected a whole number ≥ 0/, fix: /--min-runs <n>/ },
  { args: ['eval', '-m', 'faceapi_expression', '--dataset', 'affectnet', '-b', '0'], names: /--batch "0": expected a whole number ≥ 1/, fix: /`bench eval --help`/ },
  { args: ['eval', '-m', 'faceapi_expression', '--dataset', 'affectnet', '--workers', '0'], names: /--workers "0"/, fix: /--workers <n>/ },
  { args: ['eval', '-m', 'faceapi_expression', '--dataset', 'affectnet', '--level', '95'], names: /--level "95": levels are in \(0, 1\).*write 0\.95/, fix: /--level <p>/ },
  { args: ['eval', '-m', 'faceapi_expression'], names: /required option '--dataset <name>' not specified/, fix: /add --dataset <name> \(affectnet \| folder .* \| csv/ },
  { args: ['eval', '-m', 'faceapi_expression', '--dataset', 'affectnet', '--root'], names: /'--root <dir>' argument missing/, fix: /write --root <dir>/ },
  { args: ['score', '--bacth', '1'], names: /unknown option '--bacth'/, fix: /`bench score --help`/ },
  { args: ['evl'], names: /unknown command "evl"\. Did you mean: eval\?/, fix: /the commands are eval, demo/ },
  { args: ['pull'], names: /missing required argument 'names'/, fix: /`bench pull --help`/ },
];

for (const c of CASES) {
  test(`bench ${c.args.join(' ')}: exit 2, names the option and the fix`, async () => {
    const text = await runBenchCli(c.args);
    assert.equal(text.code, 2, text.stderr);
    assert.equal(text.stdout, '');
    assert.match(text.stderr, /^error\[BAD_OPTION\]: /);
    assert.match(text.stderr, c.names);
    assert.match(text.stderr, /\n {2}fix: /);
    assert.match(text.stderr, c.fix);
    assert.doesNotMatch(text.stderr, STACK_LINE);
    assert.equal(text.stderr.trim().split('\n').length, 2, 'one message: the error and its fix');

    // --json right after the command word, so it is never read as the value of a trailing option.
    const at = c.args[0]?.startsWith('-') ? 0 : 1;
    const json = await runBenchCli([...c.args.slice(0, at), '--json', ...c.args.slice(at)]);
    assert.equal(json.code, 2, json.stderr);
    assert.equal(json.stderr, '', 'nothing but the JSON document');
    const { error, ...rest } = JSON.parse(json.stdout) as { error: { code: string; message: string; fix: string } };
    assert.deepEqual(Object.keys(rest), []);
    assert.equal(error.code, 'BAD_OPTION');
    assert.match(error.message, c.names);
    assert.match(error.fix, c.fix);
  });
}

test('--help is not an error: exit 0, the help on stdout', async () => {
  const ran = await runBenchCli(['eval', '--help']);
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stdout, /^Usage: bench eval \[options\]/);
  assert.equal(ran.stderr, '');
});

test('printWrote and rowsWritten: a CSV reports its long data rows, other formats their display rows', async () => {
  const { printWrote, rowsWritten } = await import('../../src/cli/output.js');
  const table = { rows: [{}, {}], data: [{}, {}, {}, {}, {}] };
  assert.equal(rowsWritten('csv', table), 5);
  assert.equal(rowsWritten('markdown', table), 2);
  let err = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    printWrote('t.csv', 1);
    printWrote('t.csv', 5);
  } finally {
    process.stderr.write = write;
  }
  assert.equal(err, 'wrote t.csv (1 row)\nwrote t.csv (5 rows)\n');
});
