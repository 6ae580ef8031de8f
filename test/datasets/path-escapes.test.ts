/**
 * Paths read out of a file (CSV and video manifests, AffectNet's lists) that lead outside their root, by
 * `..`, an absolute path or a real symlink (a file, a folder at any depth, a frame in a frame folder), stop
 * the load with BAD_MANIFEST naming the manifest, the row and the fix. Symlinks that stay inside, and a
 * root that is itself a symlink, still load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { loadCsvManifest } from '../../src/datasets/csv-manifest.js';
import { loadVideoManifest } from '../../src/datasets/video-manifest.js';
import { loadAffectNet } from '../../src/datasets/affectnet.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { RealRoot } from '../../src/datasets/paths.js';
import { expectBenchError } from '../expect-error.js';
import { tempDir } from './tmpdir.js';

/** A root with real files, and an `outside/` folder beside it holding a "secret". */
async function layout(): Promise<{ top: string; root: string; outside: string }> {
  const top = await tempDir('escape');
  const root = path.join(top, 'corpus');
  const outside = path.join(top, 'outside');
  await mkdir(path.join(root, 'in'), { recursive: true });
  await mkdir(path.join(outside, 'deep'), { recursive: true });
  for (const f of ['in/a.jpg', 'in/b.jpg']) await writeFile(path.join(root, f), 'not empty');
  await writeFile(path.join(outside, 'secret.jpg'), 'secret');
  await writeFile(path.join(outside, 'deep', 'secret.jpg'), 'secret');
  return { top, root, outside };
}

/** The error of a manifest whose row `row` leads outside: names the manifest, the row and a fix. */
const escapes = (file: string, row: number, what: RegExp) => (e: unknown) => {
  expectBenchError('BAD_MANIFEST', what, /outside/, /list only files inside/)(e);
  const err = e as { file?: string; row?: number };
  assert.equal(err.file, file);
  assert.equal(err.row, row);
  return true;
};

test('CSV manifest: .., absolute paths and symlinks out of the root (file, folder, deep folder) are refused with the row', async () => {
  const { root, outside } = await layout();
  await symlink(path.join(outside, 'secret.jpg'), path.join(root, 'link.jpg'));
  await symlink(outside, path.join(root, 'out-dir'));
  await mkdir(path.join(root, 'a', 'b'), { recursive: true });
  await symlink(outside, path.join(root, 'a', 'b', 'c'));
  const file = path.join(root, 'm.csv');
  const cases: Array<[string, RegExp]> = [
    ['../outside/secret.jpg', /outside/],
    [path.join(outside, 'secret.jpg'), /secret\.jpg/],
    ['link.jpg', /link\.jpg is a symlink to .*secret\.jpg/],
    ['out-dir/secret.jpg', /its folder is really .*outside/],
    ['a/b/c/deep/secret.jpg', /its folder is really .*outside.deep/],
  ];
  for (const [listed, what] of cases) {
    await writeFile(file, `path,label\nin/a.jpg,happy\n${listed},sad\n`);
    await assert.rejects(loadCsvManifest({ file }), escapes(file, 3, what), listed);
    // Refused whether or not files are checked: the check is about where a path leads, not whether it exists.
    await assert.rejects(loadCsvManifest({ file, checkFiles: false }), escapes(file, 3, what), listed);
  }
});

test('CSV manifest: symlinks that stay inside the root, and a root reached through a symlink, load', async () => {
  const { top, root } = await layout();
  await symlink(path.join(root, 'in', 'a.jpg'), path.join(root, 'alias.jpg'));
  await symlink(path.join(root, 'in'), path.join(root, 'in-again'));
  const file = path.join(root, 'm.csv');
  await writeFile(file, 'path,label\nalias.jpg,happy\nin-again/b.jpg,sad\nin/../in/a.jpg,fear\n');
  const c = await loadCsvManifest({ file });
  assert.deepEqual(c.samples.map((s) => s.id), ['alias.jpg', 'in-again/b.jpg', 'in/a.jpg']);
  // The root given as a symlink: checked against its real folder, so nothing leads out.
  await symlink(root, path.join(top, 'corpus-link'));
  const viaLink = await loadCsvManifest({ file: path.join(top, 'corpus-link', 'm.csv') });
  assert.equal(viaLink.samples.length, 3);
});

