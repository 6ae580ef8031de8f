import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { EMOTIONS, type ClassName } from '../../src/datasets/emotions.js';
import { buildLabelMap, type MissingPolicy } from '../../src/datasets/label-map.js';
import { parseSourceLabelMap, rowLabel, toClassName } from '../../src/datasets/source-labels.js';
import { parseRavdessName, RAVDESS_EMOTIONS } from '../../src/datasets/ravdess.js';
import { CREMA_D_EMOTIONS, parseCremaDName } from '../../src/datasets/crema-d.js';
import { openCorpusFromCli } from '../../src/cli/corpus-options.js';
import { tempDir } from '../datasets/tmpdir.js';
import { expectBenchError } from '../expect-error.js';
import { FUZZ_TEST_TIMEOUT, fuzzParams, hostileField, mutatedJson, mutatedLines, resultOrBenchError } from './fuzz.js';

const VALID_JSON = { '0': 'anger', '1': 'disgust', Suprise: 'surprise', calm: null, '5': 'drop', happy: 'Happiness' };
const VALID_CLI = '0=anger,1=disgust,Suprise=surprise,calm=drop,5=,happy=Happiness';

/** A parsed label map holds own entries whose values are canonical classes or null. */
function checkMap(m: Record<string, ClassName | null>): void {
  for (const [k, v] of Object.entries(m)) {
    assert.ok(Object.hasOwn(m, k));
    assert.ok(v === null || toClassName(v) === v, `${k} → ${String(v)}`);
  }
}

test('fuzz label maps: JSON and key=value specs (mutated and arbitrary) parse or fail as a BenchError', { timeout: FUZZ_TEST_TIMEOUT }, async () => {
  const spec = fc.oneof(
    mutatedJson(VALID_JSON).map((j) => JSON.stringify(j) ?? ''),
    mutatedLines(VALID_CLI.split(',').join('\n'), { sep: '=' }).map((t) => t.split('\n').join(',')),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.array(fc.tuple(hostileField, hostileField), { maxLength: 6 }).map((kv) => kv.map(([k, v]) => `${k}=${v}`).join(',')),
  );
  await fc.assert(
    fc.asyncProperty(spec, async (s) => resultOrBenchError(() => parseSourceLabelMap(s), checkMap)),
    fuzzParams(500, 201),
  );
});

test('fuzz label maps: label rows through a map always come back as a label, an exclusion or an unknown', { timeout: FUZZ_TEST_TIMEOUT }, () => {
  fc.assert(
    fc.property(hostileField, fc.constantFrom(undefined, parseSourceLabelMap(VALID_JSON)), (raw, map) => {
      const seen: Record<string, ClassName | null> = {};
      const r = rowLabel(raw, map, undefined, seen);
      if (r.ok) assert.ok((EMOTIONS as readonly string[]).includes(r.label) || r.label.startsWith('group:'));
      else assert.ok(r.reason === 'unknown-label' || r.reason === 'excluded-label');
      if (r.ok || r.reason === 'excluded-label') assert.ok(Object.hasOwn(seen, raw), `'${raw}' recorded in sourceLabels`);
    }),
    fuzzParams(500, 202),
  );
});

test('fuzz label maps: any corpus/model/protocol class lists build a map or fail as a BenchError', { timeout: FUZZ_TEST_TIMEOUT }, async () => {
  const classes = fc.array(fc.constantFrom(...EMOTIONS), { maxLength: 9 });
  await fc.assert(
    fc.asyncProperty(
      classes,
      classes,
      fc.option(fc.record({ name: fc.constantFrom('8-class', 'custom'), classes, named: fc.boolean() }), { nil: undefined }),
      fc.constantFrom<MissingPolicy | undefined>(undefined, 'drop', 'count-wrong'),
      fc.constantFrom<'protocol' | 'model'>('protocol', 'model'),
      async (corpusClasses, modelClasses, protocol, missing, order) =>
        resultOrBenchError(
          () => buildLabelMap({ corpusClasses, modelClasses, protocol, missing, order }),
          (m) => {
            const scores = modelClasses.map((_, i) => i / 10);
            const p = m.predict(scores);
            assert.ok(Number.isInteger(p) && p >= 0 && p < m.evalClasses.length);
            assert.equal(m.mapScores(scores).length, m.evalClasses.length);
          },
        ),
    ),
    fuzzParams(500, 203),
  );
});

