/** Compares a loaded video corpus with what its fixture writer says a correct loader must report. */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Corpus } from '../../src/datasets/corpus.js';
import { countByReason } from '../../src/datasets/skips.js';
import type { VideoFixture } from '../../src/datasets/fixtures/clip-writer.js';

const byId = <T extends { id: string }>(xs: T[]): T[] => [...xs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

export function assertMatchesFixture(corpus: Corpus, fx: VideoFixture): void {
  const got = byId(
    corpus.samples.map((s) => {
      const src = s.source.kind === 'frames-dir' ? s.source.dir : s.source.path;
      return { id: s.id, label: s.label, group: s.group, path: path.relative(corpus.root, src).split(path.sep).join('/') };
    }),
  );
  assert.deepEqual(got, byId(fx.items));
  // Rows are compared where the fixture knows them (items listed in a labels file).
  const rowKnown = new Set(fx.skipped.filter((x) => x.row !== undefined).map((x) => x.id));
  assert.deepEqual(byId(corpus.skipped.map((s) => ({ id: s.id, reason: s.reason, ...(rowKnown.has(s.id) ? { row: s.row } : {}) }))), byId(fx.skipped));
  assert.deepEqual(countByReason(corpus.skipped), fx.skippedByReason);
  for (const s of corpus.skipped) assert.ok(s.file, `skip ${s.id} (${s.reason}) names its file`);
}
