import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pull, type PullProgress } from '../../src/models/download.js';
import { testCard } from './card-fixture.js';
import { startFileServer, type FileServer } from './http-fixture.js';
import { expectBenchError } from '../expect-error.js';

const tmp = mkdtempSync(join(tmpdir(), 'fer-pull-'));
process.env.FER_BENCH_CACHE = join(tmp, 'cache'); // the sha256 memo lives here
let server: FileServer;
let n = 0;

before(async () => {
  server = await startFileServer();
});
after(async () => {
  await server.close();
});

/** A fresh destination directory. */
function dest(): string {
  const d = join(tmp, `dest${n++}`);
  mkdirSync(d);
  return d;
}


test('full download: verified, renamed into place, progress reported', async () => {
  const d = dest();
  const seen: PullProgress[] = [];
  const card = testCard({}, { sha256: server.sha256, url: `${server.base}/file.bin` });
  const r = await pull(card, { dest: d, onProgress: (p) => seen.push(p) });
  assert.equal(r.path, join(d, 'test_model.onnx'));
  assert.deepEqual([r.verified, r.downloaded, r.resumedFrom, r.sizeBytes, r.sha256], [true, true, 0, server.content.length, server.sha256]);
  assert.ok(readFileSync(r.path).equals(server.content));
  assert.ok(!existsSync(`${r.path}.part`));
  assert.deepEqual(seen.at(-1), { received: server.content.length, total: server.content.length, resumedFrom: 0 });

  // Second call: the good copy is kept, nothing fetched.
  const requests = server.requests.length;
  const again = await pull(card, { dest: d });
  assert.deepEqual([again.downloaded, again.verified], [false, true]);
  assert.equal(server.requests.length, requests);
});

test('resume: a partial .part is continued with a Range request', async () => {
  const d = dest();
  writeFileSync(join(d, 'test_model.onnx.part'), server.content.subarray(0, 1000));
  const card = testCard({}, { sha256: server.sha256 });
  const r = await pull(card, { dest: d, url: `${server.base}/file.bin` });
  assert.equal(r.resumedFrom, 1000);
  assert.equal(server.requests.at(-1), '/file.bin bytes=1000-');
  assert.ok(readFileSync(r.path).equals(server.content));
});

test('a server that ignores Range sends the whole file again (200): no duplicated prefix', async () => {
  const d = dest();
  writeFileSync(join(d, 'test_model.onnx.part'), server.content.subarray(0, 1000));
  const r = await pull(testCard({}, { sha256: server.sha256 }), { dest: d, url: `${server.base}/norange/file.bin` });
  assert.equal(r.resumedFrom, 0);
  assert.ok(readFileSync(r.path).equals(server.content));
});

test('a stalled download times out, keeps the .part, and the next pull resumes it', async () => {
  const d = dest();
  const card = testCard({}, { sha256: server.sha256 });
  await assert.rejects(
    pull(card, { dest: d, url: `${server.base}/stall/file.bin`, idleTimeoutMs: 300 }),
    expectBenchError('DOWNLOAD_FAILED', /no data for 300 ms/, /run the command again to resume/),
  );
  const part = join(d, 'test_model.onnx.part');
  assert.ok(!existsSync(join(d, 'test_model.onnx')));
  assert.equal(readFileSync(part).length, server.content.length >> 1);

  const r = await pull(card, { dest: d, url: `${server.base}/file.bin` });
  assert.equal(r.resumedFrom, server.content.length >> 1);
  assert.ok(readFileSync(r.path).equals(server.content));
});

test('a connection closed early is a DOWNLOAD_FAILED that offers to resume', async () => {
  const d = dest();
  await assert.rejects(
    pull(testCard({}, { sha256: server.sha256 }), { dest: d, url: `${server.base}/truncate/file.bin` }),
    expectBenchError('DOWNLOAD_FAILED', /run the command again to resume/),
  );
  assert.ok(!existsSync(join(d, 'test_model.onnx')));
});

test('a stale .part from another file is discarded once the checksum fails, and the file fetched afresh', async () => {
  const d = dest();
  writeFileSync(join(d, 'test_model.onnx.part'), Buffer.alloc(500, 7));
  const r = await pull(testCard({}, { sha256: server.sha256 }), { dest: d, url: `${server.base}/file.bin` });
  assert.equal(r.resumedFrom, 0);
  assert.ok(readFileSync(r.path).equals(server.content));
});

test('a .part that is already complete (416) is fetched again from zero', async () => {
  const d = dest();
  writeFileSync(join(d, 'test_model.onnx.part'), Buffer.concat([server.content, Buffer.from('extra')]));
  const r = await pull(testCard({}, { sha256: server.sha256 }), { dest: d, url: `${server.base}/file.bin` });
  assert.ok(readFileSync(r.path).equals(server.content));
});

test('checksum mismatch: the download is deleted and the error names both hashes and the file', async () => {
  const d = dest();
  const wrong = '0'.repeat(64);
  await assert.rejects(
    pull(testCard({}, { sha256: wrong }), { dest: d, url: `${server.base}/file.bin` }),
    expectBenchError('CHECKSUM_MISMATCH', new RegExp(`expected sha256 ${wrong}`), new RegExp(`got ${server.sha256}`), /test_model\.onnx/, /deleted/),
  );
  assert.ok(!existsSync(join(d, 'test_model.onnx')));
  assert.ok(!existsSync(join(d, 'test_model.onnx.part')));
});

test('without a published checksum the file is kept and marked unverified', async () => {
  const r = await pull(testCard(), { dest: dest(), url: `${server.base}/file.bin` });
  assert.equal(r.verified, 'no-published-checksum');
  assert.equal(r.sha256, server.sha256);
});

test('redirects are followed', async () => {
  const r = await pull(testCard({}, { sha256: server.sha256 }), { dest: dest(), url: `${server.base}/redirect/file.bin` });
  assert.equal(r.verified, true);
});

test('HTTP 404: a clear message with the manual fix, nothing left behind', async () => {
  const d = dest();
  await assert.rejects(
    pull(testCard(), { dest: d, url: `${server.base}/missing.onnx` }),
    expectBenchError('DOWNLOAD_FAILED', /HTTP 404/, /missing\.onnx/, new RegExp(`place it at ${join(d, 'test_model.onnx')}`)),
  );
  assert.ok(!existsSync(join(d, 'test_model.onnx')));
  assert.ok(!existsSync(join(d, 'test_model.onnx.part')));
});

test('an HTML page instead of the file is refused', async () => {
  await assert.rejects(pull(testCard(), { dest: dest(), url: `${server.base}/html` }), expectBenchError('DOWNLOAD_FAILED', /HTML page/));
});

test('an unreachable server gives DOWNLOAD_FAILED, not a stack trace', async () => {
  const closed = await startFileServer(10);
  const url = `${closed.base}/file.bin`;
  await closed.close();
  await assert.rejects(pull(testCard(), { dest: dest(), url }), expectBenchError('DOWNLOAD_FAILED', /cannot download test_model/, /ECONNREFUSED/));
});

test('a card without a URL says why there is nothing to download', async () => {
  await assert.rejects(
    pull(testCard({}, { format: 'tfjs', bundled: { package: 'some-pkg', path: 'model/x.json' } }), { dest: dest() }),
    expectBenchError('DOWNLOAD_FAILED', /no download URL/, /ships with the npm package some-pkg/),
  );
});
