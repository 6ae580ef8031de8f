/**
 * The embedded demo: everything a new user needs to see the whole path work, with nothing to download.
 * It writes a small corpus in AffectNet's exact official layout (CSV + Manually_Annotated_Images, with a
 * few deliberate faults), evaluates the bundled face-api expression model on it, does the same on a small
 * AFEW-layout corpus of clips made from a real photograph (RetinaFace finds the faces), times that model
 * and an EfficientNet-B0 replica, and renders the tables. Every number it makes is labelled as a demo.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openCorpus } from '../datasets/corpus.js';
import { writeAffectNetFixture } from '../datasets/fixtures/affectnet-fixture.js';
import { writeAfewFixture } from '../datasets/fixtures/afew-fixture.js';
import { openFaceSource } from '../media/faces/open-source.js';
import { DetectionCache } from '../media/faces/cache.js';
import { FIXTURE_PHOTOS, writeFaceClip, type ClipSegment } from '../media/video/fixture.js';
import { affectnetProtocol } from '../datasets/label-map.js';
import { openModel } from '../models/open.js';
import { getModel } from '../models/zoo.js';
import { loadRunRecords } from '../report/results.js';
import { resultsTable } from '../report/results-table.js';
import { latencyTable } from '../report/latency-table.js';
import { toMarkdown } from '../report/table.js';
import { evaluate, type EvalRunRecord } from './evaluate.js';
import { runLatency, type LatencyRunRecord } from './latency-run.js';
import { saveRunRecord } from './run-store.js';

export interface DemoOptions {
  /** Working directory for the corpus, predictions and run records. Default `results/demo`. */
  dir?: string;
  /** Images per AffectNet class (8 classes). Default 12. */
  perClass?: number;
  /** Clips per AFEW emotion in the video part (0 skips it). Default 2. */
  clipsPerClass?: number;
  /** Timed calls per latency run (after warm-up). Default 50. */
  latencyRuns?: number;
  /** Called with a line of progress text. */
  log?: (line: string) => void;
}

export interface DemoResult {
  corpusRoot: string;
  /** The generated AFEW-layout corpus of the video part (absent when it was skipped). */
  videoRoot?: string;
  evals: EvalRunRecord[];
  latency: LatencyRunRecord[];
  /** Markdown tables: accuracy (demo) and latency. */
  accuracyTable: string;
  latencyTable: string;
  runsDir: string;
  /** The faults planted in the corpus, and how many items the first eval counted under each one's reason. */
  faults: DemoFault[];
}

export interface DemoFault {
  /** What was planted, in words. */
  planted: string;
  /** The skip reason it must be counted under. */
  reason: string;
  /** Its line in the CSV list, when it has one. */
  row?: number;
  /** Items the run record counts under `reason` (skipped or excluded). */
  counted: number;
}

const FAULT_WORDS: Record<string, string> = {
  'malformed-row': 'a CSV row with a broken field',
  'missing-file': 'a listed image that was never written',
  'expression-none': 'an item with expression 8 (None), not an emotion',
  'expression-uncertain': 'an item with expression 9 (Uncertain)',
  'expression-no-face': 'an item with expression 10 (No-Face)',
  'decode-failed': 'a JPEG cut in half',
};

/** The bundled model the demo evaluates, and the replica it times beside it. */
export const DEMO_MODEL = 'faceapi_expression';
export const DEMO_REPLICA = 'enet_b0_8_va_mtl';

