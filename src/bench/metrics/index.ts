/** Metrics and statistics: pure functions over predictions (no I/O). */
export { createRng, type Rng } from './prng.js';
export { confusionMatrix, fromRows, toRows, type ConfusionMatrix } from './confusion.js';
export {
  classificationMetrics,
  classificationValues,
  classificationNames,
  confusionStatistic,
  SUMMARY_METRICS,
  type ClassificationSummary,
} from './classification.js';
export { flattenScores, argmaxRows, type ScoreInput } from './scores.js';
export { topKAccuracy, topKHits, trueClassRanks, hitsFromRanks } from './topk.js';
export { regressionMetrics, regressionStatistic, ccc, REGRESSION_METRICS, type RegressionSummary } from './regression.js';
export {
  pointEstimate,
  allItems,
  concatStatistics,
  differenceStatistic,
  meanStatistic,
  prefixStatistic,
  withDerived,
  type ResampleStatistic,
} from './statistic.js';
export { bootstrap, quantileSorted, BOOTSTRAP_DEFAULTS, type BootstrapOptions, type MetricEstimate, type ConfidenceInterval } from './bootstrap.js';
export { mcnemar, pairedBootstrap, compareClassifiers, type McNemarResult, type ClassifierComparison } from './compare.js';
export { abawMtlScore, lsdScore, auF1Statistic, ABAW_EXPR_CLASSES, ABAW_AUS, LSD_CLASSES, type MtlInput } from './composite.js';
export { scoreClassification, type ClassificationInput, type ScoreOptions, type MetricsReport } from './report.js';
export { parsePredictionsCsv, csvRecords, SCORE_PREFIX, type PredictionsTable, type PredictionsCsvOptions } from './predictions-csv.js';
