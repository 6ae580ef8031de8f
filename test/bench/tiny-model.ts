/**
 * A tiny REAL classifier for evaluation tests: an ONNX graph written with OnnxGraph, run by
 * onnxruntime-node like any published model, plus a user zoo file with its card.
 *
 * Input 'input' NCHW [B, 3, 32, 32] normalised as HSEmotion does (ImageNet mean/std); output 'output'
 * [B, 10] = 8 expression logits in HSEmotion order, then valence, then arousal. The graph averages each
 * channel (GlobalAveragePool), undoes the normalisation and scores the mean colour against the tint the
 * AffectNet fixture paints each class's face with (hue = id × 45°, see affectnet-fixture.ts): logit_k =
 * 10 · chroma(mean colour) · chroma(tint_k), chroma(v) = v − mean(v). The fixture crops are a flat
 * tint with dark eyes and mouth, so this nearest-hue rule reads the class off the colour, with two
 * deliberate confusions so the protocols have something to show:
 *  - the Contempt logit also scores the Anger tint higher than Anger does: Anger faces are predicted
 *    Contempt under AffectNet-8 and (Contempt logit dropped) Anger under AffectNet-7;
 *  - the Surprise logit also scores the Fear tint: Fear faces are predicted Surprise under both.
 * Valence = R − B and arousal = G − 0.5 of the mean colour (0..1), whatever the truth.
 *
 * The last layer is element-wise (Slice, Mul, Add; no Gemm), so an item's outputs do not depend on the
 * batch it ran in: an interrupted and resumed evaluation gives bit-identical scores.
 *
 * Also here: `runBenchCli`, the real `bench` command in a child process, for the CLI tests.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AFFECTNET_CLASSES } from '../../src/datasets/affectnet-labels.js';
import type { Emotion } from '../../src/datasets/emotions.js';
import type { ModelCard, ModelCardInput } from '../../src/models/card.js';
import { OnnxGraph } from '../../src/models/replicas/onnx-graph.js';
import { loadZoo, getModel } from '../../src/models/zoo.js';

export const TINY_MODEL = 'tiny_fer_va_mtl';
export const TINY_FILE = `${TINY_MODEL}.onnx`;
export const TINY_SIZE = 32;
/** HSEmotion's 8-class output order. */
export const TINY_CLASSES: readonly Emotion[] = ['anger', 'contempt', 'disgust', 'fear', 'happiness', 'neutral', 'sadness', 'surprise'];
const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;
const SCALE = 10;

/** The published numbers on the tiny card (copied from enet_b0_8_va_mtl): exercise "published vs measured". */
export const TINY_PUBLISHED = { acc8: 61.93, acc7: 64.94, cccValence: 0.5937, cccArousal: 0.5486 } as const;

/** The fixture's tint of AffectNet id `id`, as 0..1 RGB (same formula as affectnet-fixture.ts's hueColor). */
export function fixtureTint(id: number): [number, number, number] {
  const h = id * 45;
  const f = (n: number): number => {
    const k = (n + h / 60) % 6;
    return Math.round(255 * (0.85 - 0.6 * Math.max(0, Math.min(k, 4 - k, 1)))) / 255;
  };
  return [f(5), f(3), f(1)];
}

function chroma(v: readonly number[]): number[] {
  const m = (v[0] + v[1] + v[2]) / 3;
  return v.map((x) => x - m);
}

/** Per model class, the colour direction its logit scores (pixel space 0..1, RGB). */
function classDirections(): number[][] {
  const tintOf = (c: Emotion) => chroma(fixtureTint(AFFECTNET_CLASSES.indexOf(c)));
  return TINY_CLASSES.map((c) => {
    const d = tintOf(c);
    const plus = c === 'contempt' ? tintOf('anger') : c === 'surprise' ? tintOf('fear') : null;
    return plus ? d.map((x, i) => x + plus[i]) : d;
  });
}

/**
 * The weights of out = Σ_c v_c · W[c] + b, with v the normalised channel means: pixel-space weights A
 * with the normalisation folded in (q_c = v_c · std_c + mean_c).
 */
function tinyWeights(): { W: number[][]; b: number[] } {
  const dirs = classDirections();
  // A[c][j]: pixel-space weight of channel c for output j (8 logits, valence, arousal).
  const A: number[][] = [0, 1, 2].map((c) => [...dirs.map((d) => SCALE * d[c]), c === 0 ? 1 : c === 2 ? -1 : 0, c === 1 ? 1 : 0]);
  const a = [...TINY_CLASSES.map(() => 0), 0, -0.5];
  const W = A.map((row, c) => row.map((w) => w * STD[c]));
  const b = a.map((v, j) => v + A.reduce((s, row, c) => s + row[j] * MEAN[c], 0));
  return { W, b };
}

/**
 * The serialised tiny model (same bytes every call). `nanOutput` makes that output column (0..7 a logit,
 * 8 valence, 9 arousal) NaN for the items whose mean red is below mid-grey (sqrt of a negative number),
 * to test that such items are skipped with a reason while the others are scored.
 */
