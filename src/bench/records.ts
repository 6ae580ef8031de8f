/**
 * The two records everything downstream is computed from.
 * - PredictionRecord: one per item, append-only, in the prediction store. Metrics are always
 *   recomputed from these, so a table can be rebuilt without running a model again.
 * - RunRecord: one per run, written atomically under `results/`: metrics, confusion matrix, latency
 *   statistics, coverage and provenance.
 */
export interface PredictionRecord {
  id: string;
  group?: string;
  /** Video corpora: the clip this record belongs to (its sample id). */
  clip?: string;
  /** Video corpora: 0-based frame index in the clip's file (or frame folder). Absent on the clip record that marks a clip finished. */
  frame?: number;
  /** Video corpora: the face box the frame's crop was taken from, in frame pixels (absent when no face). */
  box?: { x: number; y: number; width: number; height: number };
  /** True label as an index into the corpus's class list (kept in the store's meta), or null when the item has none. */
  label: number | null;
  /** Raw expression scores in the model's class order (logits or probabilities, see the run record). */
  scores: number[] | null;
  valence?: number;
  arousal?: number;
  /** Ground-truth valence/arousal when the corpus has them. */
  valenceTrue?: number;
  arousalTrue?: number;
  embedding?: number[];
  /** Whether a face was available (box given or detected). */
  face: boolean;
  /** Milliseconds spent in the engine call for this item (batch time / batch size). */
  latencyMs: number | null;
  /**
   * Set when the item could not be scored; `scores` is then null, except on a clip-level prediction
   * outside the face subset that a trained head still scored (HSEmotion's zero descriptor of a clip
   * without a face): it counts in the complete accuracy by that prediction.
   */
  skip?: { reason: string; detail?: string };
  /**
   * A clip-level prediction (a clip record that carries its own `scores`, as a trained head's store
   * holds): the frames behind it, sampled and with a face, for the coverage of a store without frame records.
   */
  frameCounts?: { sampled: number; withFace: number };
}

/**
 * A classifier trained by this harness on frozen embeddings (src/bench/protocols/feature-statistics.ts):
 * never the authors' published head. Tables and figures tell heads apart by `name` and `trainCorpora`
 * (src/report/figures/trained.ts); `trainingSetSha256` tells apart two heads trained on different data.
 */
export interface TrainedHeadRecord {
  kind: 'linear-svc' | 'svc-rbf';
  /** e.g. `LinearSVC(C=1.1)`. */
  name: string;
  /** Every hyper-parameter of the fit (the classifier's own record), defaults included. */
  settings: Record<string, unknown>;
  trainCorpora: string[];
  trainSplit: string;
  /** LinearSVC's coordinate-order seed; null for libsvm's SVC, which draws nothing at random. */
  seed: number | null;
  /** sha256 over the training descriptors (float64) and labels (src/learn/classifier.ts trainingSetId). */
  trainingSetSha256: string;
  /** Training rows: the train clips with at least one face (HSEmotion fits on `has_faces == 1`). */
  trainingClips: number;
  /** The head's classes, in its score order. */
  classes: string[];
  /** Clip descriptor: `afew` (mean, std, min, max over face frames) or `vgaf` (two-level mean, std). */
  descriptor: 'afew' | 'vgaf';
  /** Val clips without a face: scored from the zero descriptor (HSEmotion) or counted wrong. */
  noFace: 'zero-vector' | 'count-wrong';
  /** The embedding stores the descriptors were built from (directory names in the prediction store folder). */
  embeddingStores: { train: string; test: string };
  /** Whether the scored corpus is one the head was trained on (another split of it): a within-corpus result. */
  testCorpusInTraining: boolean;
  /**
   * Trained as the authors' published head was (an EfficientNet backbone, that corpus's train split, its
   * descriptor and C): only then is a published value compared.
   */
  publishedSetup: boolean;
  /** Solver diagnostics (iterations, convergence, support vectors). */
  fit: Record<string, unknown>;
}

export interface LatencyStats {
  n: number;
  /** Items per engine call. */
  batchSize: number;
  meanMs: number;
  sdMs: number;
  minMs: number;
  maxMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  /** Items per second over the timed runs. */
  throughput: number;
}

export interface Provenance {
  tool: { name: string; version: string; gitCommit: string | null };
  model: { name: string; file: string | null; sha256: string | null; replica: boolean; format: string };
  engine: { engine: string; version: string; backend: string; device: string; threads: number };
  /**
   * The corpus: its name (`affectnet`, or the user's `--name` for folder/csv corpora), split, on-disk layout
   * and release (absent: not a known release, so no published value applies).
   */
  dataset?: { corpus: string; root: string; split: string; layout?: string; release?: string; manifestSha256: string; items: number };
  labelMap?: unknown;
  preprocessing?: unknown;
  batchSize: number;
  seed: number;
  host: { cpu: string; cores: number; memGiB: number; platform: string; node: string };
  date: string;
}

export interface Coverage {
  total: number;
  scored: number;
  skipped: number;
  skippedByReason: Record<string, number>;
  /** Items left out by the protocol's label map, by reason (e.g. Contempt under AffectNet-7): not errors. */
  excluded?: Record<string, number>;
  /** Video corpora: clips the protocol evaluates (the complete accuracy's denominator) and clips scored (with a face). */
  clips?: { evaluated: number; scored: number };
  /** Video corpora: frames sampled over the finished clips, and how many had a face to score. */
  frames?: { sampled: number; withFace: number };
  /** Valence/arousal: items in each CCC, and items with a prediction left out, by reason (`no-target`). */
  va?: Partial<Record<'valence' | 'arousal', { scored: number; excluded: Record<string, number> }>>;
}

export interface MetricWithCI {
  value: number;
  ci?: { low: number; high: number; level: number; resamples: number; seed: number; unit: 'item' | 'group' };
}

export interface RunRecord {
  schemaVersion: 1;
  kind: 'latency' | 'eval';
  /** Evaluation protocol, e.g. `8-class`, `7-class` (AffectNet), or a corpus-specific name. */
  protocol?: string;
  /** Never report accuracy from a replica: runs on replicas say so here and in every output. */
  replica: boolean;
  /** Demo runs (generated corpus, bundled models) are labelled so their numbers are not mistaken for results. */
  demo?: boolean;
  classes?: string[];
  metrics?: Record<string, MetricWithCI>;
  confusion?: number[][];
  coverage?: Coverage;
  latency?: LatencyStats & {
    sessionCreateMs: number;
    firstRunMs: number;
    warmupRuns: number;
    minDurationMs: number;
    minRuns: number;
    /** False when the run stopped (max limits) before both minimums were met. */
    valid: boolean;
  };
  /**
   * The published values that apply to this run (same corpus, split, release and protocol; see
   * src/bench/published.ts), with the resize kernel behind each when the card names it.
   */
  published?: Array<{ metric: string; protocol: string; value: number; source: string; corpus?: string; split?: string; release?: string; resize?: string }>;
  /** The label map the metrics were computed under (eval runs). */
  labelMap?: unknown;
  /** Per-item engine time during an evaluation (batch time / batch size): a by-product, not a latency benchmark. */
  itemLatency?: LatencyStats;
  provenance: Provenance;
}

/** The resize kernel a run's preprocessing used (`provenance.preprocessing.resize.kernel`), or null when unrecorded. */
export function resizeKernelOf(preprocessing: unknown): string | null {
  const resize = (preprocessing as { resize?: { kernel?: unknown } | string } | undefined)?.resize;
  if (typeof resize === 'string') return resize;
  return typeof resize?.kernel === 'string' ? resize.kernel : null;
}
