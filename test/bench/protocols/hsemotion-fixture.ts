/**
 * Small AFEW and VGAF corpora (train and val) of real clips for the feature-statistics tests: short
 * clips of the astronaut photograph, framed a little differently per class and split so the tiny model's
 * embeddings differ, and in val one clip of a cup (no face) to exercise face-subset vs complete accuracy.
 */
import { writeAfewFixture } from '../../../src/datasets/fixtures/afew-fixture.js';
import { writeVgafFixture } from '../../../src/datasets/fixtures/vgaf-fixture.js';
import { FIXTURE_PHOTOS, writeFaceClip, type ClipContainer } from '../../../src/media/video/fixture.js';

/** The val clip of this class index is the face-less one. */
export const FACELESS_VARIANT = 1;

function clipWriter(split: 'train' | 'val', container: ClipContainer, frames: number) {
  const { astronaut, coffee } = FIXTURE_PHOTOS;
  return async (file: string, v: number): Promise<void> => {
    const segments =
      split === 'val' && v === FACELESS_VARIANT
        ? [{ photo: coffee, frames }]
        : [{ photo: astronaut, frames, from: { zoom: 2.2 + 0.2 * v, dx: (v - 3) * 0.06 + (split === 'val' ? 0.03 : 0) }, to: { zoom: 2 + 0.25 * v, dy: 0.05 * v } }];
    await writeFaceClip(file, { container, fps: 10, width: 160, height: 120, segments });
  };
}

/** AFEW's layout under `dir` with `perClass` clips per emotion in train and in val (3 frames each). */
export async function writeFaceAfew(dir: string, perClass = 1): Promise<string> {
  for (const split of ['train', 'val'] as const) await writeAfewFixture({ dir, perClass, split, seed: split === 'train' ? 1 : 2, writeClip: clipWriter(split, 'avi', 3) });
  return dir;
}

/** VGAF's layout under `dir` (Positive, Neutral, Negative) with `perClass` videos per class and split (2 frames each). */
export async function writeFaceVgaf(dir: string, perClass = 1): Promise<string> {
  for (const split of ['train', 'val'] as const) await writeVgafFixture({ dir, perClass, split, seed: split === 'train' ? 1 : 2, writeClip: clipWriter(split, 'mp4', 2) });
  return dir;
}
