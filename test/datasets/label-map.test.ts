import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AFFECTNET_CLASSES } from '../../src/datasets/affectnet-labels.js';
import type { ClassName } from '../../src/datasets/emotions.js';
import { affectnetProtocol, buildLabelMap } from '../../src/datasets/label-map.js';
import { BenchError } from '../../src/errors.js';

// Model class orders from corpora.md §1.2 (HSEmotion: torchvision ImageFolder, alphabetical), §4.2 (EMO-AffectNet)
// and face-api's expression net (neutral, happy, sad, angry, fearful, disgusted, surprised).
const HSE8: ClassName[] = ['anger', 'contempt', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'];
const HSE7: ClassName[] = ['anger', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'];
const EMO: ClassName[] = ['neutral', 'happiness', 'sadness', 'surprise', 'fear', 'disgust', 'anger'];
const FACEAPI: ClassName[] = ['neutral', 'happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise'];
const AFFECTNET: ClassName[] = [...AFFECTNET_CLASSES];

/** AffectNet id → evaluation index, for ids 0..7. */
const idMap = (m: ReturnType<typeof buildLabelMap>): Record<number, number | 'drop'> =>
  Object.fromEntries(AFFECTNET.map((c, id) => [id, m.mapLabel(c)]));

/** np.argmax over `scores` with the `dropped` indices deleted, mapped back to original indices. */
function npArgmaxWithout(scores: number[], dropped: number[]): number {
  const kept = scores.map((_, i) => i).filter((i) => !dropped.includes(i));
  let best = kept[0];
  for (const i of kept) if (scores[i] > scores[best]) best = i;
  return best;
}

function randomScores(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 2 ** 32) * 10 - 5;
  });
}

test('presets: AffectNet-8 is ids 0..7, AffectNet-7 drops Contempt', () => {
  assert.deepEqual(affectnetProtocol(8), { name: '8-class', classes: AFFECTNET, named: true });
  assert.deepEqual(affectnetProtocol(7), { name: '7-class', classes: AFFECTNET.slice(0, 7), named: true });
  assert.ok(!affectnetProtocol(7).classes.includes('contempt'));
});

test('AffectNet-8 with an HSEmotion 8-class model: id → HSE index 0→5,1→4,2→6,3→7,4→3,5→2,6→0,7→1', () => {
  const m = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: HSE8, protocol: affectnetProtocol(8), order: 'model' });
  assert.deepEqual(idMap(m), { 0: 5, 1: 4, 2: 6, 3: 7, 4: 3, 5: 2, 6: 0, 7: 1 });
  assert.deepEqual(m.evalClasses, HSE8);
  assert.deepEqual(m.droppedLogits, []);
  // The inverse the March-2021 notebook prints: {0: 6, 1: 7, 2: 5, 3: 4, 4: 1, 5: 0, 6: 2, 7: 3}.
  assert.deepEqual(
    Object.fromEntries(m.evalClasses.map((c, i) => [i, AFFECTNET.indexOf(c)])),
    { 0: 6, 1: 7, 2: 5, 3: 4, 4: 1, 5: 0, 6: 2, 7: 3 },
  );

  // In protocol (AffectNet id) order the labels are the ids and the logits are read through the same table.
  const p = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: HSE8, protocol: affectnetProtocol(8) });
  assert.deepEqual(idMap(p), { 0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7 });
  assert.deepEqual(p.logitOf, [5, 4, 6, 7, 3, 2, 0, 1]);
  const scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
  assert.deepEqual(p.mapScores(scores), [0.6, 0.5, 0.7, 0.8, 0.4, 0.3, 0.1, 0.2]);
  assert.equal(p.predict(scores), 3); // surprise = HSE index 7
});

test('AffectNet-7 from an 8-class model: Contempt logit (HSE index 1) and Contempt items dropped, as the papers do', () => {
  const m = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: HSE8, protocol: affectnetProtocol(7), order: 'model' });
  assert.deepEqual(m.droppedLogits, [1]);
  assert.deepEqual(m.evalClasses, HSE7);
  // "y if y<1 else y-1" applied to the 8-class indices = the HSE-7 indices 0→4,1→3,2→5,3→6,4→2,5→1,6→0.
  assert.deepEqual(idMap(m), { 0: 4, 1: 3, 2: 5, 3: 6, 4: 2, 5: 1, 6: 0, 7: 'drop' });
  assert.equal(m.dropReason('contempt'), 'not-in-protocol');
  assert.equal(m.dropReason('anger'), undefined);

  // Prediction = np.argmax(np.delete(scores, 1)), re-indexed like the labels.
  for (let seed = 1; seed <= 200; seed++) {
    const s = randomScores(8, seed);
    const hse = npArgmaxWithout(s, [1]);
    assert.equal(m.predict(s), hse < 1 ? hse : hse - 1, `seed ${seed}`);
  }
  // Contempt scoring highest never wins; ties go to the lower model index.
  assert.equal(m.predict([0, 9, 0, 0, 0, 0, 0, 0]), 0);
  assert.equal(m.predict([0, 9, 0, 0, 3, 3, 0, 0]), 3); // happiness (HSE 4) before neutral (HSE 5)
  assert.deepEqual(m.mapScores([0, 9, 2, 3, 4, 5, 6, 7]), [0, 2, 3, 4, 5, 6, 7]);
});

