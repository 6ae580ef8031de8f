/** `--dataset afew|vgaf|ravdess|crema-d|affwild2|video-csv` and the video options, through openCorpusFromCli and `bench eval`'s parser. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { tempDir } from './tmpdir.js';
import { expectBenchError } from '../expect-error.js';
import { addVideoCorpusOptions, openCorpusFromCli, type CorpusCliOptions } from '../../src/cli/corpus-options.js';
import { corpusSummary } from '../../src/datasets/corpus.js';
import { writeAfewFixture } from '../../src/datasets/fixtures/afew-fixture.js';
import { writeVgafFixture } from '../../src/datasets/fixtures/vgaf-fixture.js';
import { writeRavdessFixture } from '../../src/datasets/fixtures/ravdess-fixture.js';
import { writeCremaDFixture } from '../../src/datasets/fixtures/crema-d-fixture.js';
import { writeAffWild2Fixture } from '../../src/datasets/fixtures/affwild2-fixture.js';

const cli = (o: Partial<CorpusCliOptions> & { dataset: string }): CorpusCliOptions => ({ split: 'val', layout: 'auto', ...o });

test('--dataset wiring: every video corpus opens from the CLI options, with its options applied', async () => {
  const dir = await tempDir('video-cli');
  const afew = await writeAfewFixture({ dir: path.join(dir, 'afew'), perClass: 1, frames: true });
  await writeVgafFixture({ dir: path.join(dir, 'vgaf'), perClass: 1, frames: true });
  const rav = await writeRavdessFixture({ dir: path.join(dir, 'ravdess'), actors: [1] });
  await writeCremaDFixture({ dir: path.join(dir, 'crema'), actors: [1001] });
  await writeAffWild2Fixture({ dir: path.join(dir, 'affwild2'), videos: 2 });

  const a = await openCorpusFromCli(cli({ dataset: 'afew', root: afew.videos.root }));
  assert.equal(a.samples.length, 7);
  assert.equal(a.layout, 'videos');
  const af = await openCorpusFromCli(cli({ dataset: 'afew', root: afew.videos.root, frames: 'hsemotion' }));
  assert.equal(af.layout, 'frames');
  // A --frames path that exists from the working directory is taken from there.
  const rel = path.relative(process.cwd(), path.join(afew.videos.root, 'val', 'AlignedFaces_LBPTOP_Points_Val'));
  assert.equal((await openCorpusFromCli(cli({ dataset: 'afew', root: afew.videos.root, frames: rel }))).manifestSha256, af.manifestSha256);
  assert.equal((await openCorpusFromCli(cli({ dataset: 'vgaf', root: path.join(dir, 'vgaf') }))).samples.length, 3);
  assert.equal((await openCorpusFromCli(cli({ dataset: 'vgaf', root: path.join(dir, 'vgaf'), frames: 'hsemotion' }))).layout, 'frames');
  const crema = await openCorpusFromCli(cli({ dataset: 'crema-d', root: path.join(dir, 'crema') }));
  assert.equal(crema.samples.length, 6);
  assert.equal((await openCorpusFromCli(cli({ dataset: 'affwild2', root: path.join(dir, 'affwild2') }))).samples.length, 2);

  const r = await openCorpusFromCli(cli({ dataset: 'ravdess', root: rav.root, calm: 'neutral', channel: 'speech' }));
  assert.deepEqual(corpusSummary(r).skippedByReason, rav.expected({ calm: 'neutral', channel: 'speech' }).skippedByReason);
  assert.equal(r.sourceLabels['02'], 'neutral');
  assert.equal(r.split, 'all');
  const both = await openCorpusFromCli(cli({ dataset: 'ravdess', root: rav.root, modality: 'both' }));
  assert.equal(both.samples.length, rav.expected({ modality: 'both' }).items.length);

  const clip = `crema/VideoFlash/${crema.samples[0].id}.flv`;
  await writeFile(path.join(dir, 'lab.csv'), `path,label\n${clip},ang\n`);
  const v = await openCorpusFromCli(cli({ dataset: 'video-csv', manifest: path.join(dir, 'lab.csv'), labelMap: 'ang=anger' }));
  assert.deepEqual(v.samples.map((s) => [s.id, s.label]), [[clip, 'anger']]);
});

test('--dataset wiring: missing --root, options given to the wrong corpus, a split where there is none', async () => {
  for (const dataset of ['afew', 'vgaf', 'ravdess', 'crema-d', 'affwild2']) {
    await assert.rejects(openCorpusFromCli(cli({ dataset })), expectBenchError('BAD_INPUT', new RegExp(`--dataset ${dataset} needs --root`)));
  }
  await assert.rejects(openCorpusFromCli(cli({ dataset: 'afew', root: '/x', calm: 'neutral' })), expectBenchError('BAD_INPUT', /--calm applies to --dataset ravdess, not afew/));
  await assert.rejects(openCorpusFromCli(cli({ dataset: 'ravdess', root: '/x', frames: 'hsemotion' })), expectBenchError('BAD_INPUT', /--frames applies to --dataset afew or vgaf, not ravdess/));
  await assert.rejects(openCorpusFromCli(cli({ dataset: 'ravdess', root: '/x', split: 'train' })), expectBenchError('BAD_INPUT', /ravdess has no splits/));
  await assert.rejects(openCorpusFromCli(cli({ dataset: 'ravdes', root: '/x' })), expectBenchError('UNKNOWN_DATASET', /Did you mean: ravdess/));
});

test('the video options parse as bench eval declares them; a bad choice is refused by the parser', async () => {
  const parse = (args: string[]): Record<string, unknown> => {
    const cmd = addVideoCorpusOptions(new Command('eval').exitOverride().configureOutput({ writeErr: () => {} }));
    cmd.parse(['node', 'eval', ...args]);
    return cmd.opts();
  };
  assert.deepEqual(parse(['--calm', 'neutral', '--modality', 'both', '--channel', 'song', '--frames', 'hsemotion', '--annotations', 'a']), {
    calm: 'neutral',
    modality: 'both',
    channel: 'song',
    frames: 'hsemotion',
    annotations: 'a',
  });
  assert.deepEqual(parse([]), {});
  assert.throws(() => parse(['--calm', 'merge']), /Allowed choices are drop, neutral, keep/);
});
