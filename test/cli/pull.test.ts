import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register as registerModels } from '../../src/cli/commands/models.js';
import { register as registerPull } from '../../src/cli/commands/pull.js';
import { createProgress, formatAmount } from '../../src/cli/progress.js';
import { defaultZooPath } from '../../src/models/zoo.js';
import { runBench } from '../models/cli-harness.js';
import { startFileServer, type FileServer } from '../models/http-fixture.js';

const tmp = mkdtempSync(join(tmpdir(), 'fer-cli-pull-'));
const cache = join(tmp, 'cache');
process.env.FER_BENCH_CACHE = cache;
delete process.env.FER_BENCH_ZOO;
mkdirSync(join(tmp, 'cwd', 'models'), { recursive: true });
process.chdir(join(tmp, 'cwd'));

let server: FileServer;
let zoo: string;

before(async () => {
  server = await startFileServer(200_000);
  // A user zoo whose cards point at the local server: one with the right sha256, one with a wrong one.
  const raw = JSON.parse(readFileSync(defaultZooPath(), 'utf8'));
  const base = raw.models.find((m: { name: string }) => m.name === 'enet_b2_8');
  const card = (name: string, sha256: string | undefined, path = '/file.bin') => ({
    ...base,
    name,
    weights: { name: `${name}.onnx`, format: 'onnx', url: `${server.base}${path}`, ...(sha256 ? { sha256 } : {}) },
  });
  zoo = join(tmp, 'zoo.json');
  writeFileSync(
    zoo,
    JSON.stringify({
      schemaVersion: 1,
      models: [card('local_good', server.sha256), card('local_bad', 'e'.repeat(64)), card('local_nosha', undefined), card('local_404', undefined, '/gone')],
    }),
  );
});
after(async () => {
  await server.close();
});

const bench = (...args: string[]) => runBench([registerPull, registerModels], args);

test('bench pull downloads into the cache, verifies, and reports JSON', async () => {
  const ran = await bench('pull', 'local_good', '--zoo', zoo, '--json');
  assert.equal(ran.exitCode, undefined, ran.stderr);
  const [out] = JSON.parse(ran.stdout);
  assert.deepEqual(
    { status: out.status, path: out.path, verified: out.verified, sha256: out.sha256, size: out.sizeBytes },
    { status: 'downloaded', path: join(cache, 'local_good.onnx'), verified: true, sha256: server.sha256, size: 200_000 },
  );
  assert.ok(readFileSync(join(cache, 'local_good.onnx')).equals(server.content));
  // No bar off a terminal or with --json, but the one-line summary on stderr.
  assert.match(ran.stderr, /^local_good\.onnx: 195\.3 KiB in [\d.]+ s; downloaded\n$/);

  // bench models now sees a verified file.
  const rows = JSON.parse((await bench('models', '--zoo', zoo, '--json')).stdout).models;
  assert.equal(rows.find((r: { name: string }) => r.name === 'local_good').weights.status, 'verified');

  // Pulling again is a no-op.
  const again = JSON.parse((await bench('pull', 'local_good', '--zoo', zoo, '--json')).stdout);
  assert.equal(again[0].status, 'present');
});

