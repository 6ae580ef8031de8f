import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { tempDir } from './tmpdir.js';
import sharp from 'sharp';
import { detectAffectNetLayout, loadAffectNet } from '../../src/datasets/affectnet.js';
import { AFFECTNET_CLASSES } from '../../src/datasets/affectnet-labels.js';
import type { Corpus } from '../../src/datasets/corpus.js';
import { relativePosix } from '../../src/datasets/paths.js';
import { countByReason } from '../../src/datasets/skips.js';
import { BenchError } from '../../src/errors.js';
import {
  writeAffectNetFixture,
  type AffectNetFaults,
  type AffectNetFixtureSplit,
  type FixtureIssue,
} from '../../src/datasets/fixtures/affectnet-fixture.js';

const tmp = (): Promise<string> => tempDir('affectnet');

/** Drops undefined keys, so optional fields compare equal whether absent or undefined. */
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const byKey = <T extends { id: string; reason?: string }>(a: T, b: T): number =>
  `${a.reason ?? ''} ${a.id}` < `${b.reason ?? ''} ${b.id}` ? -1 : 1;

function samplesView(c: Corpus) {
  return plain(
    c.samples
      .map((s) => {
        assert.equal(s.source.kind, 'image');
        const src = s.source as { path: string; box?: unknown };
        return {
          id: s.id,
          label: s.label,
          expression: s.meta?.expression,
          path: relativePosix(c.root, src.path),
          box: src.box,
          valence: s.meta?.valence,
          arousal: s.meta?.arousal,
        };
      })
      .sort(byKey),
  );
}

const issues = (items: readonly { id: string; reason: string; row?: number }[]): FixtureIssue[] =>
  plain(items.map(({ id, reason, row }) => ({ id, reason, row })).sort(byKey));

/** The loader's output equals what the fixture says it must be, item by item. */
function assertMatches(c: Corpus, fx: AffectNetFixtureSplit): void {
  assert.deepEqual(samplesView(c), plain([...fx.items].sort(byKey)));
  assert.deepEqual(issues(c.skipped), issues(fx.skipped));
  assert.deepEqual(issues(c.flagged), issues(fx.flagged));
  assert.deepEqual(countByReason(c.skipped), fx.skippedByReason);
  assert.deepEqual(c.classes, [...AFFECTNET_CLASSES]);
  for (const s of c.samples) assert.equal(s.group, undefined);
}

const CSV_FAULTS: AffectNetFaults = {
  missingFile: 2,
  truncatedJpeg: 2,
  malformedRow: 3,
  expression8to10: 6,
  badFaceBox: 1,
  badLandmarks: 1,
};

test('csv layout: detected, loaded with exact counts, every fault under its reason with its line', async () => {
  const dir = await tmp();
  const fx = await writeAffectNetFixture({ dir, layout: 'csv', perClass: 4, faults: CSV_FAULTS });
  assert.equal(await detectAffectNetLayout(dir), 'csv');
  const c = await loadAffectNet({ root: dir });
  const val = fx.splits.val!;
  assert.equal(c.layout, 'csv');
  assert.equal(c.split, 'val');
  assert.equal(c.samples.length, 8 * 4 + 1); // + the bad-landmarks row, kept and flagged
  assert.deepEqual(countByReason(c.skipped), {
    'bad-face-box': 1,
    'expression-no-face': 2,
    'expression-none': 2,
    'expression-uncertain': 2,
    'malformed-row': 3,
    'missing-file': 2,
  });
  assertMatches(c, val);
  // Every CSV skip names the file and its 1-based line.
  for (const s of c.skipped) {
    assert.equal(s.file, val.file);
    assert.ok(typeof s.row === 'number' && s.row >= 2, `${s.reason} ${s.id} has row ${s.row}`);
  }
  assert.ok(c.skipped.filter((s) => s.reason === 'malformed-row').every((s) => s.detail && s.detail.length > 0));
  assert.deepEqual(c.flagged.map((f) => f.reason), ['bad-landmarks']);
  // Valence/arousal kept, -2 never leaks through, the box comes from face_x/y/width/height.
  for (const s of c.samples) {
    assert.ok(typeof s.meta?.valence === 'number' && s.meta.valence >= -1 && s.meta.valence <= 1);
    assert.ok(s.source.kind === 'image' && s.source.box && s.source.box.width > 0);
    assert.equal(s.meta?.landmarks, undefined); // not kept unless asked
  }
});

