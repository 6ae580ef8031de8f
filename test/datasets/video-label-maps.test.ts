/** The video corpora's label spaces against the published models' class orders, through the label map. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLabelMap } from '../../src/datasets/label-map.js';
import type { ClassName } from '../../src/datasets/emotions.js';
import { AFEW_CLASSES } from '../../src/datasets/afew.js';
import { VGAF_CLASSES } from '../../src/datasets/vgaf.js';
import { ravdessClasses } from '../../src/datasets/ravdess.js';
import { CREMA_D_CLASSES } from '../../src/datasets/crema-d.js';
import { AFFWILD2_CLASSES } from '../../src/datasets/affwild2.js';

// HSEmotion 8-class (alphabetical ImageFolder order), HSEmotion 7-class, EMO-AffectNet (AffectNet ids 0..6).
const HSE8: ClassName[] = ['anger', 'contempt', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'];
const HSE7: ClassName[] = ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'];
const EMO: ClassName[] = ['neutral', 'happiness', 'sadness', 'surprise', 'fear', 'disgust', 'anger'];

test('AFEW is HSEmotion-7 exactly: an 8-class model loses only its Contempt logit', () => {
  assert.deepEqual([...AFEW_CLASSES], HSE7);
  const m = buildLabelMap({ corpusClasses: AFEW_CLASSES, modelClasses: HSE8, missing: 'drop' });
  assert.deepEqual(m.evalClasses, HSE7);
  assert.deepEqual(m.droppedLogits, [1]);
  assert.equal(m.mapLabel('happiness'), 3);
});

test('RAVDESS against EMO-AffectNet: 7 classes with calm dropped; kept calm is a class the model lacks', () => {
  const dropped = buildLabelMap({ corpusClasses: ravdessClasses('drop'), modelClasses: EMO, missing: 'drop' });
  assert.equal(dropped.evalClasses.length, 7);
  assert.deepEqual(dropped.droppedLogits, []);
  const kept = buildLabelMap({ corpusClasses: ravdessClasses('keep'), modelClasses: EMO, missing: 'drop' });
  assert.equal(kept.dropReason('calm'), 'model-lacks-class');
  const wrong = buildLabelMap({ corpusClasses: ravdessClasses('keep'), modelClasses: EMO, missing: 'count-wrong' });
  assert.equal(wrong.evalClasses.length, 8);
});

test('CREMA-D has no surprise: an HSEmotion-7 model keeps 6 logits', () => {
  const m = buildLabelMap({ corpusClasses: CREMA_D_CLASSES, modelClasses: HSE7, missing: 'drop' });
  assert.deepEqual(m.evalClasses, ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness']);
  assert.deepEqual(m.droppedLogits, [6]);
});

test("Aff-Wild2's Other has no logit in an emotion model; VGAF's group valence shares no class with one", () => {
  const m = buildLabelMap({ corpusClasses: AFFWILD2_CLASSES, modelClasses: HSE8, missing: 'drop' });
  assert.equal(m.dropReason('other'), 'model-lacks-class');
  assert.deepEqual(m.droppedLogits, [1]);
  assert.throws(() => buildLabelMap({ corpusClasses: VGAF_CLASSES, modelClasses: HSE8 }), /0 classes to evaluate/);
  const valence = buildLabelMap({ corpusClasses: VGAF_CLASSES, modelClasses: ['group:positive', 'group:neutral', 'group:negative'] });
  assert.deepEqual(valence.evalClasses, VGAF_CLASSES);
});
