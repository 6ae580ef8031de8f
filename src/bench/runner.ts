/**
 * The evaluation runner: corpus → preprocessing in worker threads → batches → engine → prediction store.
 *
 * Streaming with bounded memory: at most `queueDepth` images are in flight, and predictions go to the
 * store as they are made. Items already in the store (an earlier or interrupted run of the same model,
 * corpus and preprocessing) are not run again. Metrics are computed afterwards from the store alone.
 */
import { availableParallelism, hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { corpusSummary, type Corpus, type CorpusShard, type CorpusSummary } from '../datasets/corpus.js';
import type { EngineInfo } from '../models/engines/engine.js';
import type { Sample } from '../datasets/sample.js';
import { describePreprocessing } from '../media/preprocess.js';
import type { OpenedModel } from '../models/open.js';
import { BenchError } from '../errors.js';
import { createBatchBuffer, inferBatch } from './batch.js';
import type { PreprocessReply, PreprocessTask } from './preprocess-worker.js';
import type { PredictionRecord } from './records.js';
import { openStore, type OpenStoreOptions, type StoreKey } from './store.js';
import { shardKeyPart } from './shard.js';

export interface RunnerOptions {
  /** Items per engine call. Default 8. */
  batchSize?: number;
  /** Preprocessing worker threads. Default: half the cores (at least 1); see `defaultSplit`. */
  workers?: number;
  /** Images in flight between the loader and the engine. Default 4 × batchSize + 2 × workers. */
  queueDepth?: number;
  /** Prediction store directory. Default `results/predictions`. */
  storeDir?: string;
  /** Relative margin around the face box. Default 0 (the published protocols crop without margin). */
  margin?: number;
  /** Smallest face (shorter side of the crop, px); smaller ones are counted as face-too-small. Default: none. */
  minFacePx?: number;
  /**
   * How the prediction store writes: records buffered per write (default 256), the longest a record
   * waits (default 2000 ms), fsync (default true). Small values make a crash lose less work.
   */
  storeOptions?: Pick<OpenStoreOptions, 'batchSize' | 'maxDelayMs' | 'fsync'>;
  /** Called after every batch, and after every item skipped before inference. Not called for reused items. */
  onProgress?: (p: RunnerProgress) => void;
}

export interface RunnerProgress {
  done: number;
  total: number;
  skipped: number;
  /** Items reused from the store, not run again. */
  reused: number;
}

/** Kept in the store's meta when a run completes. */
export interface StoreSummary {
  corpus: CorpusSummary;
  engine: EngineInfo;
  weights: OpenedModel['weights'];
  batchSize: number;
  /** A shard's segment: which block, the whole corpus's totals, and the host that completed it. */
  shard?: CorpusShard & { host: string };
}

export interface RunnerResult {
  /** The store's directory and key (the store itself is closed). */
  storeDir: string;
  key: StoreKey;
  records: PredictionRecord[];
  /** Items that were already in the store before this run. */
  reused: number;
  /** Wall time of this run's inference loop, and items run in it. */
  wallMs: number;
  ran: number;
}

/**
 * How the cores are shared between JPEG decoding (worker threads) and the engine (intra-op threads) when
 * the user does not say. Decoding a 256–1000 px JPEG costs about as much CPU as an EfficientNet-B0 pass on
 * one thread, so half and half: on 2 cores, 1 worker + 1 ORT thread ran at 0.90 of the bare engine, while
 * 1 worker + ORT's default (2 threads) fell to 0.46 (benchmarks/eval-throughput.ts).
 */
export function defaultSplit(cores = availableParallelism(), workers = Math.max(1, Math.floor(cores / 2))): { workers: number; engineThreads: number } {
  return { workers, engineThreads: Math.max(1, cores - workers) };
}

/** The store key: everything that changes the per-item outputs (not the protocol: that is applied when scoring). */
export function storeKey(opened: OpenedModel, corpus: Corpus, margin: number, minFacePx?: number): StoreKey {
  return {
    model: { name: opened.card.name, sha256: opened.weights.sha256, replica: opened.weights.replica },
    dataset: { corpus: corpus.name, split: corpus.split, manifestSha256: corpus.manifestSha256 },
    classes: { corpus: [...corpus.classes], model: [...opened.card.classes] },
    preprocessing: { ...describePreprocessing(opened.card.input, { minFacePx }), margin },
    // Protocols are applied when scoring, so one store serves AffectNet-8 and -7 alike.
    labelMap: null,
    extra: { engine: opened.engine.info.engine, backend: opened.engine.info.backend, ...(corpus.shard ? { shard: shardKeyPart(corpus.shard) } : {}) },
  };
}

/** Options that load code (tsx's hooks, a --require'd shim); a worker needs them to import its .ts file. */
const LOADER_OPTIONS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);

