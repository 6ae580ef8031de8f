/**
 * BENCHMARK-ONLY: an architecture replica (random weights) wrapped as an OpenedModel the evaluation runner
 * accepts. The runner refuses replicas (REPLICA_NOT_ALLOWED) because their predictions mean nothing; the
 * throughput and memory benchmarks need the runner's real pipeline but not meaningful predictions, so they
 * use this. The weights say `replica: false` with sha256 = the replica bytes' own hash (no published file
 * has it, so a store key can never collide with a real model's). Whatever is run with it must go to a
 * throw-away store under the OS temp dir, never to results/, and no run record may be saved from it.
 * Never use this outside benchmarks/.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createOnnxEngine, type OnnxEngine } from '../src/models/engines/onnx.js';
import type { OpenedModel } from '../src/models/open.js';
import { buildReplica } from '../src/models/replicas/index.js';
import { getModel } from '../src/models/zoo.js';

export interface ReplicaAsModel extends OpenedModel {
  engine: OnnxEngine;
}

export async function replicaAsModel(name: string, threads: number): Promise<ReplicaAsModel> {
  const card = getModel(name);
  const { bytes } = buildReplica(card, { seed: 0 });
  const t0 = performance.now();
  const engine = await createOnnxEngine(card, { bytes }, { threads });
  return {
    card,
    engine,
    sessionCreateMs: performance.now() - t0,
    weights: { file: null, sha256: createHash('sha256').update(bytes).digest('hex'), verified: false, replica: false, format: 'onnx (replica, benchmark only)' },
  };
}
