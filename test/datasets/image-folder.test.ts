import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { tempDir } from './tmpdir.js';
import { loadImageFolder } from '../../src/datasets/image-folder.js';
import { countByReason } from '../../src/datasets/skips.js';
import { BenchError } from '../../src/errors.js';

/** Writes `files` (relative path → bytes) under a fresh temp root. The loader never decodes them. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await tempDir('folder');
  for (const [rel, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), body);
  }
  return root;
}

test('folder names through the synonyms; sorted walk, recursive; classes in canonical order', async () => {
  const root = await tree({
    'happy/b.jpg': 'x',
    'happy/a.png': 'x',
    'happy/sub/c.jpeg': 'x',
    'angry/a.jpg': 'x',
    'Neutral/a.JPG': 'x',
  });
  const c = await loadImageFolder({ root, name: 'lab-set', split: 'test' });
  assert.equal(c.layout, 'folder');
  assert.deepEqual(c.classes, ['neutral', 'happiness', 'anger']);
  assert.deepEqual(
    c.samples.map((s) => [s.id, s.label, s.corpus, s.split]),
    [
      ['Neutral/a.JPG', 'neutral', 'lab-set', 'test'],
      ['angry/a.jpg', 'anger', 'lab-set', 'test'],
      ['happy/a.png', 'happiness', 'lab-set', 'test'],
      ['happy/b.jpg', 'happiness', 'lab-set', 'test'],
      ['happy/sub/c.jpeg', 'happiness', 'lab-set', 'test'],
    ],
  );
  assert.deepEqual(c.sourceLabels, { Neutral: 'neutral', angry: 'anger', happy: 'happiness' });
  assert.deepEqual(c.skipped, []);
  assert.ok(c.samples.every((s) => s.source.kind === 'image' && path.isAbsolute(s.source.path)));
});

test('numeric folders (RAF-DB style) need a label map; without one the load stops naming the folders', async () => {
  const root = await tree({ '1/a.jpg': 'x', '4/a.jpg': 'x', '7/a.jpg': 'x' });
  await assert.rejects(loadImageFolder({ root }), (e: unknown) => {
    assert.ok(e instanceof BenchError && e.code === 'BAD_LAYOUT');
    assert.match(e.message, /'1'.*'4'.*'7'/);
    assert.match(e.fix ?? '', /--label-map/);
    assert.equal(e.file, root);
    return true;
  });
  const c = await loadImageFolder({ root, labelMap: { '1': 'surprise', '4': 'happiness', '7': 'neutral' } });
  assert.deepEqual(c.samples.map((s) => s.label), ['surprise', 'happiness', 'neutral']);
  assert.deepEqual(c.classes, ['neutral', 'happiness', 'surprise']);
});

test('a misspelt folder gets a did-you-mean; a folder outside declared classes is refused too', async () => {
  const root = await tree({ 'Suprise/a.jpg': 'x', 'happy/a.jpg': 'x' });
  await assert.rejects(loadImageFolder({ root }), /'Suprise' Did you mean: surprise\?/);
  const ok = await tree({ 'sad/a.jpg': 'x', 'happy/a.jpg': 'x' });
  await assert.rejects(loadImageFolder({ root: ok, classes: ['happiness', 'anger'] }), (e: unknown) => {
    assert.ok(e instanceof BenchError && e.code === 'BAD_LAYOUT');
    assert.match(e.message, /'sad'/);
    return true;
  });
  const c = await loadImageFolder({ root: ok, classes: ['sadness', 'happiness', 'anger'] });
  assert.deepEqual(c.classes, ['sadness', 'happiness', 'anger']);
});

test('bad items are counted: excluded folder, stray and non-image files, empty files, broken symlinks', async () => {
  const root = await tree({
    'happy/a.jpg': 'x',
    'happy/notes.txt': 'x',
    'happy/.DS_Store': 'x', // dotfiles are ignored, not counted
    'happy/empty.jpg': '',
    'calm/a.jpg': 'x',
    'calm/b.jpg': 'x',
    'README.md': 'x',
  });
  await symlink(path.join(root, 'nowhere.jpg'), path.join(root, 'happy', 'broken.jpg'));
  const c = await loadImageFolder({ root, labelMap: { calm: null } });
  assert.deepEqual(c.samples.map((s) => s.id), ['happy/a.jpg']);
  assert.deepEqual(countByReason(c.skipped), {
    'empty-file': 1,
    'excluded-label': 2,
    'missing-file': 1,
    'not-an-image': 1,
    'not-in-class-folder': 1,
  });
  assert.deepEqual(c.sourceLabels, { calm: null, happy: 'happiness' });
  assert.deepEqual(c.classes, ['happiness']);
});

test('a root that is not a folder, or has no class folders, stops with BAD_LAYOUT', async () => {
  const root = await tree({ 'a.jpg': 'x' });
  await assert.rejects(loadImageFolder({ root: path.join(root, 'nope') }), (e: unknown) => e instanceof BenchError && e.code === 'BAD_LAYOUT');
  await assert.rejects(loadImageFolder({ root }), /no class sub-folders/);
});