/**
 * The execArgv to start workers with: only the options that load code. Worker threads refuse per-process
 * and V8 options (`node --max-old-space-size=8192 bench eval ...` would otherwise fail with
 * ERR_WORKER_INVALID_EXEC_ARGV), and V8 flags apply to every thread of the process anyway.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i];
    const eq = a.indexOf('=');
    if (a === '--enable-source-maps') out.push(a);
    else if (LOADER_OPTIONS.has(eq > 0 ? a.slice(0, eq) : a)) {
      out.push(a);
      if (eq < 0 && i + 1 < execArgv.length) out.push(execArgv[++i]);
    }
  }
  return out;
}

function workerFile(): string {
  // Under tsx the sources are .ts; from dist they are .js. Workers inherit tsx's --import from execArgv.
  const self = fileURLToPath(import.meta.url);
  return self.replace(/runner\.(ts|js)$/, (_m, ext: string) => `preprocess-worker.${ext}`);
}

export async function runCorpus(opened: OpenedModel, corpus: Corpus, opts: RunnerOptions = {}): Promise<RunnerResult> {
  if (opened.weights.replica) {
    const { file, replicaStamp: stamp } = opened.weights;
    const what = stamp
      ? `${file} is a random-weight replica written by fer-bench (metadata fer_bench_replica=true: architecture ${stamp.architecture}, model ${stamp.model}, seed ${stamp.seed})`
      : `${opened.card.name} is a random-weight replica`;
    throw new BenchError('REPLICA_NOT_ALLOWED', `${what}: its predictions mean nothing, so it cannot be evaluated for accuracy`, {
      ...(file ? { file } : {}),
      fix: stamp
        ? `pass the published weights (bench pull ${opened.card.name}, or --weights <the real file>); a replica file is for latency only (bench --model ${opened.card.name} --weights ${file})`
        : `get the published weights (bench pull ${opened.card.name}) and run without --replica`,
    });
  }
  const batchSize = opts.batchSize ?? 8;
  const workers = opts.workers ?? defaultSplit().workers;
  const queueDepth = opts.queueDepth ?? 4 * batchSize + 2 * workers;
  const margin = opts.margin ?? 0;
  const { card, engine } = opened;
  const classIndex = new Map(corpus.classes.map((c, i) => [c, i] as const));

  const store = await openStore({ ...opts.storeOptions, baseDir: opts.storeDir ?? 'results/predictions', key: storeKey(opened, corpus, margin, opts.minFacePx) });
  const todo = corpus.samples.filter((s) => !store.done.has(s.id));
  const reused = corpus.samples.length - todo.length;
  const progress: RunnerProgress = { done: reused, total: corpus.samples.length, skipped: 0, reused };

  // onnxruntime-node runs inference synchronously on this thread, blocking its event loop for a whole batch,
  // and piscina hands a worker its next task only from this thread. With one task per worker the workers
  // would idle during every engine call (decode and inference taking turns), so each worker is given its
  // share of the in-flight window at once and works through it (one at a time) while the engine runs.
  const concurrentTasksPerWorker = Math.max(1, Math.ceil(queueDepth / workers));
  const pool = new Piscina<PreprocessTask, PreprocessReply>({ filename: workerFile(), maxThreads: workers, minThreads: workers, concurrentTasksPerWorker, execArgv: workerExecArgv(process.execArgv) });
  const buffer = createBatchBuffer(card, batchSize);

  const baseRecord = (s: Sample): PredictionRecord => ({
    id: s.id,
    group: s.group,
    label: s.label === null ? null : (classIndex.get(s.label) ?? null),
    scores: null,
    valenceTrue: s.meta?.valence,
    arousalTrue: s.meta?.arousal,
    face: s.source.kind === 'image' ? true : false,
    latencyMs: null,
  });

  let pending: Sample[] = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const n = pending.length;
    const records = await inferBatch(engine, card, buffer, pending.map(baseRecord));
    progress.skipped += records.filter((r) => r.skip).length;
    await store.append(records);
    progress.done += n;
    pending = [];
    opts.onProgress?.({ ...progress });
  };

  const t0 = performance.now();
  try {
    // A sliding window of preprocessing tasks, consumed in corpus order.
    const inflight: Array<Promise<PreprocessReply>> = [];
    let next = 0;
    const submit = () => {
      const s = todo[next++];
      if (s.source.kind !== 'image') {
        inflight.push(Promise.resolve({ ok: false, reason: 'unsupported-source', detail: `source kind ${s.source.kind}` }));
        return;
      }
      inflight.push(pool.run({ path: s.source.path, box: s.source.box, spec: card.input, margin, minFacePx: opts.minFacePx }));
    };
    while (next < todo.length && inflight.length < queueDepth) submit();
    for (let i = 0; i < todo.length; i++) {
      const reply = await inflight.shift()!;
      if (next < todo.length) submit();
      const s = todo[i];
      if (!reply.ok) {
        progress.skipped++;
        progress.done++;
        await store.append([{ ...baseRecord(s), face: false, skip: { reason: reply.reason, detail: reply.detail } }]);
        // Reported too: a stretch of unreadable images must not look like a stalled run.
        opts.onProgress?.({ ...progress });
        continue;
      }
      buffer.data.set(reply.tensor, pending.length * buffer.itemSize);
      pending.push(s);
      if (pending.length === batchSize) await flush();
    }
    await flush();
    // What `bench score --store` needs to rebuild the run record without the corpus or the model.
    const summary: StoreSummary = { corpus: corpusSummary(corpus), engine: { ...engine.info }, weights: { ...opened.weights }, batchSize };
    if (corpus.shard) summary.shard = { ...corpus.shard, host: hostname() };
    await store.markComplete(summary);
    const wallMs = performance.now() - t0;
    const records = await store.readAll(corpus.samples.map((s) => s.id));
    return { storeDir: store.dir, key: store.key, records, reused, wallMs, ran: todo.length };
  } finally {
    await pool.destroy();
    await store.close();
  }
}