test('csv layout: header row present or absent gives the same items, lines shifted by one', async () => {
  const withHeader = await tmp();
  const without = await tmp();
  const a = await writeAffectNetFixture({ dir: withHeader, layout: 'csv', perClass: 2, header: true, faults: { malformedRow: 2 } });
  const b = await writeAffectNetFixture({ dir: without, layout: 'csv', perClass: 2, header: false, faults: { malformedRow: 2 } });
  const ca = await loadAffectNet({ root: withHeader });
  const cb = await loadAffectNet({ root: without });
  assertMatches(ca, a.splits.val!);
  assertMatches(cb, b.splits.val!);
  assert.equal((await readFile(a.splits.val!.file!, 'utf8')).split('\n')[0].startsWith('subDirectory_filePath,'), true);
  assert.equal((await readFile(b.splits.val!.file!, 'utf8')).startsWith('subDirectory_filePath'), false);
  assert.equal(ca.manifestSha256, cb.manifestSha256);
  assert.deepEqual(
    ca.skipped.map((s) => s.row! - 1),
    cb.skipped.map((s) => s.row),
  );
});

test('csv layout: header columns found by name; a header lacking a column stops with BAD_CSV', async () => {
  const dir = await tmp();
  const fx = await writeAffectNetFixture({ dir, layout: 'csv', perClass: 1 });
  const file = fx.splits.val!.file!;
  const rows = (await readFile(file, 'utf8')).trim().split('\n').map((l) => l.split(','));
  // Swap valence and arousal columns, header included.
  await writeFile(file, rows.map((r) => [...r.slice(0, 7), r[8], r[7]].join(',')).join('\n') + '\n');
  assertMatches(await loadAffectNet({ root: dir }), fx.splits.val!);

  await writeFile(file, rows.map((r) => r.slice(0, 8).join(',')).join('\n') + '\n');
  await assert.rejects(loadAffectNet({ root: dir }), (e: unknown) => {
    assert.ok(e instanceof BenchError && e.code === 'BAD_CSV');
    assert.match(e.message, /lacks arousal/);
    assert.equal(e.row, 1);
    return true;
  });
});

test('csv layout: landmarks parsed only when asked; an out-of-range id is an unknown label', async () => {
  const dir = await tmp();
  const fx = await writeAffectNetFixture({ dir, layout: 'csv', perClass: 1, faults: { badLandmarks: 1 } });
  const c = await loadAffectNet({ root: dir, landmarks: true });
  const flagged = new Set(c.flagged.map((f) => f.id));
  assert.equal(flagged.size, 1);
  for (const s of c.samples) {
    if (flagged.has(s.id)) assert.equal(s.meta?.landmarks, undefined);
    else assert.equal((s.meta?.landmarks as number[]).length, 136);
  }

  const file = fx.splits.val!.file!;
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  const f = lines[1].split(',');
  f[6] = '11';
  lines[1] = f.join(',');
  await writeFile(file, lines.join('\n') + '\n');
  const c2 = await loadAffectNet({ root: dir });
  assert.deepEqual(
    c2.skipped.map((s) => [s.reason, s.row, s.detail]),
    [['unknown-label', 2, 'expression 11 is not an AffectNet id (0..10)']],
  );
});

test('csv layout: the train split reads training.csv; a missing split file stops with BAD_LAYOUT', async () => {
  const dir = await tmp();
  const fx = await writeAffectNetFixture({ dir, layout: 'csv', perClass: 2, splits: ['train', 'val'], faults: { expression8to10: 3 } });
  const train = await loadAffectNet({ root: dir, split: 'train' });
  assert.equal(train.split, 'train');
  assertMatches(train, fx.splits.train!);
  assert.notEqual(train.manifestSha256, (await loadAffectNet({ root: dir })).manifestSha256);

  const only = await tmp();
  await writeAffectNetFixture({ dir: only, layout: 'csv', perClass: 1 });
  await assert.rejects(loadAffectNet({ root: only, split: 'train' }), (e: unknown) => {
    assert.ok(e instanceof BenchError && e.code === 'BAD_LAYOUT');
    assert.match(e.message, /Manually_Annotated_file_lists\/training\.csv is missing/);
    return true;
  });
});

