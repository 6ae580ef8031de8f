/**
 * The graph outputs of a replica, derived from the card's heads so the replica has exactly the I/O of
 * the published file it stands for.
 *
 * Score heads (expression, valence, arousal) are grouped by output name; within an output they must
 * tile its last axis [0, W) without gaps or overlaps (`start` defaults to 0). One linear layer maps the
 * trunk to all score columns, as the real models have (HSEmotion's Linear(1280, 10) feeds both the
 * 'output' [B,10] of the MTL export and the four outputs of the hsemotion-onnx fork); each output is
 * its slice of that layer. Softmax is applied to the expression columns when the card says
 * `probabilities`. A scalar head alone in its output with no `start`/`length` is exported as [B], as the
 * fork's `y[:, 8]` is; give it `length: 1` to get [B, 1].
 *
 * The embedding head selects a trunk tap by its output name (e.g. mobilenet_7's `global_pooling`),
 * otherwise the trunk's pooled features; `start`/`length` slice it.
 */
import { BenchError } from '../../errors.js';
import type { HeadRef, ModelCard } from '../card.js';
import type { Layers, Vector } from './layers.js';
import type { Dim } from './onnx-graph.js';
import type { Trunk } from './trunk.js';

export interface OutputSpec {
  name: string;
  dims: Dim[];
}

type ScoreKey = 'expression' | 'valence' | 'arousal';

interface ScoreHead {
  key: ScoreKey;
  ref: HeadRef;
  start: number;
  width: number;
}

/** One graph output carrying one or more score heads. */
export interface ScoreOutput {
  name: string;
  /** Heads sorted by start, tiling [0, width). */
  heads: ScoreHead[];
  width: number;
  /** Exported as [B] rather than [B, 1]. */
  squeeze: boolean;
}

export interface OutputPlan {
  scores: ScoreOutput[];
  embedding?: { name: string; ref: HeadRef };
}

function manifestError(card: ModelCard, message: string, fix: string): BenchError {
  return new BenchError('BAD_MANIFEST', `model '${card.name}': ${message}`, { fix });
}

/** Checks the card's heads and groups them into outputs; throws BAD_MANIFEST on a layout no network has. */
export function planOutputs(card: ModelCard): OutputPlan {
  const { heads } = card;
  const score: ScoreHead[] = [];
  const expressionWidth = heads.expression.length ?? card.classes.length;
  if (expressionWidth !== card.classes.length) {
    throw manifestError(
      card,
      `expression head has length ${expressionWidth} but the card lists ${card.classes.length} classes`,
      'make heads.expression.length equal the number of classes, or drop it',
    );
  }
  score.push({ key: 'expression', ref: heads.expression, start: heads.expression.start ?? 0, width: expressionWidth });
  for (const key of ['valence', 'arousal'] as const) {
    const ref = heads[key];
    if (ref) score.push({ key, ref, start: ref.start ?? 0, width: ref.length ?? 1 });
  }

  const byName = new Map<string, ScoreHead[]>();
  for (const h of score) byName.set(h.ref.output, [...(byName.get(h.ref.output) ?? []), h]);
  const scores: ScoreOutput[] = [];
  for (const [name, group] of byName) {
    group.sort((a, b) => a.start - b.start);
    let end = 0;
    for (const h of group) {
      if (h.start !== end) {
        throw manifestError(
          card,
          `heads of output '${name}' do not tile it: ${h.key} starts at ${h.start}, expected ${end}`,
          `give the heads sharing output '${name}' consecutive start/length ranges from 0`,
        );
      }
      end += h.width;
    }
    const only = group.length === 1 ? group[0] : undefined;
    const squeeze = only !== undefined && only.width === 1 && only.ref.start === undefined && only.ref.length === undefined;
    scores.push({ name, heads: group, width: end, squeeze });
  }

  const emb = heads.embedding;
  if (emb && byName.has(emb.output)) {
    throw manifestError(
      card,
      `embedding shares output '${emb.output}' with a score head`,
      'give the embedding its own output name',
    );
  }
  for (const name of [...byName.keys(), ...(emb ? [emb.output] : [])]) {
    if (name === card.input.name) throw manifestError(card, `output '${name}' has the input's name`, 'rename the input or the output');
  }
  return { scores, embedding: emb ? { name: emb.output, ref: emb } : undefined };
}

/** All output names of a plan (to `reserve` before the body is built). */
export function outputNames(plan: OutputPlan): string[] {
  return [...plan.scores.map((s) => s.name), ...(plan.embedding ? [plan.embedding.name] : [])];
}

/** Builds the classifier, writes and declares every planned output; returns them in declaration order. */
export function buildOutputs(l: Layers, trunk: Trunk, plan: OutputPlan, card: ModelCard, batch: Dim): OutputSpec[] {
  const specs: OutputSpec[] = [];
  const emit = (tensor: string, name: string, dims: Dim[]) => {
    l.g.node('Identity', [tensor], [name]);
    l.g.output(name, dims);
    specs.push({ name, dims });
  };
  const total = plan.scores.reduce((n, s) => n + s.width, 0);
  const scores = l.linear(trunk.penultimate, total);
  const softmaxExpression = card.heads.expression.kind === 'probabilities';
  const softmax = (v: Vector): Vector => ({ name: l.g.op('Softmax', [v.name], { axis: -1 }), width: v.width });
  let offset = 0;
  for (const out of plan.scores) {
    const whole = out.width === total ? scores : l.slice(scores, offset, out.width);
    let y: Vector;
    if (!softmaxExpression || !out.heads.some((h) => h.key === 'expression')) {
      y = whole;
    } else if (out.heads.length === 1) {
      y = softmax(whole);
    } else {
      // Expression shares the output with scalar heads: softmax its columns only, then reassemble.
      const parts = out.heads.map((h) => {
        const part = l.slice(scores, offset + h.start, h.width);
        return h.key === 'expression' ? softmax(part) : part;
      });
      y = { name: l.g.op('Concat', parts.map((p) => p.name), { axis: 1 }), width: out.width };
    }
    const final = out.squeeze ? l.g.op('Squeeze', [y.name, l.g.constant('squeeze_axes', new BigInt64Array([1n]), [1])]) : y.name;
    emit(final, out.name, out.squeeze ? [batch] : [batch, out.width]);
    offset += out.width;
  }
  if (plan.embedding) {
    const { name, ref } = plan.embedding;
    const tap = trunk.taps[name] ?? trunk.embedding;
    const start = ref.start ?? 0;
    const length = ref.length ?? tap.width - start;
    if (start + length > tap.width) {
      throw manifestError(
        card,
        `embedding [${start}, ${start + length}) exceeds the ${tap.width}-d features of ${card.architecture}`,
        'fix heads.embedding.start/length',
      );
    }
    const y = start === 0 && length === tap.width ? tap : l.slice(tap, start, length);
    emit(y.name, name, [batch, length]);
  }
  return specs;
}
