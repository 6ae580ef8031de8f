import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateClips, isFrameRecord, NO_FACE } from '../../src/bench/clips.js';
import type { PredictionRecord } from '../../src/bench/records.js';

const frame = (clip: string, i: number, scores: number[] | null, extra: Partial<PredictionRecord> = {}): PredictionRecord => ({
  id: `${clip}@${i}`,
  clip,
  frame: i,
  group: 'actor1',
  label: 0,
  scores,
  face: scores !== null,
  latencyMs: scores ? 2 : null,
  ...extra,
});
const clipRecord = (clip: string, extra: Partial<PredictionRecord> = {}): PredictionRecord => ({ id: clip, clip, group: 'actor1', label: 1, scores: null, face: false, latencyMs: null, ...extra });

test('mean of per-frame softmax over face frames only; frames without a face are not averaged in', () => {
  const records = [clipRecord('a'), frame('a', 0, [0, Math.log(3)]), frame('a', 2, null), frame('a', 1, [Math.log(3), 0], { valence: 0.5 }), frame('a', 3, [0, 0], { valence: -0.1 })];
  const { clips, counts } = aggregateClips(records, { scoreKind: 'logits' });
  assert.equal(clips.length, 1);
  const c = clips[0];
  // softmax: [0.25, 0.75], [0.75, 0.25], [0.5, 0.5] → mean [0.5, 0.5]
  assert.deepEqual(c.scores!.map((s) => Math.round(s * 1e12) / 1e12), [0.5, 0.5]);
  assert.equal(c.label, 1, 'the clip record carries the label');
  assert.equal(c.face, true);
  assert.equal(c.valence, 0.2);
  assert.equal(c.latencyMs, 2);
  assert.deepEqual(counts.get('a'), { frames: 4, faceFrames: 3 });
  assert.equal(isFrameRecord(records[1]), true);
  assert.equal(isFrameRecord(records[0]), false);
});

test('mean-logits averages raw scores; probabilities are not softmaxed again', () => {
  const records = [clipRecord('a'), frame('a', 0, [1, 3]), frame('a', 1, [3, 1]), frame('a', 2, [2, 8])];
  assert.deepEqual(aggregateClips(records, { scoreKind: 'logits', aggregation: 'mean-logits' }).clips[0].scores, [2, 4]);
  const probs = [clipRecord('a'), frame('a', 0, [0.2, 0.8]), frame('a', 1, [0.6, 0.4])];
  const got = aggregateClips(probs, { scoreKind: 'probabilities' }).clips[0].scores!;
  assert.ok(Math.abs(got[0] - 0.4) < 1e-15 && Math.abs(got[1] - 0.6) < 1e-15);
});

test('majority: vote fractions, ties go to the lower index', () => {
  const records = [clipRecord('a'), frame('a', 0, [5, 1, 0]), frame('a', 1, [0, 2, 1]), frame('a', 2, [0, 0, 9]), frame('a', 3, [3, 3, 0])];
  // argmaxes 0, 1, 2, 0 (tie → 0)
  assert.deepEqual(aggregateClips(records, { scoreKind: 'logits', aggregation: 'majority' }).clips[0].scores, [0.5, 0.25, 0.25]);
});

test('a clip without face frames is skipped as no-face; a clip-level skip is kept; unfinished clips are ignored', () => {
  const records = [
    clipRecord('noface'),
    frame('noface', 0, null),
    clipRecord('broken', { skip: { reason: 'video-unreadable', detail: 'moov atom not found' } }),
    frame('unfinished', 0, [1, 0]),
    clipRecord('b'),
    frame('b', 0, [0, 1]),
  ];
  const { clips } = aggregateClips(records, { scoreKind: 'logits' });
  assert.deepEqual(clips.map((c) => [c.id, c.skip?.reason ?? null]), [
    ['noface', NO_FACE],
    ['broken', 'video-unreadable'],
    ['b', null],
  ]);
  assert.equal(clips[0].scores, null);
  assert.equal(clips[0].face, false);
});

test('several faces in one frame are averaged within the frame first, then frames are averaged', () => {
  const records = [
    clipRecord('g'),
    frame('g', 0, [1, 0, 0], { id: 'g@0.0' }),
    frame('g', 0, [0, 1, 0], { id: 'g@0.1' }),
    frame('g', 1, [0, 0, 1], { id: 'g@1.0' }),
  ];
  // frame 0 → [0.5, 0.5, 0], frame 1 → [0, 0, 1]; clip → [0.25, 0.25, 0.5] (a flat mean would give 1/3 each)
  assert.deepEqual(aggregateClips(records, { scoreKind: 'probabilities' }).clips[0].scores, [0.25, 0.25, 0.5]);
  assert.deepEqual(aggregateClips(records, { scoreKind: 'probabilities' }).counts.get('g'), { frames: 2, faceFrames: 2 });
});