test('folders layout (HSEmotion copy): detected and loaded; non-image files counted', async () => {
  const dir = await tmp();
  const fx = await writeAffectNetFixture({ dir, layout: 'folders', perClass: 3, faults: { truncatedJpeg: 1, nonImageFile: 2 } });
  assert.equal(await detectAffectNetLayout(dir), 'folders');
  const c = await loadAffectNet({ root: dir });
  assert.equal(c.layout, 'folders');
  assert.equal(c.samples.length, 24);
  assertMatches(c, fx.splits.val!);
  assert.deepEqual(c.sourceLabels, {
    Anger: 'anger',
    Contempt: 'contempt',
    Disgust: 'disgust',
    Fear: 'fear',
    Happiness: 'happiness',
    Neutral: 'neutral',
    Sadness: 'sadness',
    Surprise: 'surprise',
  });
  // Walk order is sorted, so it is the same on every machine.
  assert.deepEqual(
    c.samples.map((s) => s.id),
    [...c.samples.map((s) => s.id)].sort(),
  );
});

test('folders layout: the full_res/ 224/ 224/seven_emotions/ variants', async () => {
  const top = await tmp();
  const full = await writeAffectNetFixture({ dir: path.join(top, 'full_res'), layout: 'folders', perClass: 2 });
  await writeAffectNetFixture({ dir: path.join(top, '224'), layout: 'folders', perClass: 2, seed: 2 });
  // seven_emotions: symlinks to the 7 non-Contempt folders of 224/, as the notebook makes them.
  const seven = path.join(top, '224', 'seven_emotions', 'val');
  await mkdir(seven, { recursive: true });
  for (const c of ['Anger', 'Disgust', 'Fear', 'Happiness', 'Neutral', 'Sadness', 'Surprise']) {
    await symlink(path.join('..', '..', 'val', c), path.join(seven, c));
  }

  const c8 = await loadAffectNet({ root: path.join(top, 'full_res') });
  assertMatches(c8, full.splits.val!);
  const c7 = await loadAffectNet({ root: path.join(top, '224', 'seven_emotions') });
  assert.equal(c7.samples.length, 14);
  assert.ok(c7.samples.every((s) => s.label !== 'contempt'));
  assert.ok(c7.samples.every((s) => s.id.startsWith('val/')));

  await assert.rejects(loadAffectNet({ root: top }), (e: unknown) => {
    assert.ok(e instanceof BenchError && e.code === 'BAD_LAYOUT');
    assert.match(e.message, /top of the HSEmotion folder copy/);
    assert.ok(e.message.includes(path.join(top, 'full_res')) && e.message.includes(path.join(top, '224', 'seven_emotions')));
    assert.match(e.fix ?? '', /point --root at one of them/);
    return true;
  });
  await assert.rejects(loadAffectNet({ root: path.join(top, 'full_res', 'val') }), /looks like one split/);
});

test('folders layout: an unknown class folder stops with BAD_LAYOUT naming it', async () => {
  const dir = await tmp();
  await writeAffectNetFixture({ dir, layout: 'folders', perClass: 1 });
  await mkdir(path.join(dir, 'val', 'Suprise'));
  await assert.rejects(loadAffectNet({ root: dir }), (e: unknown) => {
    assert.ok(e instanceof BenchError && e.code === 'BAD_LAYOUT');
    assert.match(e.message, /'Suprise' Did you mean: surprise\?/);
    assert.match(e.fix ?? '', /--label-map/);
    return true;
  });
});

test('march2021 layout: .npy annotations read directly (int64 and string copies), faults counted', async () => {
  const dir = await tmp();
  const fx = await writeAffectNetFixture({
    dir,
    layout: 'march2021',
    perClass: 3,
    faults: { missingFile: 2, missingAnnotation: 1, malformedRow: 1, expression8to10: 3, truncatedJpeg: 1 },
  });
  assert.equal(await detectAffectNetLayout(dir), 'march2021');
  const c = await loadAffectNet({ root: dir });
  assert.equal(c.layout, 'march2021');
  assert.equal(c.samples.length, 24);
  assert.deepEqual(countByReason(c.skipped), {
    'bad-annotation': 1,
    'expression-no-face': 1,
    'expression-none': 1,
    'expression-uncertain': 1,
    'missing-annotation': 1,
    'missing-file': 2,
  });
  assertMatches(c, fx.splits.val!);
  // Ids are indices in numeric order.
  const ids = c.samples.map((s) => Number(s.id));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
});

