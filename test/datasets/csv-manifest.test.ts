import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { tempDir } from './tmpdir.js';
import { loadCsvManifest } from '../../src/datasets/csv-manifest.js';
import { countByReason } from '../../src/datasets/skips.js';
import { BenchError } from '../../src/errors.js';

async function corpus(images: string[], csv: string): Promise<{ root: string; file: string }> {
  const root = await tempDir('csv');
  for (const rel of images) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), 'x');
  }
  const file = path.join(root, 'manifest.csv');
  await writeFile(file, csv);
  return { root, file };
}

test('header with box and group; optional box per row; quoted paths; columns in any order', async () => {
  const { root, file } = await corpus(
    ['img/a.jpg', 'img/b,c.jpg', 'img/d.jpg'],
    [
      'label,path,x,y,width,height,group,note',
      'happy,img/a.jpg,1,2,30,40,clip1,first',
      'Sad,"img/b,c.jpg",,,,,clip1,',
      'ANG,img/d.jpg,0,0,10.5,10.5,,',
      '',
    ].join('\n'),
  );
  const c = await loadCsvManifest({ file, name: 'lab', split: 'test' });
  assert.equal(c.root, root);
  assert.equal(c.layout, 'csv');
  assert.deepEqual(c.classes, ['happiness', 'sadness', 'anger']);
  assert.deepEqual(
    c.samples.map((s) => ({ id: s.id, label: s.label, group: s.group, source: s.source })),
    [
      { id: 'img/a.jpg', label: 'happiness', group: 'clip1', source: { kind: 'image', path: path.join(root, 'img/a.jpg'), box: { x: 1, y: 2, width: 30, height: 40 } } },
      { id: 'img/b,c.jpg', label: 'sadness', group: 'clip1', source: { kind: 'image', path: path.join(root, 'img/b,c.jpg') } },
      { id: 'img/d.jpg', label: 'anger', group: undefined, source: { kind: 'image', path: path.join(root, 'img/d.jpg'), box: { x: 0, y: 0, width: 10.5, height: 10.5 } } },
    ],
  );
  assert.deepEqual(c.sourceLabels, { happy: 'happiness', Sad: 'sadness', ANG: 'anger' });
  assert.deepEqual(c.skipped, []);
});

test('FER-2013-style numeric labels with a user label map; classes follow the map', async () => {
  const map = { '0': 'anger', '1': 'disgust', '2': 'fear', '3': 'happiness', '4': 'sadness', '5': 'surprise', '6': 'neutral' } as const;
  const { file } = await corpus(['0.png', '1.png', '2.png'], '0.png,3\n1.png,6\n2.png,0\n');
  const c = await loadCsvManifest({ file, labelMap: map });
  assert.deepEqual(c.samples.map((s) => s.label), ['happiness', 'neutral', 'anger']);
  assert.deepEqual(c.classes, ['neutral', 'happiness', 'sadness', 'surprise', 'fear', 'disgust', 'anger']);
  assert.deepEqual(c.samples.map((s) => s.meta?.sourceLabel), ['3', '6', '0']);
});

test('every bad row is counted under its reason with its line; the run goes on', async () => {
  const { file } = await corpus(
    ['ok.jpg', 'dup.jpg', 'calm.jpg'],
    [
      'path,label,x,y,width,height', //               1
      'ok.jpg,happy,,,,', //                           2 kept
      'missing.jpg,sad,,,,', //                         3 missing-file
      'short.jpg,sad', //                               4 malformed-row (field count)
      'half.jpg,sad,1,2,,', //                          5 malformed-row (partial box)
      'nan.jpg,sad,a,b,c,d', //                         6 malformed-row (non-numeric box)
      '"open.jpg,sad,,,,', //                           7 malformed-row (broken quote)
      'who.jpg,bored,,,,', //                           8 unknown-label
      'calm.jpg,calm,,,,', //                           9 excluded-label (map says null)
      'zero.jpg,happy,0,0,0,10', //                    10 bad-face-box
      'dup.jpg,happy,,,,', //                          11 kept
      './dup.jpg,sad,,,,', //                          12 duplicate-id (same file)
    ].join('\n'),
  );
  const c = await loadCsvManifest({ file, labelMap: { calm: null } });
  assert.deepEqual(c.samples.map((s) => s.id), ['ok.jpg', 'dup.jpg']);
  assert.deepEqual(
    c.skipped.map((s) => [s.row, s.reason, s.id]).sort((a, b) => (a[0] as number) - (b[0] as number)),
    [
      [3, 'missing-file', 'missing.jpg'],
      [4, 'malformed-row', 'short.jpg'],
      [5, 'malformed-row', 'half.jpg'],
      [6, 'malformed-row', 'nan.jpg'],
      [7, 'malformed-row', 'open.jpg'],
      [8, 'unknown-label', 'who.jpg'],
      [9, 'excluded-label', 'calm.jpg'],
      [10, 'bad-face-box', 'zero.jpg'],
      [12, 'duplicate-id', 'dup.jpg'],
    ],
  );
  assert.ok(c.skipped.every((s) => s.file === file));
  assert.match(c.skipped.find((s) => s.reason === 'unknown-label')!.detail!, /'bored'/);
  assert.deepEqual(countByReason(c.skipped)['malformed-row'], 4);
});

