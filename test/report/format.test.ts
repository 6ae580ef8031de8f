import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareCorpusColumns,
  corpusLabel,
  formatDiff,
  formatMetric,
  formatWithCI,
  metricHeading,
  metricKey,
  metricUnit,
  publishedToRecordScale,
} from '../../src/report/format.js';

test('metricKey makes card and scorer spellings one metric', () => {
  assert.equal(metricKey('macro_f1'), metricKey('macroF1'));
  assert.equal(metricKey('Macro-F1'), metricKey('macro_f1'));
  assert.equal(metricKey('ccc_valence'), metricKey('valence_ccc'));
  assert.notEqual(metricKey('ccc_valence'), metricKey('ccc_arousal'));
});

test('units: rates print in percent with 1 decimal (2 when asked), CCC raw with 3, published percent comes to the record scale', () => {
  assert.equal(metricUnit('uar'), 'percent');
  assert.equal(metricUnit('top2Accuracy'), 'percent');
  assert.equal(metricUnit('weightedF1'), 'percent');
  assert.equal(metricUnit('ccc_arousal'), 'raw');
  assert.equal(formatWithCI('accuracy', 0.6193, 0.604, 0.634), '61.9 [60.4, 63.4]');
  assert.equal(formatWithCI('accuracy', 0.6193, 0.604, 0.634, { percentDecimals: 2 }), '61.93 [60.40, 63.40]');
  assert.equal(formatWithCI('ccc_valence', 0.5937, 0.571, 0.61), '0.594 [0.571, 0.610]');
  assert.equal(formatWithCI('uar', 0.5, null, null), '50.0');
  assert.equal(formatMetric('uar', NaN), 'n/a');
  assert.equal(formatDiff('accuracy', -0.0152), '-1.5');
  assert.equal(formatDiff('accuracy', -0.00001), '+0.0');
  assert.equal(formatDiff('ccc_valence', 0.012), '+0.012');
  assert.equal(publishedToRecordScale('accuracy', 56.73), 0.5673);
  assert.equal(publishedToRecordScale('ccc_valence', 0.5937), 0.5937);
  assert.equal(metricHeading('macroF1'), 'Macro-F1 (%)');
  assert.equal(metricHeading('ccc_valence'), 'CCC (valence)');
});

test('corpus columns are named and ordered as in the HSEmotion README', () => {
  const cols = [
    { corpus: 'vgaf', protocol: 'default' },
    { corpus: 'affectnet', protocol: '7-class' },
    { corpus: 'zeta', protocol: 'default' },
    { corpus: 'afew', protocol: 'faces-detected' },
    { corpus: 'affectnet', protocol: '8-class' },
    { corpus: 'afew', protocol: 'complete' },
  ];
  assert.deepEqual(
    cols.sort(compareCorpusColumns).map((c) => corpusLabel(c.corpus, c.protocol)),
    ['AffectNet-8', 'AffectNet-7', 'AFEW (faces-detected)', 'AFEW (complete)', 'VGAF', 'zeta'],
  );
});
