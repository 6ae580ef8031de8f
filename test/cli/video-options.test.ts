import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { defaultFacePolicy, parseAggregation, parseFaceSource, parseSampling, videoRunnerOptionsFromCli } from '../../src/cli/video-options.js';
import { openFaceSource } from '../../src/media/faces/open-source.js';
import { rgbImage } from '../../src/media/image.js';
import { isBenchError } from '../../src/errors.js';

test('--sampling: every, nth:N, fps:F, emo-affectnet; anything else is refused with the forms', () => {
  assert.deepEqual(parseSampling('every'), { kind: 'every' });
  assert.deepEqual(parseSampling('nth:5'), { kind: 'every-nth', n: 5 });
  assert.deepEqual(parseSampling('fps:5'), { kind: 'fps', fps: 5 });
  assert.deepEqual(parseSampling('emo-affectnet'), { kind: 'emo-affectnet' });
  for (const bad of ['nth:0', 'nth:x', 'fps:-1', 'sometimes', '']) assert.throws(() => parseSampling(bad), (e: unknown) => e instanceof InvalidArgumentError && /nth:N/.test((e as Error).message), bad);
});

test('--faces and --aggregate parse; the face policy defaults follow the papers', () => {
  assert.deepEqual(parseFaceSource('retinaface'), { kind: 'retinaface' });
  assert.deepEqual(parseFaceSource('boxes:/data/a:b.csv'), { kind: 'boxes', file: '/data/a:b.csv' });
  assert.throws(() => parseFaceSource('boxes'), InvalidArgumentError);
  assert.throws(() => parseFaceSource('mtcnn'), /retinaface, ssd, precropped/);
  assert.equal(parseAggregation('majority'), 'majority');
  assert.throws(() => parseAggregation('median'), InvalidArgumentError);
  assert.equal(defaultFacePolicy('vgaf'), 'all');
  assert.equal(defaultFacePolicy('afew'), 'largest');
  assert.equal(defaultFacePolicy('ravdess'), 'largest');
});

test('face sources open by name: precropped returns the whole frame, boxes replays its CSV, a missing file is named', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fer-faces-'));
  try {
    const img = rgbImage(new Uint8Array(4 * 3 * 3), 4, 3);
    const pre = await openFaceSource({ kind: 'precropped' });
    assert.deepEqual((await pre.detect(img)).map((f) => f.box), [{ x: 0, y: 0, width: 4, height: 3 }]);
    const csv = join(dir, 'boxes.csv');
    await writeFile(csv, 'clip,frame,x,y,width,height,score\nc1,0,1,0,2,2,0.9\n');
    const boxes = await openFaceSource({ kind: 'boxes', file: csv });
    assert.deepEqual((await boxes.detect(img, { clip: 'c1', frame: 0 })).map((f) => f.box), [{ x: 1, y: 0, width: 2, height: 2 }]);
    assert.equal(boxes.identity.name.includes('boxes'), true);
    await assert.rejects(openFaceSource({ kind: 'boxes' }), (e: unknown) => isBenchError(e) && /boxes:<file.csv>/.test(e.fix ?? ''));
    const opts = await videoRunnerOptionsFromCli('vgaf', { faces: 'precropped', sampling: parseSampling('fps:5'), faceMargin: 0.1 });
    assert.deepEqual(opts.sampling, { kind: 'fps', fps: 5 });
    assert.deepEqual(opts.selection, { policy: 'all', track: false, margin: { fraction: 0.1 } });
    assert.equal(opts.detector.name, 'precropped');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
