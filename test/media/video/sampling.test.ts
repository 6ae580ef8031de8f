import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emoAffectNetStep, ffmpegSelect, frameSampler, pythonRound, samplingPlan } from '../../../src/media/video/sampling.js';
import { expectBenchError } from '../../expect-error.js';

/** Python's `list(range(1, total + 1, step))`, written out, then shifted to 0-based. */
function emoReference(total: number, step: number): number[] {
  const oneBased: number[] = [];
  for (let f = 1; f <= total; f += step) oneBased.push(f);
  return oneBased.map((f) => f - 1);
}

test('every frame, every nth with an offset', () => {
  assert.deepEqual(samplingPlan({ kind: 'every' }, { fps: 25, frameCount: 4 }), [0, 1, 2, 3]);
  assert.deepEqual(samplingPlan({ kind: 'every-nth', n: 3 }, { fps: 25, frameCount: 10 }), [0, 3, 6, 9]);
  assert.deepEqual(samplingPlan({ kind: 'every-nth', n: 3, offset: 2 }, { fps: 25, frameCount: 10 }), [2, 5, 8]);
});

test("EMO-AffectNet's rule: every 5th frame at 25 fps, every 6th at 30, 1-based frame 1 is 0-based frame 0", () => {
  assert.equal(emoAffectNetStep(25), 5);
  assert.equal(emoAffectNetStep(30), 6);
  assert.equal(emoAffectNetStep(29.97), 6);
  assert.deepEqual(samplingPlan({ kind: 'emo-affectnet' }, { fps: 25, frameCount: 12 }), [0, 5, 10]);
  // RAVDESS 01-01-07-02-02-02-06.mp4: 119 frames at 30 fps (EMO's get_face_area.ipynb) → 1-based 1, 7, …, 115.
  const plan = samplingPlan({ kind: 'emo-affectnet' }, { fps: 30, frameCount: 119 });
  assert.deepEqual(plan, emoReference(119, 6));
  assert.equal(plan.length, 20);
  assert.deepEqual(plan.slice(0, 4), [0, 6, 12, 18]);
  for (const [fps, total] of [[24, 77], [25, 100], [50, 333], [60, 61]] as const) {
    assert.deepEqual(samplingPlan({ kind: 'emo-affectnet' }, { fps, frameCount: total }), emoReference(total, emoAffectNetStep(fps)));
  }
});

test("Python's round is half to even (12.5 fps → step 2, 37.5 → 8)", () => {
  assert.equal(pythonRound(2.5), 2);
  assert.equal(pythonRound(3.5), 4);
  assert.equal(pythonRound(-0.5), -0);
  assert.equal(emoAffectNetStep(12.5), 2);
  assert.equal(emoAffectNetStep(37.5), 8);
  assert.equal(emoAffectNetStep(1), 1, 'Python would raise on step 0; every frame is kept');
});

test('target fps: the first frame at or after each instant k/fps', () => {
  assert.deepEqual(samplingPlan({ kind: 'fps', fps: 5 }, { fps: 25, frameCount: 26 }), [0, 5, 10, 15, 20, 25]);
  // 30 → 4 fps: instants at frames 0, 7.5, 15, 22.5, 30 → ceil gives 0, 8, 15, 23, 30.
  assert.deepEqual(samplingPlan({ kind: 'fps', fps: 4 }, { fps: 30, frameCount: 31 }), [0, 8, 15, 23, 30]);
  // NTSC 29.97 → 5.994 is every 5th frame exactly, despite float error.
  assert.deepEqual(samplingPlan({ kind: 'fps', fps: 30000 / 1001 / 5 }, { fps: 30000 / 1001, frameCount: 3001 }).length, 601);
  assert.deepEqual(samplingPlan({ kind: 'fps', fps: 60 }, { fps: 25, frameCount: 3 }), [0, 1, 2], 'above the clip rate: every frame');
  // About fps × duration frames for any ratio.
  for (const [clip, target] of [[25, 3], [30, 7], [23.976, 10]] as const) {
    const n = samplingPlan({ kind: 'fps', fps: target }, { fps: clip, frameCount: Math.round(clip * 20) }).length;
    assert.ok(Math.abs(n - target * 20) <= 1, `${clip}→${target}: ${n}`);
  }
});

test('bad policies are BAD_INPUT with a fix', () => {
  assert.throws(() => frameSampler({ kind: 'every-nth', n: 0 }, 25), expectBenchError('BAD_INPUT', /n ≥ 1/));
  assert.throws(() => frameSampler({ kind: 'every-nth', n: 3, offset: 3 }, 25), expectBenchError('BAD_INPUT', /offset/));
  assert.throws(() => frameSampler({ kind: 'fps', fps: -1 }, 25), expectBenchError('BAD_INPUT', /target fps/));
  assert.throws(() => frameSampler({ kind: 'every' }, 0), expectBenchError('BAD_INPUT', /clip fps/));
  assert.throws(() => frameSampler({ kind: 'sometimes' } as never, 25), expectBenchError('BAD_INPUT', /unknown sampling/));
});

test("ffmpeg's select for the periodic policies maps the k-th selected frame to the plan's k-th index (decode.test runs it in ffmpeg)", () => {
  const cases = [
    [{ kind: 'every-nth', n: 4 }, 30],
    [{ kind: 'every-nth', n: 10, offset: 3 }, 25],
    [{ kind: 'emo-affectnet' }, 30],
    [{ kind: 'emo-affectnet' }, 25],
  ] as const;
  for (const [policy, fps] of cases) {
    const sel = ffmpegSelect(policy, fps)!;
    const plan = samplingPlan(policy, { fps, frameCount: 100 });
    assert.deepEqual(plan.map((_, k) => sel.indexOf(k)), plan);
    assert.match(sel.expr, /^(gte\(n\\,\d+\)\*)?not\(mod\(n(-\d+)?\\,\d+\)\)$/);
  }
  assert.equal(ffmpegSelect({ kind: 'every' }, 25), null);
  assert.equal(ffmpegSelect({ kind: 'fps', fps: 5 }, 25), null, 'fps ratios are filtered in Node');
  assert.equal(ffmpegSelect({ kind: 'every-nth', n: 1 }, 25), null);
  assert.equal(ffmpegSelect({ kind: 'emo-affectnet' }, 5), null, 'step 1');
});
