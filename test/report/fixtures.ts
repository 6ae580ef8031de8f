/** Hand-made run records for the report tests: small enough to check every printed character. */
import type { RunRecord } from '../../src/bench/records.js';
import type { LoadedRun } from '../../src/report/results.js';

interface EvalSpec {
  model: string;
  corpus: string;
  protocol: string;
  date: string;
  metrics: Record<string, [value: number, low?: number, high?: number]>;
  published?: Array<{ metric: string; protocol: string; value: number; source: string; split?: string; release?: string; resize?: string }>;
  replica?: boolean;
  demo?: boolean;
  items?: number;
  split?: string;
  release?: string;
  manifest?: string;
  /** The label map's countedWrong / absentFromCorpus. */
  countedWrong?: string[];
  absentFromCorpus?: string[];
  resize?: string;
  ciUnit?: 'item' | 'group';
}

const engine = { engine: 'onnxruntime-node', version: '1.30.0', backend: 'cpu', device: 'cpu', threads: 0 };
const host = { cpu: 'Test CPU', cores: 4, memGiB: 8, platform: 'linux', node: 'v20.0.0' };
const tool = { name: 'fer-bench', version: '0.1.0', gitCommit: null };

export function evalRecord(s: EvalSpec): RunRecord {
  return {
    schemaVersion: 1,
    kind: 'eval',
    replica: s.replica ?? false,
    ...(s.demo ? { demo: true } : {}),
    protocol: s.protocol,
    metrics: Object.fromEntries(
      Object.entries(s.metrics).map(([k, [value, low, high]]) => [
        k,
        low === undefined || high === undefined ? { value } : { value, ci: { low, high, level: 0.95, resamples: 1000, seed: 0, unit: s.ciUnit ?? ('item' as const) } },
      ]),
    ),
    coverage: { total: s.items ?? 100, scored: s.items ?? 100, skipped: 0, skippedByReason: {} },
    ...(s.published ? { published: s.published } : {}),
    ...(s.countedWrong || s.absentFromCorpus ? { labelMap: { countedWrong: s.countedWrong ?? [], absentFromCorpus: s.absentFromCorpus ?? [] } } : {}),
    provenance: {
      ...(s.resize ? { preprocessing: { resize: s.resize } } : {}),
      tool,
      model: { name: s.model, file: null, sha256: null, replica: s.replica ?? false, format: 'onnx' },
      engine,
      dataset: { corpus: s.corpus, root: '/data', split: s.split ?? 'val', release: s.release ?? 'official', manifestSha256: s.manifest ?? '0'.repeat(64), items: s.items ?? 100 },
      batchSize: 1,
      seed: 0,
      host,
      date: s.date,
    },
  } as RunRecord;
}

export function latencyRecord(s: {
  model: string;
  date: string;
  replica?: boolean;
  p50: number;
  samplesMs?: number[];
  published?: number;
  valid?: boolean;
  threads?: number;
  batch?: number;
}): RunRecord {
  const batch = s.batch ?? 1;
  return {
    schemaVersion: 1,
    kind: 'latency',
    replica: s.replica ?? false,
    latency: {
      n: 200,
      batchSize: batch,
      meanMs: s.p50 * 1.1,
      sdMs: s.p50 * 0.1,
      minMs: s.p50 * 0.9,
      maxMs: s.p50 * 2,
      p50Ms: s.p50,
      p90Ms: s.p50 * 1.2,
      p95Ms: s.p50 * 1.3,
      p99Ms: s.p50 * 1.5,
      p999Ms: s.p50 * 1.9,
      throughput: (1000 / (s.p50 * 1.1)) * batch,
      sessionCreateMs: 120,
      firstRunMs: 30,
      warmupRuns: 10,
      minDurationMs: 5000,
      minRuns: 100,
      valid: s.valid ?? true,
    },
    ...(s.published !== undefined ? { published: [{ metric: 'latency_ms', protocol: 'samsung-fold3', value: s.published, source: 'HSEmotion README (Samsung Fold 3)' }] } : {}),
    ...(s.samplesMs ? { samplesMs: s.samplesMs } : {}),
    provenance: {
      tool,
      model: { name: s.model, file: null, sha256: null, replica: s.replica ?? false, format: 'onnx' },
      engine: { ...engine, threads: s.threads ?? 0 },
      batchSize: batch,
      seed: 0,
      host,
      date: s.date,
    },
  } as RunRecord;
}

const PUBLISHED = 'HSEmotion README';

/** 2 models × 2 corpora (one model with published numbers, one demo), a superseded run, a replica eval run, latency runs. */
export function fixtureRuns(): LoadedRun[] {
  return [
    {
      file: 'runs/a-affectnet-old.json',
      record: evalRecord({ model: 'enet_b0_8_va_mtl', corpus: 'affectnet', protocol: '8-class', date: '2024-01-01T00:00:00.000Z', metrics: { accuracy: [0.5] } }),
    },
    {
      file: 'runs/a-affectnet.json',
      record: evalRecord({
        model: 'enet_b0_8_va_mtl',
        corpus: 'affectnet',
        protocol: '8-class',
        date: '2024-03-01T00:00:00.000Z',
        items: 4000,
        metrics: { accuracy: [0.6193, 0.604, 0.634], macro_f1: [0.615, 0.6, 0.63] },
        published: [
          { metric: 'accuracy', protocol: '8-class', value: 61.93, source: PUBLISHED },
          { metric: 'accuracy', protocol: '7-class', value: 64.94, source: PUBLISHED },
        ],
      }),
    },
    {
      file: 'runs/a-afew.json',
      record: evalRecord({
        model: 'enet_b0_8_va_mtl',
        corpus: 'afew',
        protocol: 'faces-detected',
        date: '2024-03-02T00:00:00.000Z',
        items: 379,
        metrics: { accuracy: [0.5521, 0.5013, 0.6021] },
        published: [{ metric: 'accuracy', protocol: 'faces-detected', value: 56.73, source: PUBLISHED }],
      }),
    },
    {
      file: 'runs/m-affectnet.json',
      record: evalRecord({ model: 'mobilenet_7', corpus: 'affectnet', protocol: '7-class', date: '2024-03-03T00:00:00.000Z', demo: true, metrics: { accuracy: [0.6471, 0.6312, 0.663] } }),
    },
    {
      file: 'runs/m-afew.json',
      record: evalRecord({ model: 'mobilenet_7', corpus: 'afew', protocol: 'faces-detected', date: '2024-03-04T00:00:00.000Z', demo: true, metrics: { accuracy: [0.5535, 0.504, 0.603] } }),
    },
    {
      file: 'runs/r-affectnet.json',
      record: evalRecord({ model: 'enet_b2_8', corpus: 'affectnet', protocol: '8-class', date: '2024-03-05T00:00:00.000Z', replica: true, metrics: { accuracy: [0.125] } }),
    },
    {
      file: 'runs/l-b0.json',
      record: latencyRecord({ model: 'enet_b0_8_va_mtl', date: '2024-03-06T00:00:00.000Z', p50: 10, published: 60 }),
    },
    {
      file: 'runs/l-b2-replica.json',
      record: latencyRecord({ model: 'enet_b2_8', date: '2024-03-07T00:00:00.000Z', replica: true, p50: 25, threads: 2, valid: false }),
    },
  ];
}
