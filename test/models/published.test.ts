/**
 * Which published value applies to a run, for the trained-head protocol whose numbers the cards
 * publish under other protocol names: an `hsemotion-svm` run's `accuracy` is the card's
 * `faces-detected` accuracy and its `complete_accuracy` the card's `complete` accuracy; no other
 * protocol sees either, and the entries a record carries re-apply the same way (tables).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applicablePublished, publishedForRun } from '../../src/models/published.js';
import type { PublishedResult } from '../../src/models/card.js';

const CARD: PublishedResult[] = [
  { corpus: 'afew', protocol: 'faces-detected', split: 'val', release: 'official', metric: 'accuracy', value: 59.89, source: 'README' },
  { corpus: 'vgaf', protocol: 'faces-detected', split: 'val', release: 'official', metric: 'accuracy', value: 66.8, source: 'README' },
  { corpus: 'afew', protocol: 'complete', split: 'val', release: 'official', metric: 'accuracy', value: 59.27, source: 'notebook' },
];
const run = (protocol: string, corpus = 'afew') => ({ corpus, split: 'val', release: 'official' as string | undefined, protocol });

test('hsemotion-svm: faces-detected → accuracy, complete → complete_accuracy, for the run corpus and release only', () => {
  assert.deepEqual(
    publishedForRun(CARD, run('hsemotion-svm')).map((p) => [p.metric, p.protocol, p.value]),
    [['accuracy', 'faces-detected', 59.89], ['complete_accuracy', 'complete', 59.27]],
  );
  assert.deepEqual(publishedForRun(CARD, run('hsemotion-svm', 'vgaf')).map((p) => p.value), [66.8]);
  assert.deepEqual(publishedForRun(CARD, { ...run('hsemotion-svm'), release: undefined }), [], 'an unknown release gets nothing');
  assert.deepEqual(publishedForRun(CARD, run('all-classes')), [], 'a zero-shot run is never compared with the SVM numbers');
});

test('the entries a record carries re-apply under its protocol and no other', () => {
  const carried = publishedForRun(CARD, run('hsemotion-svm'));
  assert.deepEqual(applicablePublished(carried, run('hsemotion-svm')), carried);
  assert.deepEqual(applicablePublished(carried, run('all-classes')), []);
});
