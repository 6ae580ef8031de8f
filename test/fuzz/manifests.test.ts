import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { parseCsvLine, leadingField } from '../../src/datasets/csv.js';
import { loadCsvManifest } from '../../src/datasets/csv-manifest.js';
import { loadVideoManifest } from '../../src/datasets/video-manifest.js';
import { tempDir } from '../datasets/tmpdir.js';
import { checkCorpus, FUZZ_TEST_TIMEOUT, fuzzParams, hostileField, mutatedLines, resultOrBenchError } from './fuzz.js';

test('fuzz CSV lines: any text splits into fields or a located error, and re-quoting round-trips', { timeout: FUZZ_TEST_TIMEOUT }, () => {
  const quote = (f: string) => (/[",]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.array(hostileField, { maxLength: 6 }).map((f) => f.join(','))), (text) => {
      const r = parseCsvLine(text);
      if ('error' in r) assert.match(r.error, /column \d+/);
      else assert.ok(r.fields.length >= 1);
      assert.equal(typeof leadingField(text), 'string');
    }),
    fuzzParams(1000, 301),
  );
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 8 }), { minLength: 1, maxLength: 6 }), (fields) => {
      assert.deepEqual(parseCsvLine(fields.map(quote).join(',')), { fields });
    }),
    fuzzParams(500, 302),
  );
});

const IMAGE_ROWS = [
  'path,label,x,y,width,height,group,id',
  'img/a.jpg,happy,1,2,10,10,s1,a',
  'img/b.jpg,sad,,,,,s1,b',
  '"img/c,1.jpg",Surprise,0,0,5.5,5,s2,c',
  'img/a.jpg,anger,3,3,4,4,s2,a2',
  'img/d.jpg,neutral,,,,,s3,d',
].join('\n');

test('fuzz CSV manifests: mutated manifests load (a valid corpus) or fail as a BenchError naming the manifest', { timeout: FUZZ_TEST_TIMEOUT }, async () => {
  const root = await tempDir('fuzz-csv');
  await mkdir(path.join(root, 'img'));
  for (const f of ['a.jpg', 'b.jpg', 'c,1.jpg', 'd.jpg']) await writeFile(path.join(root, 'img', f), 'x');
  const file = path.join(root, 'm.csv');
  // Headerless and positional variants too: the 2/3/6/7-column forms.
  const positional = 'img/a.jpg,happy,1,2,10,10,s1\nimg/b.jpg,sad,,,,,s2\nimg/d.jpg,fear,,,,,s3';
  const text = fc.oneof(mutatedLines(IMAGE_ROWS, { maxOps: 5 }), mutatedLines(positional), fc.string({ unit: 'binary', maxLength: 80 }));
  const labelMap = fc.constantFrom(undefined, { happy: 'happiness' as const, sad: null });
  await fc.assert(
    fc.asyncProperty(text, labelMap, async (t, map) => {
      await writeFile(file, t);
      await resultOrBenchError(() => loadCsvManifest({ file, labelMap: map }), (c) => checkCorpus(c, root), file);
    }),
    fuzzParams(200, 303, 6000),
  );
});

const VIDEO_ROWS = ['path,label,group,start,end', 'clips/a.mp4,happy,g1,,', 'clips/a.mp4,sad,g1,0.5,1.5', 'frames/c1,fear,g2,,', 'clips/b.mp4,anger,,0,2'].join('\n');

test('fuzz video manifests: mutated manifests load or fail as a BenchError naming the manifest', { timeout: FUZZ_TEST_TIMEOUT }, async () => {
  const root = await tempDir('fuzz-video');
  await mkdir(path.join(root, 'clips'));
  await mkdir(path.join(root, 'frames', 'c1'), { recursive: true });
  for (const f of ['clips/a.mp4', 'clips/b.mp4', 'frames/c1/001.png']) await writeFile(path.join(root, f), 'x');
  const file = path.join(root, 'v.csv');
  const text = fc.oneof(mutatedLines(VIDEO_ROWS, { maxOps: 5 }), fc.string({ unit: 'binary', maxLength: 80 }));
  await fc.assert(
    fc.asyncProperty(text, async (t) => {
      await writeFile(file, t);
      await resultOrBenchError(() => loadVideoManifest({ file }), (c) => checkCorpus(c, root), file);
    }),
    fuzzParams(200, 304, 6000),
  );
});
