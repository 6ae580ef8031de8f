import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvRecords, parsePredictionsCsv } from '../../../src/bench/metrics/predictions-csv.js';
import { BenchError } from '../../../src/errors.js';

const file = 'preds.csv';

test('records: quoted fields, "" escapes, CRLF, BOM and blank lines, with line numbers', () => {
  const text = '\uFEFFid,label,pred\r\n"a,1",anger,"say ""hi"""\r\n\r\nlast,x,\n';
  assert.deepEqual(csvRecords(text, file), [
    { line: 1, fields: ['id', 'label', 'pred'] },
    { line: 2, fields: ['a,1', 'anger', 'say "hi"'] },
    { line: 4, fields: ['last', 'x', ''] },
  ]);
});

test('class names are inferred sorted, emotion synonyms resolved as in eval; id and group are read', () => {
  const t = parsePredictionsCsv('id,group,label,pred\n1,c1,sad,happy\n2,c1,Happiness,joy\n3,c2,angry,SAD\n', { file });
  assert.deepEqual(t.classes, ['anger', 'happiness', 'sadness']);
  assert.deepEqual(Array.from(t.labels), [2, 1, 0]);
  assert.deepEqual(Array.from(t.preds!), [1, 1, 2]);
  assert.deepEqual(t.groups, ['c1', 'c1', 'c2']);
  assert.deepEqual(t.ids, ['1', '2', '3']);
  assert.equal(t.scores, undefined);
});

test('indices infer classes 0..max, including the score columns', () => {
  const t = parsePredictionsCsv('LABEL,Pred,score_0,score_1,score_2,score_3\n0,1,0.1,0.6,0.2,0.1\n2,2,0.1,0.1,0.7,0.1\n', { file });
  assert.deepEqual(t.classes, ['0', '1', '2', '3']);
  assert.deepEqual(Array.from(t.labels), [0, 2]);
  assert.deepEqual(Array.from(t.scores!), [0.1, 0.6, 0.2, 0.1, 0.1, 0.1, 0.7, 0.1]);
});

test('explicit classes accept names or indices; score columns map to class order; no pred column → argmax later', () => {
  const t = parsePredictionsCsv('label,score_sad,score_happy,score_anger\nanger,0.1,0.2,0.7\n1,0.5,0.3,0.2\n', {
    file,
    classes: ['anger', 'happy', 'sad'],
  });
  assert.deepEqual(t.classes, ['anger', 'happiness', 'sadness']);
  assert.deepEqual(Array.from(t.labels), [0, 1]);
  assert.equal(t.preds, undefined);
  assert.deepEqual(Array.from(t.scores!), [0.7, 0.2, 0.1, 0.2, 0.3, 0.5]);
});

test('predictions CSV errors name the file, the line and the fix', () => {
  const check = (text: string, row: number | undefined, pattern: RegExp, classes?: string[]) =>
    assert.throws(
      () => parsePredictionsCsv(text, { file, classes }),
      (e) => e instanceof BenchError && e.file === file && e.row === row && pattern.test(e.message) && Boolean(e.fix),
    );
  check('', undefined, /the file is empty/);
  check('label,pred\na,b\na,b,c\n', 3, /line 3 has 3 fields but the header has 2/);
  check('label,pred\n"a,b\n', 2, /line 2: unterminated quoted field/);
  check('label,pred\n"a"x,b\n', 2, /line 2: unexpected 'x' after a closing quote/);
  check('label,pred\n', undefined, /header but no rows/);
  check('lable,pred\na,b\n', 1, /no "label" column.*Did you mean: lable/);
  check('label,id\na,b\n', 1, /no "pred" column and no score columns/);
  check('label,pred\nanger,happy\nangr,happy\n', 3, /line 3: label "angr" is not one of the 2 classes \(anger, happiness\)\. Did you mean: anger/, ['anger', 'happy']);
  check('label,pred\nanger,5\n', 2, /line 2: pred "5"/, ['anger', 'happy']);
  check('label,pred\nanger,\n', 2, /line 2: empty pred/);
  check('label,pred,score_anger\nanger,anger,0.2\n', 1, /"score_happiness" is missing/, ['anger', 'happy']);
  check('label,pred,score_angr,score_happy\nanger,anger,0.2,0.1\n', 1, /score column "score_angr" names no class/, ['anger', 'happy']);
  check('label,pred,score_anger,score_happy\nanger,anger,0.2,0.1\nanger,anger,NaN,0.1\n', 3, /line 3: score_anger = "NaN" is not a finite number/);
  check('label,pred,group\na,a,g\na,a,\n', 3, /line 3: empty group/);
  check('label,pred\nanger,happy\nhappy,hapy\n', 3, /line 3: pred "hapy" is not an emotion name\. Did you mean: happiness/);
  check('label,pred,score_anger,score_hapy\nanger,anger,0.2,0.1\n', 1, /score column "score_hapy" is not an emotion name/);
  check('label,pred,Label\na,a,a\n', 1, /column "label" appears 2 times/);
});

test('a typo in pred is an error, not a fourth class; synonyms in --classes are one class', () => {
  assert.throws(
    () => parsePredictionsCsv('label,pred\nanger,anger\nhappy,hapy\nsad,sad\n', { file }),
    (e) => e instanceof BenchError && e.code === 'BAD_CSV' && e.row === 3 && /Did you mean: happiness/.test(e.message) && /--classes/.test(e.fix ?? ''),
  );
  assert.throws(
    () => parsePredictionsCsv('label,pred\nanger,anger\n', { file, classes: ['anger', 'happiness', 'joy'] }),
    (e) => e instanceof BenchError && /duplicates once synonyms are resolved: anger,happiness,happiness/.test(e.message),
  );
  // A vocabulary that is not emotions is inferred as written.
  assert.deepEqual(parsePredictionsCsv('label,pred\npos,neg\nneg,neg\n', { file }).classes, ['neg', 'pos']);
});
