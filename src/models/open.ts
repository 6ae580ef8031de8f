/**
 * Turns a model card into a running engine: finds and verifies the weights (or builds a replica when
 * asked), picks the engine for the file format, and times session creation. The one place that knows
 * which engine runs which format.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BenchError } from '../errors.js';
import type { ModelCard } from './card.js';
import type { Engine, EngineOptions } from './engines/engine.js';
import type { ReplicaStamp } from './replicas/replica.js';

export interface OpenModelOptions extends EngineOptions {
  /** Use a random-weight architecture replica instead of the published weights (latency only). Default false. */
  replica?: boolean;
  /** An explicit weights file, overriding the search of models/ and the cache. */
  weightsPath?: string;
  /** Seed of the replica's random weights. Default 0. */
  seed?: number;
}

export interface OpenedModel {
  card: ModelCard;
  engine: Engine;
  /** Milliseconds to create the session (or load and build the tfjs model). */
  sessionCreateMs: number;
  weights: {
    file: string | null;
    sha256: string | null;
    /** true: matches the published checksum; false: no published checksum to compare with. */
    verified: boolean;
    /** A random-weight replica: built with --replica, or a file that carries the replica stamp. */
    replica: boolean;
    /** The stamp read from a weights file our replica builder wrote (`fer_bench_replica`), when it has one. */
    replicaStamp?: ReplicaStamp;
    format: string;
  };
}

export async function openModel(card: ModelCard, opts: OpenModelOptions = {}): Promise<OpenedModel> {
  const opened = opts.replica ? await openReplica(card, opts) : await openPublished(card, opts);
  return { card, ...opened };
}

type Opened = Omit<OpenedModel, 'card'>;

/** Times only the engine's creation (session or model build), not finding files or building replicas. */
async function timed(create: () => Promise<Engine>): Promise<{ engine: Engine; sessionCreateMs: number }> {
  const t0 = performance.now();
  const engine = await create();
  return { engine, sessionCreateMs: performance.now() - t0 };
}

async function openReplica(card: ModelCard, opts: OpenModelOptions): Promise<Opened> {
  if (card.weights.format === 'keras-h5' || card.weights.format === 'tfjs') {
    if (card.architecture !== 'mobilenet_v1') {
      throw new BenchError('REPLICA_NOT_ALLOWED', `no TensorFlow.js replica of architecture ${card.architecture} (model ${card.name})`, {
        fix: card.weights.bundled ? `${card.name} ships with its package: run it without --replica` : 'run the published weights instead',
      });
    }
    const { buildTfjsMobilenetReplica } = await import('./replicas/tfjs-mobilenet.js');
    const { createTfjsEngine } = await import('./engines/tfjs.js');
    const model = await buildTfjsMobilenetReplica(card, { seed: opts.seed ?? 0 });
    return { ...(await timed(() => createTfjsEngine(card, { model }, opts))), weights: { file: null, sha256: null, verified: false, replica: true, format: 'tfjs-layers (replica)' } };
  }
  const { buildReplica } = await import('./replicas/index.js');
  const { createOnnxEngine } = await import('./engines/onnx.js');
  const replica = buildReplica(card, { seed: opts.seed ?? 0 });
  return { ...(await timed(() => createOnnxEngine(card, { bytes: replica.bytes }, opts))), weights: { file: null, sha256: null, verified: false, replica: true, format: 'onnx (replica)' } };
}

/** The format of the file to run: an explicit `--weights` file's extension wins over the card (an exported .pt). */
function formatOf(card: ModelCard, path: string | undefined): ModelCard['weights']['format'] {
  if (path?.endsWith('.onnx')) return 'onnx';
  if (path?.endsWith('.h5')) return 'keras-h5';
  if (path?.endsWith('.json')) return 'tfjs';
  return card.weights.format;
}

async function openPublished(card: ModelCard, opts: OpenModelOptions): Promise<Opened> {
  const format = formatOf(card, opts.weightsPath);
  if (format === 'torch-pt') {
    throw new BenchError('UNSUPPORTED_FORMAT', `${card.name} is published as a PyTorch file (${card.weights.name}), which neither engine can run`, {
      fix: `${card.exportHint ?? 'export it to ONNX with torch.onnx.export'}; then pass the .onnx file with --weights; for latency only, \`bench --model ${card.name} --replica\` times a random-weight replica`,
    });
  }
  const { requireWeights } = await import('./weights.js');
  const found = await requireWeights(card, { path: opts.weightsPath, allowReplica: true });
  const weights = { file: found.path, sha256: found.sha256, verified: found.verified === true, replica: false, format };
  switch (format) {
    case 'onnx': {
      // A file our replica builder wrote is a replica wherever it came from (--weights, models/, the cache):
      // it runs for latency, labelled, and the runner refuses it for accuracy. The session is created from
      // the path, so the embedding edit is cached beside the file (embedding-graph.ts) and errors name it.
      const { replicaStamp } = await import('./replicas/replica.js');
      const stamp = replicaStamp(new Uint8Array(await readFile(found.path)));
      const { createOnnxEngine } = await import('./engines/onnx.js');
      const engine = await timed(() => createOnnxEngine(card, { path: found.path, sha256: found.sha256 }, opts));
      return { ...engine, weights: stamp ? { ...weights, replica: true, replicaStamp: stamp, format: 'onnx (replica file)' } : weights };
    }
    case 'keras-h5': {
      const { createTfjsEngine } = await import('./engines/tfjs.js');
      return { ...(await timed(() => createTfjsEngine(card, { path: found.path }, opts))), weights };
    }
    case 'tfjs': {
      if (card.family === 'face-api') {
        const { createFaceApiExpressionEngine } = await import('./faceapi.js');
        return { ...(await timed(() => createFaceApiExpressionEngine(card, { ...opts, modelDir: dirname(found.path) }))), weights };
      }
      const { createTfjsEngine } = await import('./engines/tfjs.js');
      return { ...(await timed(() => createTfjsEngine(card, { path: found.path }, opts))), weights };
    }
  }
}
