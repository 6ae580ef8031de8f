/**
 * The embedding head of an ONNX classifier by a graph edit: the published HSEmotion files output only
 * logits, but the input of their final classifier (timm's `classifier` Linear, exported as Gemm, or
 * MatMul + Add) is the penultimate activation the AFEW/VGAF protocols need (1280-d for B0, 1408-d for
 * B2). The edit adds that tensor as one more graph output; nothing else in the graph changes, so the
 * logits stay bit-identical.
 *
 * The edited file is written once, as `<weights>.embedding.onnx` beside the weights (or in the weights
 * cache when it cannot be written there), with a sidecar `<weights>.embedding.json` recording its own
 * sha256 and the sha256 of the source it was made from. A sidecar whose source hash no longer matches
 * (the weights were replaced) or whose file hash does not (the edited file was damaged) makes the edit
 * run again, and says why.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import onnxProto from 'onnx-proto';
import { BenchError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { sha256 } from '../util/hash.js';
import { sha256Memo } from './checksum.js';
import { cacheDir, hashMemoFile } from './weights.js';

const { onnx } = onnxProto;
type IModelProto = onnxProto.onnx.IModelProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;

/** Ops between the classifier and the expression output that only select, reshape or normalise its values. */
const PASS_THROUGH: ReadonlySet<string> = new Set(['Identity', 'Slice', 'Softmax', 'LogSoftmax', 'Squeeze', 'Unsqueeze', 'Reshape', 'Flatten', 'Dropout', 'Cast']);

/** The classifier node found, and the tensor that becomes the embedding. */
export interface ClassifierCut {
  /** Node name (or `#<index>` when unnamed). */
  node: string;
  opType: 'Gemm' | 'MatMul';
  /** The classifier's data input: the penultimate activation. */
  input: string;
  /** Its width D (from the weight's shape). */
  dim: number;
  /** The classifier's weight as [out, D] (Gemm transB=1 / PyTorch layout) and bias, read from the initializers. */
  weight: { out: number; data: Float32Array };
  bias?: Float32Array;
}

export interface EmbeddingEditOptions {
  /** The graph output that holds the expression scores (the card's `heads.expression.output`). */
  scoresOutput: string;
  /** Name of the new output. Default `embedding`. */
  embeddingOutput?: string;
  /** File name for messages. */
  where?: string;
}

function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

function floatData(t: ITensorProto): Float32Array {
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) throw new Error(`tensor ${t.name} is not float32`);
  if (t.rawData && t.rawData.length) {
    const raw = t.rawData;
    // Copy: raw_data may sit at an unaligned offset inside the decoded buffer.
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return Float32Array.from(t.floatData ?? []);
}

function attrInt(node: INodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? toNumber(a.i as number) : fallback;
}

/** Constant tensors by name: initializers and the values of Constant nodes. */
function constants(model: IModelProto): Map<string, ITensorProto> {
  const out = new Map<string, ITensorProto>();
  for (const t of model.graph?.initializer ?? []) out.set(t.name!, t);
  for (const n of model.graph?.node ?? []) {
    if (n.opType === 'Constant') {
      const t = n.attribute?.find((a) => a.name === 'value')?.t;
      if (t) out.set(n.output![0], t);
    }
  }
  return out;
}

function noClassifier(where: string, scoresOutput: string, path: string[], why: string): BenchError {
  return new BenchError('MODEL_IO_MISMATCH', `${where}: no final Gemm/MatMul classifier feeds output "${scoresOutput}" (walked back: ${path.join(' ← ')}); ${why}`, {
    file: where,
    fix: 'export the model with the embedding as a named output and point heads.embedding at it (without "from"), or drop heads.embedding from the card',
  });
}

/**
 * Finds the classifier that produces `scoresOutput`: walks back from it through pass-through ops (and
 * a bias Add with a constant operand) to a Gemm or MatMul whose weight is a constant.
 */