test('video manifest: a symlinked clip, a frame folder leading out, or a symlinked frame inside one are refused', async () => {
  const { root, outside } = await layout();
  await mkdir(path.join(root, 'frames', 'clip1'), { recursive: true });
  await writeFile(path.join(root, 'frames', 'clip1', '001.png'), 'frame');
  await mkdir(path.join(root, 'frames', 'clip2'), { recursive: true });
  await writeFile(path.join(root, 'frames', 'clip2', '001.png'), 'frame');
  await symlink(path.join(outside, 'secret.jpg'), path.join(root, 'frames', 'clip2', '002.png'));
  await symlink(outside, path.join(root, 'frames', 'clip3'));
  await symlink(path.join(outside, 'secret.jpg'), path.join(root, 'clip.mp4'));
  const file = path.join(root, 'v.csv');
  const cases: Array<[string, RegExp]> = [
    ['clip.mp4', /clip\.mp4 is a symlink/],
    ['frames/clip3', /clip3 is really .*outside/],
    ['frames/clip2', /002\.png is a symlink to .*secret\.jpg/],
    ['../outside/secret.jpg', /outside/],
  ];
  for (const [listed, what] of cases) {
    await writeFile(file, `path,label\nframes/clip1,happy\n${listed},sad\n`);
    await assert.rejects(loadVideoManifest({ file }), escapes(file, 3, what), listed);
  }
  await writeFile(file, 'path,label\nframes/clip1,happy\n');
  assert.equal((await loadVideoManifest({ file })).samples.length, 1);
});

test('AffectNet csv: a row whose image folder is a symlink out of Manually_Annotated_Images is refused; a symlinked images folder loads', async () => {
  const top = await tempDir('escape-affectnet');
  const store = path.join(top, 'disk2');
  const fx = await writeAffectNetFixture({ dir: path.join(store, 'AffectNet'), layout: 'csv', perClass: 1, imageSize: 48 });
  // A root whose Manually_Annotated_Images/ is a symlink to another disk: its real folder is the root.
  const root = path.join(top, 'AffectNet');
  await mkdir(path.join(root, 'Manually_Annotated_file_lists'), { recursive: true });
  await symlink(path.join(store, 'AffectNet', 'Manually_Annotated_Images'), path.join(root, 'Manually_Annotated_Images'));
  const list = path.join(root, 'Manually_Annotated_file_lists', 'validation.csv');
  const rows = (await readFile(fx.splits.val!.file!, 'utf8')).trimEnd().split('\n');
  await writeFile(list, rows.join('\n') + '\n');
  assert.equal((await loadAffectNet({ root })).samples.length, 8);

  const outside = path.join(top, 'outside');
  await mkdir(outside);
  await writeFile(path.join(outside, 'x.jpg'), 'secret');
  await symlink(outside, path.join(store, 'AffectNet', 'Manually_Annotated_Images', '999'));
  const bad = rows[2].split(',');
  bad[0] = '999/x.jpg';
  await writeFile(list, [...rows.slice(0, 3), bad.join(','), ...rows.slice(3)].join('\n') + '\n');
  await assert.rejects(loadAffectNet({ root }), escapes(list, 4, /999.x\.jpg: its folder is really .*outside/));
  bad[0] = '../../x.jpg';
  await writeFile(list, [...rows.slice(0, 3), bad.join(','), ...rows.slice(3)].join('\n') + '\n');
  await assert.rejects(loadAffectNet({ root }), escapes(list, 4, /\.\.\/\.\.\/x\.jpg/));
});

test('RealRoot: missing paths pass (the stat pass counts them); a dangling symlink is not followed out', async () => {
  const { root, outside } = await layout();
  const real = await RealRoot.of(root);
  assert.equal(await real.escape(path.join(root, 'in', 'nope.jpg'), 'file'), undefined);
  assert.equal(await real.escape(path.join(root, 'nope', 'x.jpg'), 'file'), undefined);
  assert.equal(await real.escape(path.join(root, 'in'), 'dir'), undefined);
  await symlink(path.join(outside, 'gone.jpg'), path.join(root, 'dangling.jpg'));
  assert.equal(await real.escape(path.join(root, 'dangling.jpg'), 'file'), undefined);
});