test('AffectNet-7 accuracy of an 8-class model, computed through the map, equals the notebook recipe', () => {
  const m8 = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: HSE8, protocol: affectnetProtocol(8), order: 'model' });
  const m7 = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: HSE8, protocol: affectnetProtocol(7), order: 'model' });
  const hseOfId = [5, 4, 6, 7, 3, 2, 0, 1];
  let right8 = 0;
  let right7 = 0;
  let n7 = 0;
  let notebook7 = 0;
  for (let i = 0; i < 400; i++) {
    const id = i % 8;
    const s = randomScores(8, 1000 + i);
    s[hseOfId[id]] += i % 3 === 0 ? 0 : 10; // right on at least two thirds of the items
    if (m8.predict(s) === m8.mapLabel(AFFECTNET[id])) right8++;
    const y = m7.mapLabel(AFFECTNET[id]);
    if (y !== 'drop') {
      n7++;
      if (m7.predict(s) === y) right7++;
    }
    // Notebook: keep non-Contempt samples, delete logit 1, argmax, y if y<1 else y-1.
    const yh = hseOfId[id];
    if (yh !== 1 && npArgmaxWithout(s, [1]) === yh) notebook7++;
  }
  assert.equal(n7, 350);
  assert.equal(right7, notebook7);
  assert.ok(right8 >= 266 && right7 >= 233, `${right8} ${right7}`);
});

test('AffectNet-7 with HSEmotion 7-class models (enet_b0_7, mobilenet_7): nothing dropped from the model', () => {
  const m = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: HSE7, protocol: affectnetProtocol(7), order: 'model' });
  assert.deepEqual(m.droppedLogits, []);
  assert.deepEqual(idMap(m), { 0: 4, 1: 3, 2: 5, 3: 6, 4: 2, 5: 1, 6: 0, 7: 'drop' });
});

test('EMO-AffectNet order (= AffectNet ids 0..6): identity on AffectNet-7; AffectNet-8 drops or counts Contempt', () => {
  const m7 = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: EMO, protocol: affectnetProtocol(7) });
  assert.deepEqual(idMap(m7), { 0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 'drop' });
  assert.deepEqual(m7.logitOf, [0, 1, 2, 3, 4, 5, 6]);

  // Dropping Contempt from AffectNet-8 would be the 7-class protocol under the 8-class name: refused, saying so.
  assert.throws(
    () => buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: EMO, protocol: affectnetProtocol(8), missing: 'drop' }),
    (e: unknown) => e instanceof BenchError && e.code === 'BAD_INPUT' && /that is the 7-class protocol: use --classes 7/.test(e.fix ?? ''),
  );
  // A custom class list may drop, and the protocol name then says what was scored.
  const custom = { name: 'classes:all8', classes: AFFECTNET };
  const drop = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: EMO, protocol: custom, missing: 'drop' });
  assert.deepEqual(drop.evalClasses, AFFECTNET.slice(0, 7));
  assert.equal(drop.dropReason('contempt'), 'model-lacks-class');
  assert.equal(drop.protocolName, `classes:${AFFECTNET.slice(0, 7).join('+')}`);

  // The default under AffectNet-8: Contempt items counted wrong, as the papers' 8-class column would be.
  const wrong = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: EMO, protocol: affectnetProtocol(8) });
  assert.equal(wrong.describe().missing, 'count-wrong');
  assert.deepEqual(wrong.describe().countedWrong, ['contempt']);
  assert.equal(wrong.protocolName, '8-class');
  assert.deepEqual(wrong.evalClasses, AFFECTNET);
  assert.equal(wrong.mapLabel('contempt'), 7);
  assert.deepEqual(wrong.logitOf, [0, 1, 2, 3, 4, 5, 6, null]);
  assert.deepEqual(wrong.mapScores([1, 2, 3, 4, 5, 6, 7]), [1, 2, 3, 4, 5, 6, 7, -Infinity]);
  for (let seed = 1; seed <= 50; seed++) assert.notEqual(wrong.predict(randomScores(7, seed)), 7);
});

