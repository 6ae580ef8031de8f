/**
 * One array task of a sharded evaluation: the model over its shard of the corpus, into the shard's own
 * store segment (resumed like any store when the task was killed and resubmitted). No run record: the
 * metrics of one block are not the evaluation's; `bench merge` makes that record from all segments.
 */
import type { Corpus } from '../datasets/corpus.js';
import type { OpenedModel } from '../models/open.js';
import { writeSkipLog } from './evaluate.js';
import { runCorpus, type RunnerOptions } from './runner.js';
import { shardCorpus, type ShardSpec } from './shard.js';

export interface SegmentResult {
  shard: ShardSpec;
  storeDir: string;
  /** Samples in this shard, of the whole corpus's. */
  items: number;
  corpusItems: number;
  /** Run now / found in the segment from an earlier (interrupted) attempt. */
  ran: number;
  reused: number;
  /** Items that could not be scored (decode failures, NaN output), by the runner. */
  skipped: number;
  wallMs: number;
}

export async function runSegment(opened: OpenedModel, corpus: Corpus, spec: ShardSpec, opts: RunnerOptions = {}): Promise<SegmentResult> {
  const part = shardCorpus(corpus, spec);
  const run = await runCorpus(opened, part, opts);
  // The shard's skip log: the loader's skips (shard 0 only) and its own run-time skips.
  await writeSkipLog(run.storeDir, part, run.records);
  return {
    shard: { index: spec.index, count: spec.count },
    storeDir: run.storeDir,
    items: part.samples.length,
    corpusItems: corpus.samples.length,
    ran: run.ran,
    reused: run.reused,
    skipped: run.records.filter((r) => r.skip).length,
    wallMs: run.wallMs,
  };
}
