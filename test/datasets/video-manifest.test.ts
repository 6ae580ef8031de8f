import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { tempDir } from './tmpdir.js';
import { expectBenchError } from '../expect-error.js';
import { loadVideoManifest } from '../../src/datasets/video-manifest.js';
import { writeEmptyFile, writeTinyClip } from '../../src/datasets/fixtures/clip-writer.js';
import { countByReason } from '../../src/datasets/skips.js';

async function lab(): Promise<string> {
  const dir = await tempDir('vman');
  await writeTinyClip(path.join(dir, 'clips', 'DC_a01.avi'));
  await writeTinyClip(path.join(dir, 'clips', 'DC_h02.avi'), { variant: 1 });
  await writeTinyClip(path.join(dir, 'sessions', '10dec_D11_1_Video.mov'), { frames: 20 });
  await writeEmptyFile(path.join(dir, 'clips', 'empty.avi'));
  await mkdir(path.join(dir, 'frames', 'clip7'), { recursive: true });
  await writeFile(path.join(dir, 'frames', 'clip7', '001.png'), 'png');
  return dir;
}

test('video manifest: clips, frame folders and segments; ids, groups, label map and every bad row counted', async () => {
  const dir = await lab();
  const csv = [
    'path,label,group,start,end',
    'clips/DC_a01.avi,a,DC,,', // 2
    'clips/DC_h02.avi,h,DC,,', // 3
    'sessions/10dec_D11_1_Video.mov,Angry,,0.5,1.5', // 4
    'sessions/10dec_D11_1_Video.mov,Sad,,1.5,2', // 5
    'frames/clip7,neutral,,,', // 6
    'frames/clip7,neutral,,0,1', // 7 segment of a folder
    'clips/missing.avi,sad,DC,,', // 8
    'clips/empty.avi,sad,DC,,', // 9
    'clips/DC_a01.avi,bored,DC,,', // 10 unknown label
    'clips/DC_a01.avi,sad,DC,2,1', // 11 end before start
    'clips/DC_a01.avi,sad,DC,1,', // 12 start without end
    'clips/DC_a01.avi,sad', // 13 too few fields
    'clips/DC_a01.avi,x,DC,,', // 14 excluded by the map
  ];
  await writeFile(path.join(dir, 'lab.csv'), csv.join('\n') + '\n');
  const c = await loadVideoManifest({ file: path.join(dir, 'lab.csv'), name: 'savee', labelMap: { a: 'anger', h: 'happiness', x: null } });
  assert.equal(c.name, 'savee');
  assert.equal(c.layout, 'video-csv');
  assert.deepEqual(
    c.samples.map((s) => [s.id, s.label, s.group, s.source]),
    [
      ['clips/DC_a01.avi', 'anger', 'DC', { kind: 'video', path: path.join(dir, 'clips/DC_a01.avi') }],
      ['clips/DC_h02.avi', 'happiness', 'DC', { kind: 'video', path: path.join(dir, 'clips/DC_h02.avi') }],
      ['sessions/10dec_D11_1_Video.mov@0.5-1.5', 'anger', 'sessions/10dec_D11_1_Video.mov', { kind: 'video', path: path.join(dir, 'sessions/10dec_D11_1_Video.mov'), start: 0.5, end: 1.5 }],
      ['sessions/10dec_D11_1_Video.mov@1.5-2', 'sadness', 'sessions/10dec_D11_1_Video.mov', { kind: 'video', path: path.join(dir, 'sessions/10dec_D11_1_Video.mov'), start: 1.5, end: 2 }],
      ['frames/clip7', 'neutral', 'frames/clip7', { kind: 'frames-dir', dir: path.join(dir, 'frames/clip7') }],
    ],
  );
  assert.deepEqual(c.classes, ['neutral', 'happiness', 'sadness', 'anger']);
  assert.deepEqual(
    c.skipped.map((s) => [s.reason, s.row]).sort((a, b) => (a[1] as number) - (b[1] as number)),
    [
      ['malformed-row', 7],
      ['missing-file', 8],
      ['empty-file', 9],
      ['unknown-label', 10],
      ['malformed-row', 11],
      ['malformed-row', 12],
      ['malformed-row', 13],
      ['excluded-label', 14],
    ],
  );
  assert.ok(c.skipped.every((s) => s.file === path.join(dir, 'lab.csv')));
  assert.deepEqual(countByReason(c.skipped), { 'empty-file': 1, 'excluded-label': 1, 'malformed-row': 4, 'missing-file': 1, 'unknown-label': 1 });
});

test('video manifest: positional columns by field count; the segment is part of the manifest hash', async () => {
  const dir = await lab();
  const write = async (name: string, lines: string[]): Promise<string> => {
    await writeFile(path.join(dir, name), lines.join('\n') + '\n');
    return path.join(dir, name);
  };
  const two = await loadVideoManifest({ file: await write('2.csv', ['clips/DC_a01.avi,angry']) });
  assert.equal(two.samples[0].group, 'clips/DC_a01.avi');
  const three = await loadVideoManifest({ file: await write('3.csv', ['clips/DC_a01.avi,angry,DC']) });
  assert.equal(three.samples[0].group, 'DC');
  const four = await loadVideoManifest({ file: await write('4.csv', ['sessions/10dec_D11_1_Video.mov,angry,0,1']) });
  assert.deepEqual(four.samples[0].source, { kind: 'video', path: path.join(dir, 'sessions/10dec_D11_1_Video.mov'), start: 0, end: 1 });
  const five = await loadVideoManifest({ file: await write('5.csv', ['sessions/10dec_D11_1_Video.mov,angry,s1,0,1']) });
  assert.equal(five.samples[0].group, 's1');
  const other = await loadVideoManifest({ file: await write('4b.csv', ['sessions/10dec_D11_1_Video.mov,angry,0,1.25']) });
  assert.notEqual(other.manifestSha256, four.manifestSha256);
  assert.equal((await loadVideoManifest({ file: path.join(dir, '4.csv') })).manifestSha256, four.manifestSha256);

  await assert.rejects(loadVideoManifest({ file: await write('6.csv', ['a,b,c,d,e,f']) }), expectBenchError('BAD_CSV', /6 fields/, /path,label\[,group\]\[,start,end\]/));
  await assert.rejects(loadVideoManifest({ file: await write('h.csv', ['path,label,start', 'a,b,1']) }), expectBenchError('BAD_CSV', /start without end/));
  await assert.rejects(loadVideoManifest({ file: await write('empty.csv', []) }), expectBenchError('BAD_CSV', /no rows/));
  await assert.rejects(loadVideoManifest({ file: path.join(dir, 'none.csv') }), expectBenchError('BAD_INPUT', /does not exist/));
});
