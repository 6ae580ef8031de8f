/** What the shard tests compare between a merged and a single-process evaluation. */
import type { EvalRunRecord } from '../../src/bench/evaluate.js';
import type { PredictionRecord } from '../../src/bench/records.js';
import { canonicalJson } from '../../src/util/hash.js';

/** Everything of a run record that must be byte-identical (not timings, hosts, paths, dates or the shard list). */
export const scored = (r: EvalRunRecord): string =>
  canonicalJson({
    metrics: r.metrics,
    confusion: r.confusion,
    coverage: r.coverage,
    classes: r.classes,
    labelMap: r.labelMap,
    protocol: r.protocol,
    published: r.published,
    dataset: r.provenance.dataset,
    model: r.provenance.model,
    preprocessing: r.provenance.preprocessing,
  });

/** Prediction records without the per-item engine time (a wall-clock measurement). */
export const untimed = (records: readonly PredictionRecord[]) => records.map(({ latencyMs: _l, ...r }) => r);
