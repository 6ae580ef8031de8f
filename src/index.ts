/**
 * The library behind `bench`, for notebooks and scripts. The CLI is a thin layer over these.
 */
export { BenchError, isBenchError, type BenchErrorCode } from './errors.js';

// Models: the zoo, opening a model on an engine, replicas.
export { ModelCard, type ModelCardInput, type ModelFormat, type InputSpec, type Heads } from './models/card.js';
export { loadZoo, defaultZoo, getModel, listModels } from './models/zoo.js';
export { resolveWeights, requireWeights, cacheDir } from './models/weights.js';
export { pull } from './models/download.js';
export { openModel, type OpenedModel, type OpenModelOptions } from './models/open.js';
export { buildReplica } from './models/replicas/index.js';
export type { Engine, EngineInfo, EngineOptions, Tensor, Device } from './models/engines/engine.js';
export { ensureEmbeddingGraph, addEmbeddingOutput, type EmbeddingGraph } from './models/embedding-graph.js';
export { openTemporalHead, type TemporalHead } from './models/temporal-head.js';

// Corpora and label spaces.
export { EMOTIONS, toEmotion, type Emotion, type ClassName } from './datasets/emotions.js';
export { openCorpus, corpusSummary, CORPUS_NAMES, type Corpus } from './datasets/corpus.js';
export { buildLabelMap, affectnetProtocol, type LabelMap, type Protocol } from './datasets/label-map.js';
export { writeAffectNetFixture } from './datasets/fixtures/affectnet-fixture.js';

// Media.
export { preprocess, describePreprocessing } from './media/preprocess.js';
export { decodeImage } from './media/image.js';

// Benchmarking and evaluation.
export { measureLatency, type LatencyOptions, type LatencyResult } from './bench/latency.js';
export { runLatency, type LatencyRunRecord } from './bench/latency-run.js';
export { summarizeLatency } from './bench/latency-stats.js';
export { evaluate, scorePredictions, type EvalRunRecord, type EvaluateOptions } from './bench/evaluate.js';
export { runLoco, storedDescriptors, type LocoOptions, type LocoResult, type LocoRunRecord } from './bench/protocols/loco.js';
export { runMatrixCell, matrixLabelSpace, type MatrixRunRecord, type MatrixLabelSpace } from './bench/protocols/matrix.js';
export { locoLabelSpace, valenceProjection, parseValenceMap, DEFAULT_VALENCE_MAP, type LocoLabelSpace, type ValenceMap } from './bench/protocols/label-space.js';
export { runCorpus, type RunnerOptions } from './bench/runner.js';
export { runDemo, type DemoResult } from './bench/demo.js';
export { saveRunRecord } from './bench/run-store.js';
export { openStore, readStore, listStores } from './bench/store.js';
export { openEmbeddingWriter, openEmbeddingReader, scanEmbeddings, type EmbeddingRecord } from './bench/store/embeddings.js';
export { emoSampledFrames, emoWindows, windowBatch, videoDecision, type VideoDecision } from './bench/temporal.js';
export * as metrics from './bench/metrics/index.js';
export * as learn from './learn/index.js';
export type { RunRecord, PredictionRecord, LatencyStats, Provenance } from './bench/records.js';

// Reports.
export { loadRunRecords, resultRows } from './report/results.js';
export { resultsTable } from './report/results-table.js';
export { latencyTable } from './report/latency-table.js';
export { toMarkdown, toLatex, toCsv } from './report/table.js';
export { layoutTable, hsemotionLayout, emoLocoLayout, LAYOUTS, type Layout, type LayoutCell } from './report/layouts/index.js';
export {
  plotlyFigures,
  plotlyHtml,
  plotlyConfusion,
  plotlyRecall,
  plotlyLatencyCdf,
  plotlyLoco,
  plotlyCrossCorpus,
  toPlotly,
  type PlotlyFigure,
} from './report/figures.js';
export { latencyFigure, confusionFigure, locoFigure, writeFigure, renderSvg } from './report/figures.js';
// Figures from run records (the specs are vega-lite, so notebooks can also show them interactively).
export { figuresOfKind, FIGURE_KINDS, renderPng, renderFigure, type FigureKind, type Figure, type FigureSet } from './report/figures.js';
