/**
 * The ONNX engine on onnxruntime-node. Maps `--device` to an execution provider, checks that the
 * provider exists in the installed binary before creating a session (ORT would otherwise fall back
 * or fail deep inside), and checks the file's inputs and outputs against the model card.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { InferenceSession as OrtSession } from 'onnxruntime-node';
import { BenchError } from '../../errors.js';
import { unloadableWeightsFix } from '../file-kind.js';
import { refuseEscapingExternalData } from '../onnx-external-data.js';
import type { ModelCard } from '../card.js';
import type { EmbeddingGraph } from '../embedding-graph.js';
import { headRefs } from './heads.js';
import type { Device, Engine, EngineInfo, EngineOptions, Tensor } from './engine.js';

type Ort = typeof import('onnxruntime-node');

/** Execution provider per device, and what a user must do to get it. */
const PROVIDERS: Record<Exclude<Device, 'wasm'>, { ep: string; how: string }> = {
  cpu: { ep: 'cpu', how: 'always available' },
  cuda: {
    ep: 'cuda',
    how: 'install onnxruntime-node with its CUDA binaries: remove `onnxruntime-node-install=skip` from .npmrc and run `npm rebuild onnxruntime-node` on a machine with CUDA 12 and network access',
  },
  webgpu: { ep: 'webgpu', how: 'use an onnxruntime-node build with WebGPU (Windows/macOS, or Linux with a Vulkan driver)' },
  dml: { ep: 'dml', how: 'DirectML is only in the Windows build of onnxruntime-node' },
  coreml: { ep: 'coreml', how: 'CoreML is only in the macOS build of onnxruntime-node' },
};

let ortPromise: Promise<Ort> | undefined;
/** onnxruntime-node is heavy: load it on first use only. */
export function loadOrt(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').then((m) => ((m as { default?: Ort }).default ?? m) as Ort);
  return ortPromise;
}

/** Whether the installed onnxruntime-node can run on `device`; the reason when it cannot. */
export async function onnxDeviceSupport(device: Device): Promise<{ ok: true } | { ok: false; reason: string; fix: string }> {
  if (device === 'wasm') return { ok: false, reason: 'wasm is a TensorFlow.js backend, not an ONNX Runtime provider', fix: 'use --device cpu for ONNX models' };
  const spec = PROVIDERS[device];
  if (!spec) return { ok: false, reason: `unknown device "${device}"`, fix: 'use one of cpu, cuda, webgpu, dml, coreml' };
  const ort = await loadOrt();
  const listed = ort.listSupportedBackends().find((b) => b.name === spec.ep);
  if (!listed) return { ok: false, reason: `onnxruntime-node ${ort.env.versions.node ?? ''} on ${process.platform}-${process.arch} has no "${spec.ep}" execution provider`, fix: spec.how };
  if (!listed.bundled && !providerLibraryPresent(spec.ep)) {
    return { ok: false, reason: `the "${spec.ep}" execution provider is not installed (its libraries are a separate download)`, fix: spec.how };
  }
  return { ok: true };
}

function providerLibraryPresent(ep: string): boolean {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('onnxruntime-node/package.json'));
  const binDir = join(pkgDir, 'bin', `napi-v6`, process.platform, process.arch);
  const lib = process.platform === 'win32' ? `onnxruntime_providers_${ep}.dll` : `libonnxruntime_providers_${ep}.so`;
  return existsSync(join(binDir, lib)) || existsSync(join(pkgDir, 'bin', 'napi-v3', process.platform, process.arch, lib));
}

export interface OnnxEngineSource {
  /** Path of the .onnx file, or its bytes (replicas are built in memory). */
  path?: string;
  bytes?: Uint8Array;
  /** sha256 of the file at `path`, when the caller already has it (saves hashing it for the embedding edit). */
  sha256?: string;
}

/** An ONNX engine also exposes its session, so benchmarks can time a bare `session.run` loop beside it. */
export interface OnnxEngine extends Engine {
  readonly session: OrtSession;
  /** The embedding graph edit the session runs, when the card's embedding head is `from: 'classifier-input'` (provenance: its own sha256). */
  readonly embeddingGraph?: EmbeddingGraph;
}

/**
 * What to load for the card: the file itself, or its embedding edit when the card's embedding head
 * comes `from: 'classifier-input'` (made once and cached beside the weights, see embedding-graph.ts).
 * In-memory bytes are edited in memory, and only when they lack the output (replicas already have it).
 */
async function sessionSource(card: ModelCard, source: OnnxEngineSource): Promise<{ path?: string; bytes?: Uint8Array; edit?: EmbeddingGraph }> {
  const emb = card.heads.embedding;
  if (emb?.from !== 'classifier-input') return source;
  const { addEmbeddingOutput, ensureEmbeddingGraph, readGraphOutputNames } = await import('../embedding-graph.js');
  const opts = { scoresOutput: card.heads.expression.output, embeddingOutput: emb.output };
  // The edit's output is the embedding whole: a card length other than its width is a wrong card, not a slice.
  const checkWidth = (dim: number, where: string) => {
    if (emb.length !== undefined && (emb.start ?? 0) + emb.length !== dim) {
      throw new BenchError('MODEL_IO_MISMATCH', `${where}: the final classifier's input is ${dim}-d, the card of ${card.name} says its embedding is ${emb.length}-d`, {
        file: source.path,
        fix: `set heads.embedding.length to ${dim} (or check that the file is the published one for this card)`,
      });
    }
  };
  if (source.bytes) {
    if (readGraphOutputNames(source.bytes).includes(emb.output)) return source;
    const where = `<in-memory ${card.name}>`;
    const edited = addEmbeddingOutput(source.bytes, { ...opts, where });
    checkWidth(edited.cut.dim, where);
    return { bytes: edited.bytes };
  }
  const edit = await ensureEmbeddingGraph(source.path!, { ...opts, sourceSha256: source.sha256 });
  checkWidth(edit.dim, source.path!);
  return { path: edit.path, edit };
}

