import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { defaultZooPath, getModel, headlineResult, readZooFile } from '../../src/models/zoo.js';
import { tempDir } from '../datasets/tmpdir.js';
import { FUZZ_TEST_TIMEOUT, fuzzParams, mutatedBytes, mutatedJson, resultOrBenchError } from './fuzz.js';

const ZOO_TEXT = readFileSync(defaultZooPath(), 'utf8');
const ZOO = JSON.parse(ZOO_TEXT) as { models: unknown[] };
/** Three cards keep each case small while covering every format and head kind the zoo has. */
const SMALL = { ...ZOO, models: ZOO.models.slice(0, 3) };

test('fuzz model cards: a mutated zoo file (fields, JSON text) validates or fails as a BenchError naming the file', { timeout: FUZZ_TEST_TIMEOUT }, async () => {
  const file = path.join(await tempDir('fuzz-zoo'), 'zoo.json');
  const text = fc.oneof(
    { arbitrary: mutatedJson(SMALL, 4).map((j) => JSON.stringify(j) ?? ''), weight: 4 },
    mutatedBytes(new TextEncoder().encode(JSON.stringify(SMALL))).map((b) => Buffer.from(b).toString('latin1')),
    fc.jsonValue({ maxDepth: 3 }).map((j) => JSON.stringify(j) ?? ''),
  );
  await fc.assert(
    fc.asyncProperty(text, async (t) => {
      await writeFile(file, t);
      await resultOrBenchError(
        () => readZooFile(file),
        (zoo) => {
          for (const card of zoo.models) {
            assert.equal(getModel(card.name, zoo), card);
            headlineResult(card, 'affectnet', '8-class', 'accuracy');
            assert.ok(card.classes.length > 0 && new Set(card.classes).size === card.classes.length);
          }
        },
        file,
      );
    }),
    fuzzParams(300, 501, 5000),
  );
});

test('the packaged zoo itself validates (the fuzz base is a real, valid file)', () => {
  assert.ok(readZooFile(defaultZooPath()).models.length >= 3);
});
