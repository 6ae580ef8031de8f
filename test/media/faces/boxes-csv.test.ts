import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createBoxesCsvSource, createPrecroppedSource, readBoxesCsv } from '../../../src/media/faces/boxes-csv.js';
import type { FaceDetector } from '../../../src/media/faces/detector.js';
import { detectFrames } from '../../../src/media/faces/detect-frames.js';
import { createRetinaFaceDetector } from '../../../src/media/faces/retinaface.js';
import { openVideo } from '../../../src/media/video/decode.js';
import { writeFaceClip } from '../../../src/media/video/fixture.js';
import { tempDir } from '../../datasets/tmpdir.js';
import { expectBenchError } from '../../expect-error.js';

let dir: string;
let retina: FaceDetector;
before(async () => {
  dir = await tempDir('boxes-csv');
  retina = await createRetinaFaceDetector();
});
after(() => retina.dispose());

const image = (w = 320, h = 240) => ({ data: new Uint8Array(w * h * 3), width: w, height: h });

async function csv(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}

test("a detector's boxes, written to CSV and replayed, come back exactly, frame by frame", async () => {
  const truth = await writeFaceClip(join(dir, 'clip.mp4'));
  const opened = await openVideo(truth.path);
  assert.ok(opened.ok);
  const live = [];
  for await (const d of detectFrames(opened.clip.frames, { detector: retina })) live.push({ index: d.frame.index, faces: d.faces });
  const rows = ['clip,frame,x,y,width,height,score'];
  for (const f of live) for (const face of f.faces) rows.push(['clip', f.index, face.box.x, face.box.y, face.box.width, face.box.height, face.score].join(','));
  assert.ok(rows.length > 30);
  const source = await createBoxesCsvSource(await csv('replay.csv', rows.join('\n') + '\n'));
  const replayed = [];
  for await (const d of detectFrames(opened.clip.frames, { detector: source, clip: 'clip' })) replayed.push({ index: d.frame.index, faces: d.faces });
  assert.deepEqual(
    replayed,
    live.map((f) => ({ index: f.index, faces: f.faces.map(({ box, score }) => ({ box, score })) })),
  );
  assert.equal(replayed.filter((f) => f.faces.length === 0).length, 8, 'the no-face frames have no row and no face');
  assert.deepEqual([...source.clips], ['clip']);
  assert.equal(source.identity.weightsSha256.length, 64, 'the file hash is the identity');
});

test('several faces per frame come best first; frameBase 1; no header; boxes clipped to the frame', async () => {
  const file = await csv('multi.csv', 'v1,1,10,10,20,20,0.5\nv1,1,300,200,40,40,0.9\nv1,3,0,0,5,5\n');
  const table = await readBoxesCsv(file, { frameBase: 1 });
  assert.deepEqual([...table.get('v1')!.keys()], [0, 2]);
  const source = await createBoxesCsvSource(file, { frameBase: 1 });
  const faces = await source.detect(image(), { clip: 'v1', frame: 0 });
  assert.deepEqual(faces, [
    { box: { x: 300, y: 200, width: 20, height: 40 }, score: 0.9 },
    { box: { x: 10, y: 10, width: 20, height: 20 }, score: 0.5 },
  ]);
  assert.deepEqual(await source.detect(image(), { clip: 'v1', frame: 2 }), [{ box: { x: 0, y: 0, width: 5, height: 5 }, score: 1 }]);
  assert.deepEqual(await source.detect(image(), { clip: 'v1', frame: 1 }), []);
  assert.deepEqual(await source.detect(image(), { clip: 'other', frame: 0 }), []);
  await assert.rejects(source.detect(image()), expectBenchError('BAD_INPUT', /clip id and frame index/));
});

test('malformed rows stop the load with the file, the row and a fix', async () => {
  const cases: Array<[string, number, RegExp]> = [
    ['clip,frame,x,y,width,height\nv,0,1,2,3\n', 2, /expected 6 or 7 fields/],
    ['v,0,1,2,3,4\nv,zero,1,2,3,4\n', 2, /frame "zero"/],
    ['v,0,1,2,3,4\nv,1,1,y,3,4\n', 2, /y "y" is not a number/],
    ['v,0,1,2,-3,4\n', 1, /empty/],
    ['v,0,1,2,3,4,1.5\n', 1, /score 1.5/],
    ['clip,frame,left,top,w,h\n', 1, /header/],
    [',0,1,2,3,4\n', 1, /clip field is empty/],
    ['v,-1,1,2,3,4\n', 1, /integer ≥ 0/],
    ['"v,0,1,2,3,4\n', 1, /unterminated/],
  ];
  for (const [text, row, message] of cases) {
    const file = await csv(`bad-${row}-${cases.findIndex((c) => c[0] === text)}.csv`, text);
    await assert.rejects(readBoxesCsv(file), (e: unknown) => expectBenchError('BAD_CSV', message)(e) && (e as { row?: number }).row === row && (e as { file?: string }).file === file);
  }
  await assert.rejects(readBoxesCsv(join(dir, 'absent.csv')), expectBenchError('BAD_CSV', /cannot read/));
});

test('pre-cropped faces: the whole image, except on a noface frame', async () => {
  const src = createPrecroppedSource();
  assert.deepEqual(await src.detect(image(64, 48)), [{ box: { x: 0, y: 0, width: 64, height: 48 }, score: 1 }]);
  assert.deepEqual(await src.detect(image(64, 48), { noface: true }), []);
});
