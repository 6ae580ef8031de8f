/**
 * Latency runs as the user watches them: each configuration's result prints as it finishes, the bar's
 * summary counts the calls the run really timed (n, not --min-runs), the label carries the engine's
 * thread count (as the record does), and Ctrl-C says what was saved and the command that runs the rest.
 * In-process, so the Ctrl-C is delivered at a known point (right after the first result is printed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgram, runCli } from '../../src/cli/program.js';
import { interruptedSummary, projectedRuns } from '../../src/cli/commands/latency.js';

async function runInProcess(args: string[], onStdout: (text: string) => void): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'string') return (out as (...a: unknown[]) => boolean)(chunk, ...rest);
    stdout += chunk;
    onStdout(stdout);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' ? ((stderr += chunk), true) : (err as (...a: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stderr.write;
  const before = process.exitCode;
  try {
    const code = await runCli(createProgram(), ['node', 'bench', ...args]);
    return { stdout, stderr, code };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = before;
  }
}

test('Ctrl-C after the first of two configurations: its result was printed, the summary names it and the command for the rest', async () => {
  let sent = false;
  const ran = await runInProcess(['--model', 'faceapi_expression', '-b', '1,2', '--min-runs', '3', '--min-duration', '0', '--warmup', '0', '--no-save'], (text) => {
    if (!sent && /throughput .* over n = \d+ calls/.test(text)) {
      sent = true;
      process.emit('SIGINT');
    }
  });
  assert.ok(sent, ran.stderr);
  assert.equal(ran.code, 130);
  assert.equal(ran.stdout.match(/^faceapi_expression/gm)?.length, 1, 'one configuration reported');
  const n = Number(ran.stdout.match(/over n = (\d+) calls/)![1]);
  const threads = ran.stdout.match(/threads (\S+), batch 1/)![1];
  // The bar's summary: the calls really timed, under the thread count the record carries.
  assert.match(ran.stderr, new RegExp(`^faceapi_expression b1 t${threads}: ${n} runs in `, 'm'));
  assert.match(ran.stderr, /interrupted: 1 of 2 configuration\(s\) finished\./);
  assert.match(ran.stderr, new RegExp(`saved {3}b1 t${threads}: \\(not saved: --no-save\\)`));
  assert.match(ran.stderr, /to run the rest:\n {4}bench --model faceapi_expression -t 0 -b 2/);
  assert.equal(process.listenerCount('SIGINT'), 0, 'the handler is removed');
});

test('projectedRuns: --min-runs until the rate shows --min-duration needs more, capped by --max-duration', () => {
  const o = { minRuns: 100, minDuration: 5000, maxDuration: 60000 };
  assert.equal(projectedRuns(0, 0, o), 100);
  assert.equal(projectedRuns(10, 1000, o), 100); // 10/s → 50 for 5 s: --min-runs rules
  assert.equal(projectedRuns(60, 1000, o), 300); // 60/s → 300 for 5 s
  assert.equal(projectedRuns(1, 1000, { ...o, maxDuration: 2000 }), 2); // the cap: 2 calls in 2 s
  assert.equal(projectedRuns(306, 5001, o), 306); // never below what was done
});

test('interruptedSummary groups the remaining configurations by thread count', () => {
  const text = interruptedSummary('m', [{ threads: 1, batch: 1, file: 'results/runs/a.json' }], [
    { threads: 1, batch: 8 },
    { threads: 2, batch: 1 },
    { threads: 2, batch: 8 },
  ]);
  assert.equal(
    text,
    [
      'interrupted: 1 of 4 configuration(s) finished.',
      '  saved   b1 t1: results/runs/a.json',
      '  to run the rest:',
      '    bench --model m -t 1 -b 8 (plus your other options)',
      '    bench --model m -t 2 -b 1,8 (plus your other options)',
      '',
    ].join('\n'),
  );
});