test('fuzz label maps: regressions found by the fuzzer', async () => {
  // A corpus label spelt `__proto__` was assigned as a prototype and vanished from the map.
  const m = parseSourceLabelMap('{"__proto__": "anger", "constructor": "fear"}');
  assert.deepEqual(Object.entries(m), [['__proto__', 'anger'], ['constructor', 'fear']]);
  assert.deepEqual(rowLabel('__proto__', m, undefined, {}), { ok: true, label: 'anger' });
  // A JSON file given to --label-map is named in its errors.
  const file = path.join(await tempDir('labelmap'), 'map.json');
  await writeFile(file, '{"0": "angerr"}');
  await assert.rejects(openCorpusFromCli({ dataset: 'csv', manifest: '/nonexistent.csv', split: 'all', layout: 'auto', labelMap: file }), expectBenchError('BAD_INPUT', /angerr/, /map\.json/, /one of/));
  assert.throws(() => parseSourceLabelMap('{"0": {"x": 1}}'), expectBenchError('BAD_INPUT', /'\{"x":1\}'/));
});

const RAVDESS_CODES = ['00', '01', '02', '03', '04', '05', '06', '07', '08', '09', '12', '18', '24', '25', '99'];
const CREMA_FIELDS = ['1001', '1091', '1000', '1092', 'DFA', 'IEO', 'XYZ', ...CREMA_D_EMOTIONS.map(([c]) => c), 'LO', 'MD', 'HI', 'XX', '__proto__', 'constructor', 'toString', ''];

test('fuzz file names: RAVDESS and CREMA-D stems parse to a valid name or a broken rule, never throw', { timeout: FUZZ_TEST_TIMEOUT }, () => {
  const ravdess = fc.oneof(
    fc.array(fc.constantFrom(...RAVDESS_CODES), { minLength: 6, maxLength: 8 }).map((f) => f.join('-')),
    fc.string({ unit: 'binary', maxLength: 24 }),
    hostileField,
  );
  fc.assert(
    fc.property(ravdess, fc.option(fc.integer({ min: -1, max: 30 }), { nil: undefined }), (name, folderActor) => {
      const r = parseRavdessName(name, folderActor);
      if ('rule' in r) assert.equal(typeof r.rule, 'string');
      else {
        assert.ok(RAVDESS_EMOTIONS.some(([code]) => code === r.emotionCode));
        assert.ok(r.actor >= 1 && r.actor <= 24);
      }
    }),
    fuzzParams(1000, 204),
  );
  const crema = fc.oneof(fc.array(fc.constantFrom(...CREMA_FIELDS), { minLength: 3, maxLength: 5 }).map((f) => f.join('_')), fc.string({ unit: 'binary', maxLength: 24 }));
  fc.assert(
    fc.property(crema, (name) => {
      const r = parseCremaDName(name);
      if ('rule' in r) assert.equal(typeof r.rule, 'string');
      else assert.ok(['low', 'medium', 'high', 'unspecified'].includes(r.level), `level ${String(r.level)}`);
    }),
    fuzzParams(1000, 205),
  );
  // Regression: a level spelt `constructor` read Object.prototype.constructor as a level.
  assert.ok('rule' in parseCremaDName('1001_DFA_ANG_constructor'));
  // And a label spelt `constructor` was read as a class by the synonym table.
  assert.equal(toClassName('constructor'), undefined);
  assert.throws(() => parseSourceLabelMap('0=constructor'), expectBenchError('BAD_INPUT', /constructor/));
});
