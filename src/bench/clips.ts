/**
 * Clip-level zero-shot scoring of video corpora. The video runner stores one prediction record per
 * sampled frame (`clip` and `frame` set) and, when a clip is finished, one clip record (`clip` set,
 * no `frame`) that marks it done and carries a clip-level skip (unreadable video, no frames). Scoring
 * turns them into one record per clip, so every metric, CI and table downstream counts clips, not
 * frames, exactly as the papers do.
 *
 * A clip's score is an aggregate of its face frames' scores (frames without a face have none):
 * - `mean-probabilities` (default): mean of the per-frame softmax (scores that are already
 *   probabilities are averaged as they are);
 * - `mean-logits`: mean of the raw scores;
 * - `majority`: one vote per frame for its argmax (first index on ties), as a score vector of vote
 *   fractions, so the clip's argmax is the most voted class, the lowest index on a tie.
 * Several faces in one frame (VGAF) are averaged first, then the frames are.
 * A clip with no face frame gets no score and the skip reason `no-face`: it is outside the face subset
 * (HSEmotion's "accuracy") and counted wrong in the complete accuracy.
 *
 * A clip record that carries its own `scores` and has no frame records is already a clip-level
 * prediction (a trained head's store, src/bench/protocols/feature-statistics.ts): it is kept as it is.
 */
import type { PredictionRecord } from './records.js';

export const CLIP_AGGREGATIONS = ['mean-probabilities', 'mean-logits', 'majority'] as const;
export type ClipAggregation = (typeof CLIP_AGGREGATIONS)[number];

export interface ClipAggregateOptions {
  /** How frame scores become the clip's. Default `mean-probabilities`. */
  aggregation?: ClipAggregation;
  /** What the model's expression head returns (the card's `heads.expression.kind`). */
  scoreKind: 'logits' | 'probabilities';
}

/** The reason a clip without any face frame is left out of the face subset. */
export const NO_FACE = 'no-face';

/** Whether a stored record is one frame of a clip (as opposed to a clip record or an image item). */
export function isFrameRecord(r: PredictionRecord): boolean {
  return r.clip !== undefined && r.frame !== undefined;
}

/** Softmax with the max subtracted (stable). */
export function softmax(scores: readonly number[]): number[] {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  const e = scores.map((s) => Math.exp(s - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function argmax(scores: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return best;
}

function frameVector(scores: readonly number[], aggregation: ClipAggregation, kind: ClipAggregateOptions['scoreKind']): number[] {
  if (aggregation === 'majority') {
    const v = new Array<number>(scores.length).fill(0);
    v[argmax(scores)] = 1;
    return v;
  }
  return aggregation === 'mean-probabilities' && kind === 'logits' ? softmax(scores) : [...scores];
}

function meanVector(vs: readonly number[][]): number[] {
  const sum = new Array<number>(vs[0].length).fill(0);
  for (const v of vs) for (let i = 0; i < v.length; i++) sum[i] += v[i];
  return sum.map((x) => x / vs.length);
}

function mean(xs: readonly number[]): number | undefined {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;
}

/** Per-clip counts behind the clip records (for coverage: frames sampled, frames with a face). */
export interface ClipFrameCounts {
  frames: number;
  faceFrames: number;
}

/**
 * One record per clip, in the order clips first appear: the clip record's id, label and group, the
 * aggregate of its face frames' scores and valence/arousal, `face` = at least one face frame, and the
 * clip record's skip, else `no-face` when no frame had a face. Frames of a clip without a clip record
 * (an interrupted run) are ignored: the clip is not finished.
 */
export function aggregateClips(records: readonly PredictionRecord[], opts: ClipAggregateOptions): { clips: PredictionRecord[]; counts: Map<string, ClipFrameCounts> } {
  const aggregation = opts.aggregation ?? 'mean-probabilities';
  const frames = new Map<string, PredictionRecord[]>();
  const clipRecords: PredictionRecord[] = [];
  for (const r of records) {
    if (r.clip === undefined) continue;
    if (r.frame === undefined) clipRecords.push(r);
    else {
      const list = frames.get(r.clip);
      if (list) list.push(r);
      else frames.set(r.clip, [r]);
    }
  }
  const counts = new Map<string, ClipFrameCounts>();
  const clips = clipRecords.map((c): PredictionRecord => {
    const own = (frames.get(c.clip!) ?? []).sort((a, b) => a.frame! - b.frame!);
    if (own.length === 0 && (c.scores !== null || c.frameCounts)) {
      counts.set(c.id, { frames: c.frameCounts?.sampled ?? 0, faceFrames: c.frameCounts?.withFace ?? 0 });
      return c;
    }
    const scored = own.filter((f) => f.face && f.scores !== null);
    counts.set(c.id, { frames: new Set(own.map((f) => f.frame)).size, faceFrames: new Set(scored.map((f) => f.frame)).size });
    const base: PredictionRecord = { id: c.id, clip: c.clip, group: c.group, label: c.label, scores: null, face: scored.length > 0, latencyMs: null };
    if (c.valenceTrue !== undefined) base.valenceTrue = c.valenceTrue;
    if (c.arousalTrue !== undefined) base.arousalTrue = c.arousalTrue;
    if (c.skip) return { ...base, skip: c.skip };
    if (scored.length === 0) return { ...base, skip: { reason: NO_FACE, detail: `no face in any of ${counts.get(c.id)!.frames} sampled frames` } };
    // Two levels, so a frame with several faces (VGAF's every-face policy) weighs as much as a frame with one.
    const byFrame = new Map<number, number[][]>();
    for (const f of scored) {
      const v = frameVector(f.scores!, aggregation, opts.scoreKind);
      const list = byFrame.get(f.frame!);
      if (list) list.push(v);
      else byFrame.set(f.frame!, [v]);
    }
    const out: PredictionRecord = { ...base, scores: meanVector([...byFrame.values()].map(meanVector)) };
    const latency = mean(scored.map((f) => f.latencyMs).filter((v): v is number => v !== null));
    if (latency !== undefined) out.latencyMs = latency;
    for (const dim of ['valence', 'arousal'] as const) {
      const m = mean(scored.map((f) => f[dim]).filter((v): v is number => v !== undefined));
      if (m !== undefined) out[dim] = m;
    }
    return out;
  });
  return { clips, counts };
}