export function tinyModelBytes(opts: { nanOutput?: number } = {}): Uint8Array {
  const g = new OnnxGraph({ producer: 'fer-bench-test', name: 'tiny_fer' });
  const x = g.input('input', ['batch', 3, TINY_SIZE, TINY_SIZE]);
  g.output('output', ['batch', 10]);
  const pooled = g.op('GlobalAveragePool', [x]);
  const flat = g.op('Flatten', [pooled], { axis: 1 }); // [B, 3]
  const { W, b } = tinyWeights();
  let acc: string | null = null;
  for (let c = 0; c < 3; c++) {
    const starts = g.constant('starts', BigInt64Array.from([BigInt(c)]), [1]);
    const ends = g.constant('ends', BigInt64Array.from([BigInt(c + 1)]), [1]);
    const axes = g.constant('axes', BigInt64Array.from([1n]), [1]);
    const ch = g.op('Slice', [flat, starts, ends, axes]); // [B, 1]
    const w = g.param('w', Float32Array.from(W[c]), [1, 10]);
    const term = g.op('Mul', [ch, w]); // [B, 10]
    acc = acc === null ? term : g.op('Add', [acc, term]);
  }
  const bias = g.param('b', Float32Array.from(b), [1, 10]);
  if (opts.nanOutput === undefined) {
    g.node('Add', [acc!, bias], ['output']);
    return g.toBytes();
  }
  // NaN (or 0) in one column: sqrt(red - mid) * 0, padded with zeros to [B, 10].
  const starts = g.constant('starts', BigInt64Array.from([0n]), [1]);
  const ends = g.constant('ends', BigInt64Array.from([1n]), [1]);
  const axes = g.constant('axes', BigInt64Array.from([1n]), [1]);
  const red = g.op('Slice', [flat, starts, ends, axes]); // [B, 1], normalised
  const mid = g.param('mid', Float32Array.from([(0.5 - MEAN[0]) / STD[0]]), [1, 1]);
  const zero = g.param('zero', Float32Array.from([0]), [1, 1]);
  const nan = g.op('Mul', [g.op('Sqrt', [g.op('Sub', [red, mid])]), zero]);
  const pads = g.constant('pads', BigInt64Array.from([0n, BigInt(opts.nanOutput), 0n, BigInt(9 - opts.nanOutput)]), [4]);
  const mask = g.op('Pad', [nan, pads]); // [B, 10]
  g.node('Add', [g.op('Add', [acc!, bias]), mask], ['output']);
  return g.toBytes();
}

export interface TinyModel {
  dir: string;
  /** The .onnx file (also what a FER_BENCH_CACHE=dir lookup finds). */
  onnxPath: string;
  /** A user zoo file holding the tiny card (for FER_BENCH_ZOO or loadZoo({ userZoo })). */
  zooPath: string;
  sha256: string;
  /** The validated card, as getModel returns it from the merged zoo. */
  card: ModelCard;
}

/** The tiny card: enet_b0_8_va_mtl's card, shrunk to the tiny model. */
export function tinyCardInput(sha256?: string): ModelCardInput {
  return {
    name: TINY_MODEL,
    family: 'custom',
    description: 'Test model: 8 expression logits + valence + arousal from the mean colour of a 32x32 crop (test/bench/tiny-model.ts).',
    weights: { name: TINY_FILE, format: 'onnx', ...(sha256 ? { sha256 } : {}) },
    architecture: 'efficientnet_b0',
    input: { name: 'input', size: TINY_SIZE, colorOrder: 'RGB', layout: 'NCHW', scale: 1 / 255, mean: [...MEAN], std: [...STD], resize: 'cv2' },
    heads: {
      expression: { output: 'output', start: 0, length: 8, kind: 'logits' },
      valence: { output: 'output', start: 8, length: 1 },
      arousal: { output: 'output', start: 9, length: 1 },
    },
    classes: [...TINY_CLASSES],
    published: [
      { corpus: 'affectnet', protocol: '8-class', metric: 'accuracy', value: TINY_PUBLISHED.acc8, source: 'test card (enet_b0_8_va_mtl README value)' },
      { corpus: 'affectnet', protocol: '7-class', metric: 'accuracy', value: TINY_PUBLISHED.acc7, source: 'test card (enet_b0_8_va_mtl README value)' },
      { corpus: 'affectnet', protocol: 'validation-va', metric: 'ccc_valence', value: TINY_PUBLISHED.cccValence, source: 'test card (notebook value)' },
      { corpus: 'affectnet', protocol: 'validation-va', metric: 'ccc_arousal', value: TINY_PUBLISHED.cccArousal, source: 'test card (notebook value)' },
    ],
    notes: ['Generated by test/bench/tiny-model.ts.'],
  };
}

/** Writes the model and a user zoo into `dir` (created when missing). */
export async function writeTinyModel(dir: string): Promise<TinyModel> {
  await mkdir(dir, { recursive: true });
  const bytes = tinyModelBytes();
  const onnxPath = join(dir, TINY_FILE);
  await writeFile(onnxPath, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const zooPath = join(dir, 'zoo.json');
  await writeFile(zooPath, JSON.stringify({ schemaVersion: 1, models: [tinyCardInput(sha256)] }, null, 2) + '\n');
  const card = getModel(TINY_MODEL, loadZoo({ userZoo: zooPath }));
  return { dir, onnxPath, zooPath, sha256, card };
}

/** argmax in model order, first on ties, over the logits not in `drop` (np.argmax(np.delete(...))). */
export function argmaxKept(scores: readonly number[], drop: ReadonlySet<number> = new Set()): number {
  let best = -1;
  for (let i = 0; i < scores.length; i++) {
    if (drop.has(i)) continue;
    if (best < 0 || scores[i] > scores[best]) best = i;
  }
  return best;
}

/* ------------------------------------------------------------------------------------------------ */
/* The real `bench` command in a child process (CLI tests).                                          */
/* ------------------------------------------------------------------------------------------------ */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `bench <args>` as `node --import tsx src/cli/main.ts <args>` (tsx by absolute URL, so any working
 * directory works), with `env` added to this process's environment (a value of undefined removes it).
 */
export function runBenchCli(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), BENCH_MAIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A stack trace line, which a user error must never print. */
export const STACK_LINE = /^\s+at .+[:(]/m;