export function findClassifier(model: IModelProto, scoresOutput: string, where = '<model>'): ClassifierCut {
  const graph = model.graph;
  if (!graph?.output?.some((o) => o.name === scoresOutput)) {
    const names = (graph?.output ?? []).map((o) => o.name).join(', ');
    throw new BenchError('MODEL_IO_MISMATCH', `${where} has no output "${scoresOutput}" (it has: ${names})`, { file: where, fix: 'fix heads.expression.output in the model card' });
  }
  const producer = new Map<string, { node: INodeProto; index: number }>();
  (graph.node ?? []).forEach((node, index) => node.output?.forEach((o) => producer.set(o, { node, index })));
  const consts = constants(model);
  const isConst = (name: string) => consts.has(name);
  const path: string[] = [scoresOutput];
  let tensor = scoresOutput;
  let bias: Float32Array | undefined;
  for (let steps = 0; steps < 64; steps++) {
    const p = producer.get(tensor);
    if (!p) throw noClassifier(where, scoresOutput, path, `"${tensor}" is a graph input or constant`);
    const { node, index } = p;
    const op = node.opType ?? '';
    const name = node.name || `#${index}`;
    path.push(`${op}(${name})`);
    const inputs = (node.input ?? []).filter((i) => i !== '');
    if (op === 'Gemm' || op === 'MatMul') {
      const [a, b, c] = node.input ?? [];
      if (!isConst(b)) throw noClassifier(where, scoresOutput, path, `its weight "${b}" is not a constant`);
      if (op === 'Gemm' && attrInt(node, 'transA', 0) !== 0) throw noClassifier(where, scoresOutput, path, 'the Gemm transposes its data input (transA=1)');
      const w = consts.get(b)!;
      const dims = (w.dims ?? []).map((d) => toNumber(d as number));
      if (dims.length !== 2) throw noClassifier(where, scoresOutput, path, `its weight has shape [${dims.join(', ')}], not a matrix`);
      const transB = op === 'Gemm' && attrInt(node, 'transB', 0) === 1;
      const [dim, out] = transB ? [dims[1], dims[0]] : [dims[0], dims[1]];
      const raw = floatData(w);
      // Store the weight as [out, D] whatever the file's layout.
      const data = transB ? raw : transpose(raw, dim, out);
      if (op === 'Gemm' && c && isConst(c)) {
        const alpha = node.attribute?.find((x) => x.name === 'alpha')?.f ?? 1;
        const beta = node.attribute?.find((x) => x.name === 'beta')?.f ?? 1;
        if (alpha !== 1 || beta !== 1) throw noClassifier(where, scoresOutput, path, `the Gemm scales (alpha ${alpha}, beta ${beta})`);
        const own = floatData(consts.get(c)!);
        // A bias Add after the Gemm adds to the Gemm's own bias.
        bias = bias && bias.length === own.length ? own.map((v, i) => v + bias![i]) : own;
      }
      return { node: name, opType: op, input: a, dim, weight: { out, data }, bias };
    }
    if (op === 'Add' && inputs.length === 2 && inputs.filter(isConst).length === 1 && bias === undefined) {
      const c = inputs.find(isConst)!;
      bias = floatData(consts.get(c)!);
      tensor = inputs.find((i) => !isConst(i))!;
      continue;
    }
    if (PASS_THROUGH.has(op)) {
      tensor = node.input![0];
      continue;
    }
    throw noClassifier(where, scoresOutput, path, `the ${op} node "${name}" sits between it and the output`);
  }
  throw noClassifier(where, scoresOutput, path, 'the walk back is longer than 64 nodes');
}

function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
  return t;
}

/** The output names of a serialised model's graph. */
export function readGraphOutputNames(bytes: Uint8Array): string[] {
  return (onnx.ModelProto.decode(bytes).graph?.output ?? []).map((o) => o.name ?? '');
}

/** The serialised model with the classifier's input added as output `embeddingOutput` ([batch, D]). */
export function addEmbeddingOutput(bytes: Uint8Array, opts: EmbeddingEditOptions): { bytes: Uint8Array; cut: ClassifierCut } {
  const where = opts.where ?? '<model>';
  const name = opts.embeddingOutput ?? 'embedding';
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new BenchError('UNSUPPORTED_FORMAT', `${where} is not an ONNX model (${(e as Error).message})`, { file: where, fix: 'delete the file and download it again', cause: e });
  }
  const cut = findClassifier(model, opts.scoresOutput, where);
  const graph = model.graph!;
  const used = new Set<string>([...(graph.input ?? []).map((i) => i.name!), ...(graph.output ?? []).map((o) => o.name!), ...(graph.node ?? []).flatMap((n) => n.output ?? [])]);
  if (used.has(name)) {
    throw new BenchError('MODEL_IO_MISMATCH', `${where} already has a tensor named "${name}"`, { file: where, fix: 'the file already names its embedding: point heads.embedding at that output without "from"' });
  }
  // The new output keeps the batch dimension of the graph's input (symbolic or fixed).
  const batchDim = graph.input?.[0]?.type?.tensorType?.shape?.dim?.[0] ?? { dimParam: 'batch' };
  graph.node!.push(onnx.NodeProto.create({ opType: 'Identity', name: `fer_bench_${name}`, input: [cut.input], output: [name] }));
  graph.output!.push(
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [batchDim, { dimValue: cut.dim }] } } },
    }),
  );
  return { bytes: onnx.ModelProto.encode(model).finish(), cut };
}

