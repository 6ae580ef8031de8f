import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { loadAffectNet } from '../../src/datasets/affectnet.js';
import { loadVgaf } from '../../src/datasets/vgaf.js';
import { loadAffWild2, AFFWILD2_HEADER } from '../../src/datasets/affwild2.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { tempDir } from '../datasets/tmpdir.js';
import { checkCorpus, FUZZ_TEST_TIMEOUT, fuzzParams, mutatedLines, resultOrBenchError } from './fuzz.js';

test('fuzz AffectNet CSV: a mutated validation.csv loads (a valid corpus) or fails as a BenchError naming it', { timeout: FUZZ_TEST_TIMEOUT }, async () => {
  const fx = await writeAffectNetFixture({ dir: path.join(await tempDir('fuzz-affectnet'), 'AffectNet'), layout: 'csv', perClass: 1, imageSize: 32, faults: { expression8to10: 3, badLandmarks: 1 } });
  const file = fx.splits.val!.file!;
  // Shorter landmark fields keep the cases readable; the count check is what matters, not the numbers.
  const base = (await readFile(file, 'utf8')).trimEnd();
  const withHeader = fc.oneof(mutatedLines(base, { maxOps: 5 }), mutatedLines(base.split('\n').slice(1).join('\n'), { maxOps: 3 }), fc.string({ unit: 'binary', maxLength: 100 }));
  await fc.assert(
    fc.asyncProperty(withHeader, fc.boolean(), async (text, landmarks) => {
      await writeFile(file, text);
      await resultOrBenchError(
        () => loadAffectNet({ root: fx.root, layout: 'csv', landmarks }),
        (c) => {
          checkCorpus(c, path.join(fx.root, 'Manually_Annotated_Images'));
          for (const s of c.samples) {
            for (const k of ['valence', 'arousal'] as const) {
              const v = s.meta?.[k];
              assert.ok(v === undefined || (typeof v === 'number' && Number.isFinite(v) && v !== -2), `${k} ${String(v)}`);
            }
            const lm = s.meta?.landmarks as number[] | undefined;
            assert.ok(lm === undefined || (lm.length === 136 && lm.every(Number.isFinite)));
          }
        },
        file,
      );
    }),
    fuzzParams(150, 401, 6000),
  );
});

const VGAF_LABELS = ['Vid_name Label', 'v1 1', 'v2 2', 'v3.mp4 3', 'v4 1'].join('\n');

test('fuzz VGAF label files: a mutated Val_labels.txt loads or fails as a BenchError', { timeout: FUZZ_TEST_TIMEOUT }, async () => {
  const root = await tempDir('fuzz-vgaf');
  await mkdir(path.join(root, 'Val'));
  for (const v of ['v1', 'v2', 'v3', 'v4']) await writeFile(path.join(root, 'Val', `${v}.mp4`), 'x');
  const file = path.join(root, 'Val_labels.txt');
  await fc.assert(
    fc.asyncProperty(fc.oneof(mutatedLines(VGAF_LABELS, { sep: ' ', maxOps: 5 }), fc.string({ unit: 'binary', maxLength: 60 })), async (text) => {
      await writeFile(file, text);
      await resultOrBenchError(
        () => loadVgaf({ root, split: 'val' }),
        (c) => {
          checkCorpus(c, root);
          for (const s of c.samples) assert.ok(s.source.kind === 'video' && path.dirname(s.source.path) === path.join(root, 'Val'));
        },
        true,
      );
    }),
    fuzzParams(200, 402, 5000),
  );
});

test('fuzz Aff-Wild2 label files: a mutated per-frame label file loads or fails as a BenchError', { timeout: FUZZ_TEST_TIMEOUT }, async () => {
  const root = await tempDir('fuzz-affwild2');
  const labels = path.join(root, 'ann', 'EXPR_Classification_Challenge', 'Validation_Set');
  await mkdir(labels, { recursive: true });
  for (const v of ['10-60-1280x720', '11-24-1920x1080']) {
    await mkdir(path.join(root, 'cropped_aligned', v), { recursive: true });
    for (const f of ['00001.jpg', '00002.jpg', '00003.jpg']) await writeFile(path.join(root, 'cropped_aligned', v, f), 'x');
  }
  await writeFile(path.join(labels, '11-24-1920x1080.txt'), `${AFFWILD2_HEADER}\n4\n4\n-1\n`);
  const file = path.join(labels, '10-60-1280x720.txt');
  const base = [AFFWILD2_HEADER, '0', '3', '3', '-1', '7'].join('\n');
  await fc.assert(
    fc.asyncProperty(fc.oneof(mutatedLines(base, { maxOps: 4 }), fc.string({ unit: 'binary', maxLength: 40 })), async (text) => {
      await writeFile(file, text);
      await resultOrBenchError(
        () => loadAffWild2({ root, split: 'val' }),
        (c) => {
          checkCorpus(c, root);
          for (const s of c.samples) {
            const fl = s.meta?.frameLabels as number[];
            assert.ok(fl.every((l) => Number.isInteger(l) && l >= -1 && l <= 7), fl.join(','));
          }
        },
        true,
      );
    }),
    fuzzParams(200, 403, 5000),
  );
});
