import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from '../../src/cli/commands/models.js';
import { defaultZooPath } from '../../src/models/zoo.js';
import { runBench } from '../models/cli-harness.js';

// Hermetic: an empty cache, no user zoo, and a working directory whose models/ we control.
const tmp = mkdtempSync(join(tmpdir(), 'fer-cli-models-'));
process.env.FER_BENCH_CACHE = join(tmp, 'cache');
delete process.env.FER_BENCH_ZOO;
mkdirSync(join(tmp, 'cwd', 'models'), { recursive: true });
process.chdir(join(tmp, 'cwd'));

const bench = (...args: string[]) => runBench([register], ['models', ...args]);

interface Row {
  name: string;
  format: string;
  input: string;
  classes: string[];
  heads: string;
  published: { affectnet8: number | null; affectnet7: number | null };
  weights: { status: string; path: string | null; verified: boolean | string | null; searched?: string[] };
}

test('bench models --json lists every card with its weights status', async () => {
  const ran = await bench('--json');
  assert.equal(ran.exitCode, undefined, ran.stderr);
  const out = JSON.parse(ran.stdout) as { cacheDir: string; models: Row[] };
  assert.equal(out.cacheDir, join(tmp, 'cache'));
  const byName = new Map(out.models.map((m) => [m.name, m]));
  assert.ok(byName.size >= 13);
  const mtl = byName.get('enet_b0_8_va_mtl')!;
  assert.deepEqual(
    { format: mtl.format, input: mtl.input, n: mtl.classes.length, heads: mtl.heads, pub: mtl.published, status: mtl.weights.status },
    { format: 'onnx', input: '224 RGB NCHW', n: 8, heads: '8 logits+VA+emb1280', pub: { affectnet8: 61.93, affectnet7: 64.94 }, status: 'missing' },
  );
  assert.ok(mtl.weights.searched!.includes(join(tmp, 'cache', 'enet_b0_8_va_mtl.onnx')));
  assert.equal(byName.get('mobilenet_7')!.published.affectnet8, null);
  assert.equal(byName.get('faceapi_expression')!.weights.status, 'bundled (no published sha256)');
});

test('files dropped into ./models are hashed and judged against the published checksum', async () => {
  writeFileSync(join(tmp, 'cwd', 'models', 'enet_b0_8_va_mtl.onnx'), 'not the published file');
  writeFileSync(join(tmp, 'cwd', 'models', 'enet_b2_8.onnx'), 'some file');
  const rows = new Map((JSON.parse((await bench('--json')).stdout).models as Row[]).map((m) => [m.name, m]));
  assert.equal(rows.get('enet_b0_8_va_mtl')!.weights.status, 'CHECKSUM MISMATCH');
  assert.equal(rows.get('enet_b0_8_va_mtl')!.weights.verified, false);
  assert.equal(rows.get('enet_b2_8')!.weights.status, 'present (no published sha256)');
  assert.equal(rows.get('enet_b2_8')!.weights.path, join(tmp, 'cwd', 'models', 'enet_b2_8.onnx'));

  const text = await bench();
  assert.equal(text.exitCode, undefined);
  const header = text.stdout.split('\n')[0]!;
  for (const h of ['name', 'format', 'input', 'heads', 'AN-8', 'AN-7', 'weights']) assert.match(header, new RegExp(h));
  assert.match(text.stdout, /enet_b0_8_va_mtl\s+onnx\s+224 RGB NCHW\s+8 logits\+VA\+emb1280\s+61\.9\s+64\.9\s+MISMATCH/);
  const widest = Math.max(...text.stdout.split('\n').map((l) => l.length));
  assert.ok(widest <= 100, `bench models fits 100 columns (widest line: ${widest})`);
  assert.match(text.stdout, /weights cache: /);
});

test('bench models NAME shows the full card; --json gives the card and the lookup', async () => {
  const text = await bench('emo_affectnet_resnet50');
  assert.equal(text.exitCode, undefined, text.stderr);
  assert.match(text.stdout, /export .*torch\.onnx\.export/);
  assert.match(text.stdout, /ravdess\s+loco-lstm\s+uar\s+65\.8/);
  assert.match(text.stdout, /224x224 BGR NCHW/);

  const json = JSON.parse((await bench('enet_b0_8_va_mtl', '--json')).stdout);
  assert.equal(json.card.weights.sha256, 'c43e056ad388d4a8dc911832b8291435b2af537f967e5870ebd731574ec7e812');
  assert.equal(json.weights.status, 'found');
});

test('an unknown model: did you mean, exit code 2, no stack trace', async () => {
  const ran = await bench('enet_b2_8_bst');
  assert.equal(ran.exitCode, 2);
  assert.equal(ran.stdout, '');
  assert.match(ran.stderr, /error\[UNKNOWN_MODEL\]: unknown model "enet_b2_8_bst"\. Did you mean: [^?]*enet_b2_8_best/);
  assert.doesNotMatch(ran.stderr, /\n\s+at /);
});

test('--zoo merges a user zoo; a broken one is reported with the file and field', async () => {
  const raw = JSON.parse(readFileSync(defaultZooPath(), 'utf8'));
  const mine = { ...raw.models.find((m: { name: string }) => m.name === 'enet_b2_8'), name: 'my_b2' };
  const good = join(tmp, 'user.json');
  writeFileSync(good, JSON.stringify({ schemaVersion: 1, models: [mine] }));
  const rows = JSON.parse((await bench('--zoo', good, '--json')).stdout).models as Row[];
  assert.equal(rows.at(-1)!.name, 'my_b2');

  const bad = join(tmp, 'bad.json');
  writeFileSync(bad, JSON.stringify({ schemaVersion: 1, models: [{ ...mine, classes: ['anger', 'joy'] }] }));
  const ran = await bench('--zoo', bad);
  assert.equal(ran.exitCode, 2);
  assert.match(ran.stderr, /error\[BAD_MANIFEST\]: models\[0\] \(my_b2\) field classes\.1/);
  assert.match(ran.stderr, new RegExp(`file: ${bad}`));
});