test('bench pull resumes a partial download', async () => {
  writeFileSync(join(cache, 'local_nosha.onnx.part'), server.content.subarray(0, 5000));
  const ran = await bench('pull', 'local_nosha', '--zoo', zoo);
  assert.equal(ran.exitCode, undefined, ran.stderr);
  assert.match(ran.stdout, /local_nosha: downloaded to .*local_nosha\.onnx \(resumed from byte 5000\); no published checksum; the local file's sha256 [0-9a-f]{64} is recorded in the run record/);
  assert.equal(server.requests.at(-1), '/file.bin bytes=5000-');
  assert.ok(readFileSync(join(cache, 'local_nosha.onnx')).equals(server.content));
});

test('a checksum mismatch deletes the download and fails with exit code 2', async () => {
  const ran = await bench('pull', 'local_bad', '--zoo', zoo);
  assert.equal(ran.exitCode, 2);
  assert.match(ran.stderr, /error\[CHECKSUM_MISMATCH\]: downloaded local_bad\.onnx does not match the published checksum: expected sha256 e{64}, got [0-9a-f]{64}/);
  assert.match(ran.stderr, new RegExp(`file: ${join(cache, 'local_bad.onnx')}`));
  assert.match(ran.stderr, /fix: /);
  assert.doesNotMatch(ran.stderr, /\n\s+at /);
  assert.ok(!existsSync(join(cache, 'local_bad.onnx')));
  assert.ok(!existsSync(join(cache, 'local_bad.onnx.part')));
});

test('bench pull A B C continues past a failure and reports each', async () => {
  const ran = await bench('pull', 'local_404', 'local_good', 'local_bad', '--zoo', zoo, '--force');
  assert.equal(ran.exitCode, 2);
  assert.match(ran.stdout, /^local_good: downloaded to /m);
  assert.match(ran.stderr, /^local_404: error\[DOWNLOAD_FAILED\]/m);
  assert.match(ran.stderr, /^local_bad: error\[CHECKSUM_MISMATCH\]/m);
  assert.match(ran.stderr, /2 of 3 failed: local_404, local_bad; the others are ready\n$/);

  const json = await bench('pull', 'local_404', 'local_good', '--zoo', zoo, '--json');
  assert.equal(json.exitCode, 2);
  const out = JSON.parse(json.stdout) as Array<{ name: string; status: string; error?: { code: string } }>;
  assert.deepEqual(out.map((o) => [o.name, o.status, o.error?.code]), [
    ['local_404', 'failed', 'DOWNLOAD_FAILED'],
    ['local_good', 'present', undefined],
  ]);
});

test('HTTP 404 names the URL and the manual fix', async () => {
  const ran = await bench('pull', 'local_404', '--zoo', zoo);
  assert.equal(ran.exitCode, 2);
  assert.match(ran.stderr, /error\[DOWNLOAD_FAILED\]: cannot download local_404 from http:\/\/127\.0\.0\.1:\d+\/gone: HTTP 404/);
  assert.match(ran.stderr, /download http:\/\/127\.0\.0\.1:\d+\/gone yourself and place it at /);
});

test('--url and --dest override the card', async () => {
  const dest = join(tmp, 'elsewhere');
  const ran = await bench('pull', 'local_404', '--zoo', zoo, '--url', `${server.base}/redirect/file.bin`, '--dest', dest, '--json');
  assert.equal(ran.exitCode, undefined, ran.stderr);
  assert.equal(JSON.parse(ran.stdout)[0].path, join(dest, 'local_404.onnx'));
});

test('unknown names are caught before anything is downloaded', async () => {
  const before = server.requests.length;
  const ran = await bench('pull', 'local_good', 'enet_b0_8_va_mt', '--zoo', zoo);
  assert.equal(ran.exitCode, 2);
  assert.match(ran.stderr, /unknown model "enet_b0_8_va_mt"\. Did you mean: [^?]*enet_b0_8_va_mtl/);
  assert.equal(server.requests.length, before);
  const many = await bench('pull', 'local_good', 'local_nosha', '--url', server.base, '--zoo', zoo);
  assert.equal(many.exitCode, 2);
  assert.match(many.stderr, /--url names one file/);
});

test('the bundled face-api model needs no download', async () => {
  const ran = await bench('pull', 'faceapi_expression', '--json');
  assert.equal(ran.exitCode, undefined, ran.stderr);
  const [out] = JSON.parse(ran.stdout);
  assert.equal(out.status, 'bundled');
  assert.equal(out.verified, 'no-published-checksum');
});

/** A stream that records what is written; `isTTY` as asked. */
function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    columns: 100,
    write: (s: string) => (chunks.push(String(s)), true),
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  };
  return { stream: stream as unknown as NodeJS.WritableStream & { isTTY?: boolean }, text: () => chunks.join('') };
}

test('progress: off a terminal only the summary line is written', () => {
  const f = fakeStream(false);
  const p = createProgress({ total: 10, label: 'scoring', unit: 'images', stream: f.stream, json: false, quiet: false });
  for (let i = 0; i < 10; i++) p.tick(1, { skipped: 0 });
  p.stop('2 skipped');
  p.stop('again'); // idempotent
  assert.match(f.text(), /^scoring: 10 images in [\d.]+ s; 2 skipped\n$/);
});

test('progress: on a terminal it draws a bar, and --json/--quiet silence it', () => {
  const tty = fakeStream(true);
  const p = createProgress({ total: 4, label: 'latency', unit: 'runs', stream: tty.stream, json: false, quiet: false });
  p.update(2, { p50: '1.2ms' });
  p.update(3);
  p.stop();
  assert.match(tty.text(), /latency .*%/);
  assert.match(tty.text(), /latency: 3 of 4 runs in [\d.]+ s\n$/);

  for (const opts of [{ json: true }, { quiet: true }]) {
    const s = fakeStream(true);
    const q = createProgress({ total: 4, label: 'x', unit: 'runs', stream: s.stream, ...opts });
    q.update(4);
    q.stop();
    assert.match(s.text(), /^x: 4 runs in [\d.]+ s\n$/);
  }
});

test('progress: byte amounts are human-readable and the total can come later', () => {
  assert.equal(formatAmount(512, 'bytes'), '512 B');
  assert.equal(formatAmount(1536, 'bytes'), '1.5 KiB');
  assert.equal(formatAmount(32 * 1024 * 1024, 'bytes'), '32.0 MiB');
  assert.equal(formatAmount(7, 'runs'), '7');
  const f = fakeStream(false);
  const p = createProgress({ total: 0, label: 'file', unit: 'bytes', stream: f.stream });
  p.setTotal(2048);
  p.update(1024);
  p.stop('failed');
  assert.match(f.text(), /^file: 1\.0 KiB of 2\.0 KiB in [\d.]+ s; failed\n$/);
});
