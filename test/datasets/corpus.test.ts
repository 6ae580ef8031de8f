import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { tempDir } from './tmpdir.js';
import { CORPUS_NAMES, corpusSummary, openCorpus } from '../../src/datasets/corpus.js';
import { manifestSha256 } from '../../src/datasets/manifest.js';
import { canonicalOrder, parseSourceLabelMap, resolveSourceLabel } from '../../src/datasets/source-labels.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import type { Sample } from '../../src/datasets/sample.js';
import { BenchError } from '../../src/errors.js';

const tmp = (): Promise<string> => tempDir('corpus');

test('openCorpus opens every registered corpus', async () => {
  assert.deepEqual(CORPUS_NAMES, ['affectnet', 'folder', 'csv']);
  const dir = await tmp();
  await writeAffectNetFixture({ dir, layout: 'march2021', perClass: 1, faults: { expression8to10: 3 } });
  const a = await openCorpus('affectnet', { root: dir });
  assert.equal(a.samples.length, 8);
  assert.deepEqual(corpusSummary(a), {
    corpus: 'affectnet',
    root: dir,
    split: 'val',
    layout: 'march2021',
    release: 'march2021',
    manifestSha256: a.manifestSha256,
    items: 8,
    classes: a.classes,
    sourceLabels: a.sourceLabels,
    skippedByReason: { 'expression-no-face': 1, 'expression-none': 1, 'expression-uncertain': 1 },
    flaggedByReason: {},
  });

  const folder = await tmp();
  await mkdir(path.join(folder, 'happy'));
  await writeFile(path.join(folder, 'happy', 'a.jpg'), 'x');
  await writeFile(path.join(folder, 'list.csv'), 'happy/a.jpg,happy\n');
  const f = await openCorpus('folder', { root: folder });
  const c = await openCorpus('csv', { file: path.join(folder, 'list.csv') });
  assert.equal(f.samples.length, 1);
  assert.equal(c.samples.length, 1);
  // Generic corpora are named after their root folder (not `folder`/`csv`), so two never merge in a table;
  // their release is unknown, so no published number applies to them.
  assert.equal(f.name, path.basename(folder));
  assert.equal(c.name, path.basename(folder));
  assert.equal(f.release, undefined);
  assert.equal((await openCorpus('folder', { root: folder, name: 'raf-db' })).name, 'raf-db');
});

test('an unknown corpus name is UNKNOWN_DATASET with a did-you-mean', async () => {
  await assert.rejects(openCorpus('afectnet', { root: '/nowhere' }), (e: unknown) => {
    assert.ok(e instanceof BenchError && e.code === 'UNKNOWN_DATASET');
    assert.match(e.message, /Did you mean: affectnet\?/);
    assert.match(e.fix ?? '', /affectnet, folder, csv/);
    return true;
  });
  await assert.rejects(openCorpus('toString', { root: '/nowhere' }), (e: unknown) => e instanceof BenchError && e.code === 'UNKNOWN_DATASET');
});

test('manifestSha256: order- and root-independent, sensitive to id, label, path, box, group and targets', () => {
  const root = '/data/x';
  const base: Sample[] = [
    { id: 'a', corpus: 'c', split: 's', label: 'anger', source: { kind: 'image', path: '/data/x/a.jpg', box: { x: 1, y: 2, width: 3, height: 4 } }, meta: { valence: 0.5 } },
    { id: 'b', corpus: 'c', split: 's', label: 'fear', group: 'g', source: { kind: 'image', path: '/data/x/b.jpg' } },
  ];
  const h = manifestSha256(base, root);
  assert.equal(manifestSha256([...base].reverse(), root), h);
  const moved = base.map((s) => ({ ...s, source: { ...s.source, path: (s.source as { path: string }).path.replace('/data/x', '/mnt/y') } })) as Sample[];
  assert.equal(manifestSha256(moved, '/mnt/y'), h);
  // Corpus name, split and other meta are not part of the item list.
  assert.equal(manifestSha256(base.map((s) => ({ ...s, corpus: 'other', meta: { ...s.meta, note: 1 } })), root), h);

  const variants: Sample[][] = [
    [{ ...base[0], id: 'a2' }, base[1]],
    [{ ...base[0], label: 'disgust' }, base[1]],
    [{ ...base[0], source: { kind: 'image', path: '/data/x/a2.jpg', box: { x: 1, y: 2, width: 3, height: 4 } } }, base[1]],
    [{ ...base[0], source: { kind: 'image', path: '/data/x/a.jpg', box: { x: 1, y: 2, width: 3, height: 5 } } }, base[1]],
    [{ ...base[0], source: { kind: 'image', path: '/data/x/a.jpg' } }, base[1]],
    [base[0], { ...base[1], group: 'h' }],
    [{ ...base[0], meta: { valence: 0.25 } }, base[1]],
    [base[0]],
  ];
  const hashes = new Set(variants.map((v) => manifestSha256(v, root)));
  assert.equal(hashes.size, variants.length);
  assert.ok(!hashes.has(h));
});

test('source label maps: JSON and key=value forms, synonyms, drop, did-you-mean on a bad value', () => {
  assert.deepEqual(parseSourceLabelMap('{"0": "angry", "1": "Disgust", "9": null}'), { '0': 'anger', '1': 'disgust', '9': null });
  assert.deepEqual(parseSourceLabelMap('0=anger, Suprise=surprise ,calm=drop,x='), { '0': 'anger', Suprise: 'surprise', calm: null, x: null });
  assert.deepEqual(parseSourceLabelMap('pos=group:positive'), { pos: 'group:positive' });
  assert.throws(() => parseSourceLabelMap('0=angr'), (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT' && /Did you mean: anger/.test(e.message));
  assert.throws(() => parseSourceLabelMap('{oops'), /not valid JSON/);
  assert.throws(() => parseSourceLabelMap('nokey'), /has no '='/);

  const map = { Happy: 'happiness', '0': 'anger' } as const;
  assert.equal(resolveSourceLabel('happy', map), 'happiness'); // case-insensitive key
  assert.equal(resolveSourceLabel(' 0 ', map), 'anger');
  assert.equal(resolveSourceLabel('fearful', map), 'fear'); // synonyms still apply
  assert.equal(resolveSourceLabel('7', map), undefined);
  assert.deepEqual(canonicalOrder(['anger', 'neutral', 'anger', 'group:negative', 'calm']), ['neutral', 'anger', 'calm', 'group:negative']);
});