test('a wrong root stops at once, listing the three layouts it looked for', async () => {
  const dir = await tmp();
  await mkdir(path.join(dir, 'something'));
  for (const root of [dir, path.join(dir, 'does-not-exist')]) {
    await assert.rejects(loadAffectNet({ root }), (e: unknown) => {
      assert.ok(e instanceof BenchError && e.code === 'BAD_LAYOUT');
      assert.match(e.message, /csv: Manually_Annotated_file_lists\/\{training,validation\}\.csv and Manually_Annotated_Images\//);
      assert.match(e.message, /folders \(HSEmotion copy\): \{train,val\}\/<Class>\//);
      assert.match(e.message, /march2021: \{train_set,val_set\}\/images\/<idx>\.jpg/);
      assert.equal(e.file, root);
      return true;
    });
  }
  await assert.rejects(loadAffectNet({ root: dir }), /it contains: something\./);
});

test('a forced layout names what is missing; two layouts in one root ask for --layout', async () => {
  const dir = await tmp();
  await writeAffectNetFixture({ dir, layout: 'folders', perClass: 1 });
  await assert.rejects(loadAffectNet({ root: dir, layout: 'march2021' }), /val_set\/images\/ is missing/);
  await writeAffectNetFixture({ dir, layout: 'march2021', perClass: 1 });
  await assert.rejects(loadAffectNet({ root: dir }), (e: unknown) => {
    assert.ok(e instanceof BenchError && e.code === 'BAD_LAYOUT');
    assert.match(e.message, /more than one AffectNet layout \(folders, march2021\)/);
    return true;
  });
  assert.equal((await loadAffectNet({ root: dir, layout: 'march2021' })).samples.length, 8);
  assert.equal((await loadAffectNet({ root: dir, layout: 'folders' })).samples.length, 8);
  await assert.rejects(loadAffectNet({ root: dir, split: 'test' as 'val' }), /no split 'test'/);
});

test('manifest hash: stable across runs and places, changes when an item changes', async () => {
  const a = await tmp();
  const b = await tmp();
  await writeAffectNetFixture({ dir: a, layout: 'csv', perClass: 2, seed: 7 });
  const fx = await writeAffectNetFixture({ dir: b, layout: 'csv', perClass: 2, seed: 7 });
  const h = (await loadAffectNet({ root: a })).manifestSha256;
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal((await loadAffectNet({ root: a })).manifestSha256, h);
  assert.equal((await loadAffectNet({ root: b })).manifestSha256, h); // other folder, same items

  // Reordering rows does not change it.
  const file = fx.splits.val!.file!;
  const original = await readFile(file, 'utf8');
  const [header, ...rows] = original.trim().split('\n');
  await writeFile(file, [header, ...rows.reverse()].join('\n') + '\n');
  assert.equal((await loadAffectNet({ root: b })).manifestSha256, h);

  // A changed label, box or valence changes it; so does a removed image.
  const change = async (col: number, value: string): Promise<string> => {
    const lines = original.trim().split('\n');
    const f = lines[1].split(',');
    f[col] = value;
    lines[1] = f.join(',');
    await writeFile(file, lines.join('\n') + '\n');
    return (await loadAffectNet({ root: b })).manifestSha256;
  };
  const changed = new Set([await change(6, String((Number(original.split('\n')[1].split(',')[6]) + 1) % 8)), await change(1, '3.0'), await change(7, '0.5')]);
  assert.equal(changed.size, 3);
  assert.ok(!changed.has(h));
  await writeFile(file, original);
  const first = (await loadAffectNet({ root: b })).samples[0];
  await rename((first.source as { path: string }).path, `${(first.source as { path: string }).path}.gone`);
  const after = await loadAffectNet({ root: b });
  assert.notEqual(after.manifestSha256, h);
  assert.deepEqual(countByReason(after.skipped), { 'missing-file': 1 });
});

test('the loader keeps truncated JPEGs (found at decode time); the fixture lists them', async () => {
  const dir = await tmp();
  const fx = await writeAffectNetFixture({ dir, layout: 'csv', perClass: 1, faults: { truncatedJpeg: 2 } });
  const c = await loadAffectNet({ root: dir });
  const truncated = new Set(fx.splits.val!.truncated);
  assert.equal(truncated.size, 2);
  for (const s of c.samples) {
    const decode = sharp((s.source as { path: string }).path, { failOn: 'truncated' }).raw().toBuffer();
    if (truncated.has(s.id)) await assert.rejects(decode);
    else assert.ok((await decode).length > 0);
  }
});
