/**
 * Advice that works: every BenchError carries a fix, every command a fix (or any message) names exists
 * with the options it names, and the fixes that once sent users wrong are followed here and succeed
 * (WEIGHTS_MISSING in `bench eval` named eval's non-existent --replica; a photo passed as --weights or a
 * replica failing on a GPU provider was called a corrupt file to delete).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import sharp from 'sharp';
import { createProgram } from '../../src/cli/program.js';
import { getModel } from '../../src/models/zoo.js';
import { createOnnxEngine } from '../../src/models/engines/onnx.js';
import { BenchError } from '../../src/errors.js';
import { REPO_ROOT, runBenchCli } from '../bench/tiny-model.js';
import { tempDir } from '../datasets/tmpdir.js';

const SRC = join(REPO_ROOT, 'src');

function sources(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: relative(REPO_ROOT, join(dir, f)), text: readFileSync(join(dir, f), 'utf8') }));
}

/** The text of each `new BenchError(…)` call: balanced parentheses from the opening one, string contents skipped. */
function benchErrorCalls(text: string): string[] {
  const calls: string[] = [];
  for (let at = text.indexOf('new BenchError('); at >= 0; at = text.indexOf('new BenchError(', at + 1)) {
    let depth = 0;
    let i = at + 'new BenchError'.length;
    do {
      const ch = text[i];
      if (ch === "'" || ch === '"' || ch === '`') {
        for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === '\\') i++;
      } else if (ch === '(') depth++;
      else if (ch === ')') depth--;
      i++;
    } while (depth > 0 && i < text.length);
    calls.push(text.slice(at, i));
  }
  return calls;
}

test('every BenchError in src/ is thrown with a fix', () => {
  const without: string[] = [];
  let total = 0;
  for (const { file, text } of sources(SRC)) {
    for (const call of benchErrorCalls(text)) {
      total++;
      if (!/\bfix\b/.test(call)) without.push(`${file}: ${call.slice(0, 100)}`);
    }
  }
  assert.ok(total > 100, `found ${total} BenchError calls: the scan is broken`);
  assert.deepEqual(without, []);
});

function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(allCommands)];
}

test('every `bench …` command quoted in src/ exists, with every option it names', () => {
  const program = createProgram();
  const byName = new Map(program.commands.map((c) => [c.name(), c]));
  const problems: string[] = [];
  let quoted = 0;
  for (const { file, text } of sources(SRC)) {
    for (const m of text.matchAll(/\\?`(bench(?: [^`\\]*)?)\\?`/g)) {
      quoted++;
      const words = m[1].split(/\s+/).slice(1);
      const sub = words[0] && !words[0].startsWith('-') ? byName.get(words[0]) : undefined;
      if (words[0] && !words[0].startsWith('-') && !sub && !/^[A-Z<[$]/.test(words[0])) problems.push(`${file}: \`${m[1]}\`: no command "${words[0]}"`);
      const cmd = sub ?? program;
      for (const flag of words.filter((w) => w.startsWith('--') && w !== '--help')) {
        if (!cmd.options.some((o) => o.long === flag)) problems.push(`${file}: \`${m[1]}\`: ${cmd.name()} has no ${flag}`);
      }
    }
  }
  assert.ok(quoted > 30, `found ${quoted} quoted commands: the scan is broken`);
  assert.deepEqual(problems, []);
});

test('every --option a fix names is an option of some bench command', () => {
  const flags = new Set(allCommands(createProgram()).flatMap((c) => c.options.map((o) => o.long)));
  const problems: string[] = [];
  for (const { file, text } of sources(SRC)) {
    for (const call of benchErrorCalls(text)) {
      const fix = call.slice(call.search(/\bfix\b/));
      for (const [flag] of fix.matchAll(/--[a-z][a-z0-9-]*/g)) if (!flags.has(flag)) problems.push(`${file}: ${flag}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('WEIGHTS_MISSING in bench eval: the fix names no eval option that does not exist, and its latency command runs', async () => {
  const env = { FER_BENCH_CACHE: await tempDir('fix-cache'), FER_BENCH_ZOO: undefined };
  const cwd = await tempDir('fix-cwd');
  const ran = await runBenchCli(['eval', '-m', 'enet_b0_8_best_afew', '--dataset', 'folder', '--root', cwd, '--json'], { env, cwd });
  assert.equal(ran.code, 2, ran.stderr);
  const { error } = JSON.parse(ran.stdout) as { error: { code: string; fix: string } };
  assert.equal(error.code, 'WEIGHTS_MISSING');
  assert.match(error.fix, /bench pull enet_b0_8_best_afew/);
  assert.doesNotMatch(error.fix, /add --replica/);
  const latency = error.fix.match(/`(bench --model \S+ --replica)`/);
  assert.ok(latency, error.fix);
  // Followed as written (shortened so the test is quick): it succeeds.
  const followed = await runBenchCli([...latency[1].split(' ').slice(1), '--min-runs', '1', '--min-duration', '0', '--warmup', '0', '--no-save', '--json'], { env, cwd });
  assert.equal(followed.code, 0, followed.stderr);
  assert.equal((JSON.parse(followed.stdout) as Array<{ replica: boolean }>)[0].replica, true);
});

test('a photo passed as --weights is named as a photo, never called corrupt or to be deleted', async () => {
  const dir = await tempDir('fix-photo');
  const photo = join(dir, 'me.jpg');
  await sharp(join(REPO_ROOT, 'test', 'fixtures', 'faces', 'astronaut.png')).jpeg().toFile(photo);
  const ran = await runBenchCli(['--model', 'enet_b0_8_best_afew', '--weights', photo, '--min-runs', '1', '--no-save', '--json']);
  assert.equal(ran.code, 2, ran.stderr);
  const { error } = JSON.parse(ran.stdout) as { error: { code: string; fix: string } };
  assert.equal(error.code, 'UNSUPPORTED_FORMAT');
  assert.match(error.fix, /me\.jpg is a JPEG image: pass the ONNX file of enet_b0_8_best_afew with --weights, or leave --weights out/);
  assert.doesNotMatch(error.fix, /delete|corrupt|damaged/);
});

test('an in-memory graph that fails to load on a GPU provider is not called a file to delete', async () => {
  const card = getModel('enet_b0_8_best_afew');
  await assert.rejects(createOnnxEngine(card, { bytes: new Uint8Array([1, 2, 3, 4]) }, { device: 'webgpu' }), (e: unknown) => {
    assert.ok(e instanceof BenchError);
    assert.equal(e.code, 'DEVICE_UNAVAILABLE');
    assert.doesNotMatch(e.fix ?? '', /delete|corrupt/);
    return true;
  });
  await assert.rejects(createOnnxEngine(card, { bytes: new Uint8Array([1, 2, 3, 4]) }), (e: unknown) => {
    assert.ok(e instanceof BenchError);
    assert.equal(e.code, 'UNSUPPORTED_FORMAT');
    assert.match(e.message, /<in-memory enet_b0_8_best_afew> on cpu/);
    assert.doesNotMatch(e.fix ?? '', /delete|corrupt/);
    return true;
  });
});