/** What the sidecar `<weights>.embedding.json` records. */
export interface EmbeddingGraphRecord {
  format: 'fer-bench-embedding-graph';
  version: 1;
  /** File name of the source weights. */
  source: string;
  sourceSha256: string;
  /** sha256 of the edited `.embedding.onnx`. */
  sha256: string;
  output: string;
  scoresOutput: string;
  dim: number;
  classifier: { node: string; opType: string; input: string };
}

export interface EmbeddingGraph extends EmbeddingGraphRecord {
  /** Path of the edited model. */
  path: string;
  /** Whether this call wrote it, and why: no edit yet, the source changed, or the edited file was damaged. */
  written: false | 'new' | 'stale-source' | 'damaged';
}

export interface EnsureEmbeddingGraphOptions extends EmbeddingEditOptions {
  /** sha256 of the source if already known (saves a hash). */
  sourceSha256?: string;
  /** Where the edit goes when it cannot be written beside the weights. Default: the weights cache (`cacheDir()`). */
  cacheDir?: string;
}

function sidecarPaths(dir: string, source: string): { onnx: string; json: string } {
  const base = basename(source).replace(/\.onnx$/i, '');
  return { onnx: join(dir, `${base}.embedding.onnx`), json: join(dir, `${base}.embedding.json`) };
}

async function readRecord(path: string): Promise<EmbeddingGraphRecord | undefined> {
  try {
    const r = JSON.parse(await readFile(path, 'utf8')) as EmbeddingGraphRecord;
    return r.format === 'fer-bench-embedding-graph' && r.version === 1 ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The edited model for `sourcePath`, made once: reuses a fresh edit (beside the weights, then in the
 * cache), or writes one. Refuses (MODEL_IO_MISMATCH) when no classifier feeds the scores output.
 */
export async function ensureEmbeddingGraph(sourcePath: string, opts: EnsureEmbeddingGraphOptions): Promise<EmbeddingGraph> {
  const output = opts.embeddingOutput ?? 'embedding';
  const cache = opts.cacheDir ?? cacheDir();
  const memo = hashMemoFile(cache);
  const sourceSha256 = opts.sourceSha256 ?? (await sha256Memo(sourcePath, memo));
  const places = [sidecarPaths(dirname(sourcePath), sourcePath), sidecarPaths(cache, sourcePath)];
  let written: EmbeddingGraph['written'] = 'new';
  for (const p of places) {
    const rec = await readRecord(p.json);
    if (!rec || rec.output !== output || rec.scoresOutput !== opts.scoresOutput) continue;
    if (rec.sourceSha256 !== sourceSha256) {
      written = 'stale-source';
      continue;
    }
    const actual = await sha256Memo(p.onnx, memo).catch(() => undefined);
    if (actual !== rec.sha256) {
      written = 'damaged';
      continue;
    }
    return { ...rec, path: p.onnx, written: false };
  }
  const source = await readFile(sourcePath);
  const { bytes, cut } = addEmbeddingOutput(source, { ...opts, where: sourcePath });
  const record: EmbeddingGraphRecord = {
    format: 'fer-bench-embedding-graph',
    version: 1,
    source: basename(sourcePath),
    sourceSha256,
    sha256: sha256(bytes),
    output,
    scoresOutput: opts.scoresOutput,
    dim: cut.dim,
    classifier: { node: cut.node, opType: cut.opType, input: cut.input },
  };
  // Beside the weights first; any failure there (read-only folder, a name taken by a directory) falls
  // back to the cache, and only a failure in both is an error.
  let besideError: unknown;
  for (const p of places) {
    try {
      await mkdir(dirname(p.onnx), { recursive: true });
      // The model first, the record last: a record always describes a complete file.
      await writeFileAtomic(p.onnx, bytes);
      await writeFileAtomic(p.json, JSON.stringify(record, null, 2) + '\n');
      return { ...record, path: p.onnx, written };
    } catch (e) {
      if (besideError === undefined) {
        besideError = e;
        continue;
      }
      throw new BenchError('BAD_INPUT', `cannot write the embedding graph of ${sourcePath}: beside the weights (${(besideError as Error).message}) nor in ${cache} (${(e as Error).message})`, {
        file: p.onnx,
        fix: `make ${dirname(sourcePath)} or the weights cache (${cache}, set by FER_BENCH_CACHE) writable`,
        cause: e,
      });
    }
  }
  throw new Error('unreachable');
}