test('face-api order (neutral, happy, sad, angry, fearful, disgusted, surprised) on AffectNet-7', () => {
  const m = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: FACEAPI, protocol: affectnetProtocol(7), order: 'model' });
  assert.deepEqual(idMap(m), { 0: 0, 1: 1, 2: 2, 3: 6, 4: 4, 5: 5, 6: 3, 7: 'drop' });
  const p = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: FACEAPI, protocol: affectnetProtocol(7) });
  assert.deepEqual(p.logitOf, [0, 1, 2, 6, 4, 5, 3]);
  assert.equal(p.predict([0, 0, 0, 5, 0, 0, 0]), 6); // angry → anger = AffectNet id 6
});

test('no protocol: corpus classes the model lacks are dropped, model classes the corpus lacks are not predicted', () => {
  const ravdessLike: ClassName[] = ['neutral', 'calm', 'happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise'];
  const m = buildLabelMap({ corpusClasses: ravdessLike, modelClasses: HSE8 });
  assert.deepEqual(m.evalClasses, ravdessLike.filter((c) => c !== 'calm'));
  assert.equal(m.dropReason('calm'), 'model-lacks-class');
  assert.deepEqual(m.droppedLogits, [1]); // contempt
  assert.equal(m.predict([0, 9, 0, 0, 0, 0, 1, 0]), m.evalClasses.indexOf('sadness'));
});

test('describe() is JSON and says what was kept and dropped', () => {
  const m = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: HSE8, protocol: affectnetProtocol(7), order: 'model' });
  const d = m.describe();
  assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  assert.equal(d.protocol, '7-class');
  assert.equal(d.requestedProtocol, '7-class');
  assert.equal(d.missing, 'count-wrong');
  assert.deepEqual(d.countedWrong, []);
  assert.deepEqual(d.droppedLogits, [{ class: 'contempt', model: 1 }]);
  assert.deepEqual(d.labels.find((l) => l.class === 'contempt'), { class: 'contempt', drop: 'not-in-protocol' });
  assert.deepEqual(d.labels.find((l) => l.class === 'neutral'), { class: 'neutral', eval: 4 });
  assert.deepEqual(d.logits[0], { class: 'anger', eval: 0, model: 0 });
  assert.deepEqual(d.logits[1], { class: 'disgust', eval: 1, model: 2 });
  assert.deepEqual(d.absentFromCorpus, []);
});

test('errors: duplicates, too few classes, wrong score length, a label outside the corpus', () => {
  const code = (c: string) => (e: unknown) => e instanceof BenchError && e.code === c;
  assert.throws(() => buildLabelMap({ corpusClasses: ['anger', 'anger'], modelClasses: HSE8 }), code('BAD_INPUT'));
  assert.throws(() => buildLabelMap({ corpusClasses: ['calm', 'other'], modelClasses: HSE8 }), code('BAD_INPUT'));
  const m = buildLabelMap({ corpusClasses: AFFECTNET, modelClasses: HSE8 });
  assert.throws(() => m.predict([1, 2, 3]), code('MODEL_IO_MISMATCH'));
  assert.throws(() => m.mapLabel('calm'), /not in the corpus classes/);
});

test('an explicit protocol never narrows the prediction space to the classes the corpus holds', () => {
  // Issue 14.2: two neutral items whose 8-way argmax is surprise must be wrong under an explicit 8-class list.
  const neutralOnly: ClassName[] = ['neutral'];
  const m = buildLabelMap({ corpusClasses: neutralOnly, modelClasses: HSE8, protocol: affectnetProtocol(8) });
  assert.deepEqual(m.evalClasses, AFFECTNET);
  const surprise = [0, 0, 0, 0, 0, 1, 0, 9]; // HSE index 7 = surprise, neutral (5) second
  assert.equal(m.evalClasses[m.predict(surprise)], 'surprise');
  assert.notEqual(m.predict(surprise), m.mapLabel('neutral'));
  assert.deepEqual(m.describe().absentFromCorpus, AFFECTNET.filter((c) => c !== 'neutral'));
});

test('a corpus holding only some classes scores under an explicit class list; the absent ones are recorded', () => {
  // Issue 8.7: a folder with only happy/ used to fail with "label map leaves 1 class".
  const list = { name: 'classes:7', classes: HSE7 };
  const m = buildLabelMap({ corpusClasses: ['happiness'], modelClasses: HSE7, protocol: list });
  assert.deepEqual(m.evalClasses, HSE7);
  assert.equal(m.mapLabel('happiness'), HSE7.indexOf('happiness'));
  assert.deepEqual(m.describe().absentFromCorpus, HSE7.filter((c) => c !== 'happiness'));
  assert.equal(m.protocolName, 'classes:7');
});
