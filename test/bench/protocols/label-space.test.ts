import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VALENCE_MAP, locoLabelSpace, parseValenceMap, projectToValence, valenceProjection } from '../../../src/bench/protocols/label-space.js';
import { matrixLabelSpace } from '../../../src/bench/protocols/matrix.js';
import type { ClassName } from '../../../src/datasets/emotions.js';
import { expectBenchError } from '../../expect-error.js';

const corpus = (name: string, classes: ClassName[], labels: Array<ClassName | null>) => ({
  name,
  classes,
  samples: labels.map((label, i) => ({ id: `${name}${i}`, corpus: name, split: 'all', label, source: { kind: 'video' as const, path: `/${i}.mp4` } })),
});
const EMO7: ClassName[] = ['neutral', 'happiness', 'sadness', 'surprise', 'fear', 'disgust', 'anger'];
const RAVDESS: ClassName[] = [...EMO7, 'calm'];
const CREMA: ClassName[] = ['neutral', 'happiness', 'sadness', 'fear', 'disgust', 'anger'];
const VGAF: ClassName[] = ['group:positive', 'group:neutral', 'group:negative'];

test('LOCO: RAVDESS calm is excluded and counted next to 7-class corpora; CREMA-D removes surprise everywhere', () => {
  const two = locoLabelSpace([corpus('ravdess', RAVDESS, ['calm', 'calm', 'neutral', 'surprise', null]), corpus('savee', EMO7, ['anger', 'happiness'])]);
  assert.deepEqual(two.classes, EMO7);
  assert.deepEqual(two.corpora[0].excluded, { 'not-in-intersection': 2, 'no-label': 1 });
  assert.deepEqual(two.corpora[0].excludedClasses, { calm: 2 });
  assert.equal(two.corpora[0].kept, 2);
  const three = locoLabelSpace([corpus('ravdess', RAVDESS, ['calm', 'surprise', 'anger']), corpus('crema-d', CREMA, ['anger']), corpus('savee', EMO7, ['surprise', 'fear'])]);
  assert.deepEqual(three.classes, CREMA);
  assert.deepEqual(three.corpora[2].excludedClasses, { surprise: 1 });
});

test('LOCO refuses an empty intersection and a corpus left without items, with a fix', () => {
  assert.throws(() => locoLabelSpace([corpus('ravdess', RAVDESS, ['anger']), corpus('vgaf', VGAF, ['group:positive'])]), expectBenchError('BAD_INPUT', /share no class/, /group valence.*bench matrix/));
  assert.throws(() => locoLabelSpace([corpus('a', ['neutral', 'calm'], ['neutral']), corpus('b', ['neutral', 'anger'], ['anger'])]), expectBenchError('BAD_INPUT', /only neutral/, /share at least two/));
  assert.throws(() => locoLabelSpace([corpus('a', CREMA, ['anger']), corpus('b', EMO7, ['surprise'])]), expectBenchError('BAD_INPUT', /no item of b/, /leave b out/));
});

test('matrix: an 8-class model on a 7-class corpus reads 7 logits; a 7-class model drops RAVDESS calm items', () => {
  const eight: ClassName[] = ['anger', 'contempt', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'];
  const s = matrixLabelSpace('m8', eight, corpus('savee', EMO7, ['anger']));
  assert.deepEqual(s.classes, EMO7);
  assert.deepEqual(s.droppedLogits, ['contempt']);
  const r = matrixLabelSpace('m7', EMO7, corpus('ravdess', RAVDESS, ['calm', 'anger']));
  assert.deepEqual(r.exclusions.excludedClasses, { calm: 1 });
  assert.equal(r.valence, undefined);
});

test('VGAF valence from emotion scores: the default map, a user map, and the refusals', () => {
  const s = matrixLabelSpace('m7', EMO7, corpus('vgaf', VGAF, ['group:positive']));
  assert.equal(s.valence!.source, 'default');
  assert.deepEqual(s.valence!.map, Object.fromEntries(EMO7.map((c) => [c, DEFAULT_VALENCE_MAP[c as keyof typeof DEFAULT_VALENCE_MAP]])));
  // Probabilities summed per valence: happiness + surprise positive, neutral, the rest negative.
  const p = [0.1, 0.3, 0.05, 0.2, 0.05, 0.1, 0.2];
  const v = projectToValence(s.valence!, EMO7, p, 'probabilities');
  assert.deepEqual(v.map((x) => Math.round(x * 100) / 100), [0.5, 0.1, 0.4]);
  const logits = projectToValence(s.valence!, EMO7, [0, 0, 0, 0, 0, 0, 0], 'logits');
  assert.ok(Math.abs(logits[0] - 2 / 7) < 1e-12 && Math.abs(logits[2] - 4 / 7) < 1e-12);
  const user = parseValenceMap('happiness=positive, neutral=neutral, sad=negative');
  assert.deepEqual(user, { happiness: 'positive', neutral: 'neutral', sadness: 'negative' });
  const u = valenceProjection(EMO7, VGAF, user);
  assert.deepEqual(u.unmapped, ['surprise', 'fear', 'disgust', 'anger']);
  assert.throws(() => valenceProjection(EMO7, VGAF, { happiness: 'positive', anger: 'negative' }), expectBenchError('BAD_INPUT', /gives group:neutral no emotion/, /--valence-map/));
  assert.throws(() => parseValenceMap('joy=good'), expectBenchError('BAD_INPUT', /"joy=good" is not a valence/));
  assert.throws(() => parseValenceMap('glee=positive'), expectBenchError('BAD_INPUT', /unknown emotion "glee"/));
});