export async function createOnnxEngine(card: ModelCard, source: OnnxEngineSource, opts: EngineOptions = {}): Promise<OnnxEngine> {
  const device = opts.device ?? 'cpu';
  const support = await onnxDeviceSupport(device);
  if (!support.ok) throw new BenchError('DEVICE_UNAVAILABLE', `device "${device}" is not available: ${support.reason}`, { fix: support.fix });
  const ort = await loadOrt();
  const where = source.path ?? `<in-memory ${card.name}>`;
  if (source.path) await refuseEscapingExternalData(source.path);
  // A file that is not a protobuf (a photo passed as --weights) fails in the graph edit's parser: load it
  // as it is instead, so onnxruntime's refusal and the file-kind advice below name the real problem.
  const load: { path?: string; bytes?: Uint8Array; edit?: EmbeddingGraph } = await sessionSource(card, source).catch((e: unknown) => {
    if (e instanceof BenchError && e.code !== 'UNSUPPORTED_FORMAT') throw e;
    return source;
  });
  // The embedding edit may live in another folder (the weights cache): what onnxruntime opens is checked too.
  if (load.path && load.path !== source.path) await refuseEscapingExternalData(load.path);
  const options: OrtSession.SessionOptions = {
    executionProviders: [PROVIDERS[device as Exclude<Device, 'wasm'>].ep],
    graphOptimizationLevel: opts.graphOptimization ?? 'all',
    intraOpNumThreads: opts.threads ?? 0,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
  let session: OrtSession;
  try {
    session = load.bytes ? await ort.InferenceSession.create(load.bytes, options) : await ort.InferenceSession.create(load.path!, options);
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    // Off the CPU, the provider is the likelier culprit (no adapter, no driver) than the file: try the CPU.
    if (device !== 'cpu') {
      throw new BenchError('DEVICE_UNAVAILABLE', `onnxruntime could not load ${where} on ${device}: ${reason}`, {
        file: source.path,
        fix: `rerun with --device cpu; if that fails too, the model is at fault, not the ${device} provider`,
        cause: e,
      });
    }
    // An in-memory graph (a replica) has no file to blame.
    const fix = source.path ? unloadableWeightsFix(card, source.path, 'ONNX') : `the generated graph of ${card.name} did not load: this is a bug, please report it with the message above`;
    throw new BenchError('UNSUPPORTED_FORMAT', `onnxruntime could not load ${where} on ${device}: ${reason}`, { file: source.path, fix, cause: e });
  }
  const inputShape = checkIo(card, session, where);
  const info: EngineInfo = { engine: 'onnxruntime-node', version: ort.env.versions.node ?? ort.env.versions.common, backend: PROVIDERS[device as Exclude<Device, 'wasm'>].ep, device, threads: opts.threads ?? 0 };
  return {
    info,
    session,
    embeddingGraph: load.edit,
    inputName: card.input.name,
    inputShape,
    outputNames: session.outputNames,
    async run(input: Tensor): Promise<Record<string, Tensor>> {
      const feeds = { [card.input.name]: new ort.Tensor('float32', input.data, input.dims as number[]) };
      const out = await session.run(feeds);
      const result: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(out)) result[name] = { data: t.data as Float32Array, dims: t.dims };
      return result;
    },
    async dispose() {
      await session.release();
    },
  };
}

/** The expected input shape for the card: [-1, 3, S, S] (NCHW) or [-1, S, S, 3] (NHWC). */
export function cardInputShape(card: ModelCard): number[] {
  const s = card.input.size;
  return card.input.layout === 'NCHW' ? [-1, 3, s, s] : [-1, s, s, 3];
}

/** Names every mismatch between the file's I/O and the card, in one error. */
function checkIo(card: ModelCard, session: OrtSession, where: string): number[] {
  const problems: string[] = [];
  const expected = cardInputShape(card);
  if (!session.inputNames.includes(card.input.name)) {
    problems.push(`input "${card.input.name}" not found (the file has: ${session.inputNames.join(', ')})`);
  } else {
    const meta = session.inputMetadata.find((m) => m.name === card.input.name);
    if (meta && meta.isTensor) {
      const dims = meta.shape.map((d) => (typeof d === 'number' ? d : -1));
      const bad = dims.length !== expected.length || dims.some((d, i) => i > 0 && d !== -1 && d !== expected[i]);
      if (bad) problems.push(`input "${card.input.name}" has shape [${dims.join(', ')}], the card expects [${expected.join(', ')}] (${card.input.layout}, size ${card.input.size})`);
    }
  }
  for (const h of headRefs(card)) {
    if (!session.outputNames.includes(h.output)) problems.push(`output "${h.output}" not found (the file has: ${session.outputNames.join(', ')})`);
  }
  if (problems.length) {
    throw new BenchError('MODEL_IO_MISMATCH', `${where} does not match the model card of ${card.name}: ${problems.join('; ')}`, {
      file: where,
      fix: 'check that the file is the published one for this card, or fix the card (input name/size/layout, heads) in your zoo file',
    });
  }
  return expected;
}