export async function runDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const dir = opts.dir ?? join('results', 'demo');
  const log = opts.log ?? (() => {});
  const corpusRoot = join(dir, 'AffectNet');
  const runsDir = join(dir, 'runs');
  await mkdir(dir, { recursive: true });

  log(`writing a demo corpus in AffectNet's official layout to ${corpusRoot}`);
  const fixture = await writeAffectNetFixture({
    dir: corpusRoot,
    layout: 'csv',
    perClass: opts.perClass ?? 12,
    imageSize: 160,
    faults: { missingFile: 1, truncatedJpeg: 1, malformedRow: 1, expression8to10: 1 },
  });
  const corpus = await openCorpus('affectnet', { root: corpusRoot, split: 'val' });

  const evals: EvalRunRecord[] = [];
  let videoRoot: string | undefined;
  const latency: LatencyRunRecord[] = [];
  const model = await openModel(getModel(DEMO_MODEL));
  try {
    for (const classes of [8, 7] as const) {
      log(`evaluating ${DEMO_MODEL} on the demo corpus (AffectNet-${classes} protocol)`);
      const record = await evaluate(model, corpus, {
        protocol: affectnetProtocol(classes),
        // face-api has no Contempt class: under 8 classes its Contempt items count as wrong, as a 7-class
        // model's would in an 8-class table, instead of turning the 8-class run into a 7-class one.
        missing: classes === 8 ? 'count-wrong' : 'drop',
        storeDir: join(dir, 'predictions'),
        ci: { resamples: 1000 },
        demo: true,
      });
      evals.push(record);
      await saveRunRecord(runsDir, record);
    }
    const clipsPerClass = opts.clipsPerClass ?? 2;
    if (clipsPerClass > 0) {
      videoRoot = join(dir, 'AFEW');
      log(`writing a demo AFEW (${clipsPerClass} clips per emotion, a real photograph panned and zoomed, with face-less cuts) to ${videoRoot}`);
      const { astronaut, coffee } = FIXTURE_PHOTOS;
      await writeAfewFixture({
        dir: videoRoot,
        perClass: clipsPerClass,
        faults: { emptyClip: 1 },
        writeClip: async (file, v) => {
          const segments: ClipSegment[] = [{ photo: astronaut, frames: 8, from: { zoom: 3 + v * 0.2, dx: 0.1 * (v % 3) }, to: { zoom: 2.2 } }];
          // Every third clip has a cut to a shot without a face; one in seven has no face at all.
          if (v % 3 === 0) segments.push({ photo: coffee, frames: 4, from: { zoom: 0.8 }, to: { zoom: 0.8 } });
          await writeFaceClip(file, { container: 'avi', segments: v === 6 ? [{ photo: coffee, frames: 6, from: { zoom: 0.8 }, to: { zoom: 0.7 } }] : segments });
        },
      });
      const clips = await openCorpus('afew', { root: videoRoot, split: 'val' });
      const detector = await openFaceSource({ kind: 'retinaface' });
      try {
        log(`evaluating ${DEMO_MODEL} on the demo AFEW: RetinaFace on every frame, the largest face, clip = mean of frame probabilities`);
        const record = await evaluate(model, clips, {
          storeDir: join(dir, 'predictions'),
          ci: { resamples: 1000 },
          demo: true,
          video: { detector, detectionCache: new DetectionCache(join(dir, 'detections')) },
        });
        evals.push(record);
        await saveRunRecord(runsDir, record);
      } finally {
        await detector.dispose();
      }
    }
    log(`timing ${DEMO_MODEL}`);
    latency.push(await runLatency(model, { minRuns: opts.latencyRuns ?? 50, minDurationMs: 1000 }));
  } finally {
    await model.engine.dispose();
  }
  log(`timing a random-weight replica of ${DEMO_REPLICA} (latency only)`);
  const replica = await openModel(getModel(DEMO_REPLICA), { replica: true });
  try {
    latency.push(await runLatency(replica, { minRuns: opts.latencyRuns ?? 50, minDurationMs: 1000 }));
  } finally {
    await replica.engine.dispose();
  }
  for (const r of latency) await saveRunRecord(runsDir, r);

  const runs = await loadRunRecords(runsDir);
  const val = fixture.splits.val!;
  const coverage = evals[0].coverage;
  const counted = (reason: string) => (coverage?.skippedByReason[reason] ?? 0) + (coverage?.excluded?.[reason] ?? 0);
  const faults: DemoFault[] = [
    ...val.skipped.map((f) => ({ planted: FAULT_WORDS[f.reason] ?? f.reason, reason: f.reason, ...(f.row !== undefined ? { row: f.row } : {}), counted: counted(f.reason) })),
    ...val.truncated.map(() => ({ planted: FAULT_WORDS['decode-failed'], reason: 'decode-failed', counted: counted('decode-failed') })),
  ];
  return {
    faults,
    corpusRoot,
    videoRoot,
    evals,
    latency,
    accuracyTable: toMarkdown(resultsTable(runs)),
    latencyTable: toMarkdown(latencyTable(runs)),
    runsDir,
  };
}