test('no header: columns from the first row (2, 3, 6 or 7 fields); other counts stop with BAD_CSV', async () => {
  const two = await corpus(['a.jpg'], 'a.jpg,happy\n');
  assert.equal((await loadCsvManifest({ file: two.file })).samples.length, 1);
  const seven = await corpus(['a.jpg'], 'a.jpg,happy,1,1,5,5,actor01\n');
  const s = (await loadCsvManifest({ file: seven.file })).samples[0];
  assert.equal(s.group, 'actor01');
  assert.deepEqual(s.source.kind === 'image' && s.source.box, { x: 1, y: 1, width: 5, height: 5 });
  const four = await corpus(['a.jpg'], 'a.jpg,happy,1,2\n');
  await assert.rejects(loadCsvManifest({ file: four.file }), (e: unknown) => {
    assert.ok(e instanceof BenchError && e.code === 'BAD_CSV');
    assert.equal(e.row, 1);
    return true;
  });
});

test('root option, missing manifest, label outside declared classes, hash changes with a label', async () => {
  const { root, file } = await corpus(['imgs/a.jpg', 'imgs/b.jpg'], 'a.jpg,happy\nb.jpg,sad\n');
  const c = await loadCsvManifest({ file, root: path.join(root, 'imgs') });
  assert.deepEqual(c.samples.map((s) => s.id), ['a.jpg', 'b.jpg']);
  const again = await loadCsvManifest({ file, root: path.join(root, 'imgs') });
  assert.equal(again.manifestSha256, c.manifestSha256);

  const declared = await loadCsvManifest({ file, root: path.join(root, 'imgs'), classes: ['happiness', 'anger'] });
  assert.deepEqual(declared.skipped.map((s) => [s.reason, s.row]), [['unknown-label', 2]]);

  await writeFile(file, 'a.jpg,happy\nb.jpg,angry\n');
  assert.notEqual((await loadCsvManifest({ file, root: path.join(root, 'imgs') })).manifestSha256, c.manifestSha256);

  await assert.rejects(loadCsvManifest({ file: path.join(root, 'nope.csv') }), (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT');
});

test('a header without a label column, or with half a box, stops with BAD_CSV at line 1', async () => {
  for (const header of ['path,emotion', 'path,label,x,y']) {
    const { file } = await corpus(['a.jpg'], `${header}\na.jpg,happy${header.endsWith('y') ? ',1,1' : ''}\n`);
    await assert.rejects(loadCsvManifest({ file }), (e: unknown) => {
      assert.ok(e instanceof BenchError && e.code === 'BAD_CSV', String(e));
      assert.equal(e.row, 1);
      return true;
    });
  }
});

test('an id column makes several faces (boxes) of one image separate items; without it they are duplicate ids', async () => {
  const rows = ['group.jpg,happy,0,0,20,20,f1', 'group.jpg,sad,30,0,20,20,f2', 'group.jpg,angry,60,0,20,20,', 'solo.jpg,neutral,,,,,f3'];
  const { file } = await corpus(['group.jpg', 'solo.jpg'], ['path,label,x,y,width,height,id', ...rows, 'solo.jpg,happy,,,,,f1', ''].join('\n'));
  const c = await loadCsvManifest({ file });
  assert.deepEqual(
    c.samples.map((s) => [s.id, s.label, s.source.kind === 'image' ? s.source.box?.x : undefined]),
    [
      ['f1', 'happiness', 0],
      ['f2', 'sadness', 30],
      ['f3', 'neutral', undefined],
    ],
  );
  assert.deepEqual(countByReason(c.skipped), { 'malformed-row': 1, 'duplicate-id': 1 });
  assert.match(c.skipped.find((s) => s.reason === 'malformed-row')!.detail ?? '', /empty id/);
  assert.equal(c.skipped.find((s) => s.reason === 'duplicate-id')!.row, 6);

  // The same rows without the id column: the path is the id, so the second and third faces are repeats.
  const plain = await corpus(['group.jpg'], ['path,label,x,y,width,height', 'group.jpg,happy,0,0,20,20', 'group.jpg,sad,30,0,20,20', ''].join('\n'));
  const p = await loadCsvManifest({ file: plain.file });
  assert.deepEqual(p.samples.map((s) => s.id), ['group.jpg']);
  assert.deepEqual(countByReason(p.skipped), { 'duplicate-id': 1 });
});
