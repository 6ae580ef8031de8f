/**
 * Detections cached per video, so a second model (or a second protocol) never runs the detector again.
 *
 *   results/detections/<detector key>/<video sha256, 16 hex>-<decode settings hash, 12 hex>.jsonl
 *
 * - The detector key is `detectorKey(identity)`: name + parameters + weights sha256. The video is named by
 *   the sha256 of its bytes (not its path), and the decode settings (sampling, segment, maxWidth) are hashed
 *   too, since they decide which frames exist and at what size the boxes were found.
 * - Line 1 is a header repeating all of that plus the frame count; then one line per sampled frame,
 *   `{"i": index, "faces": [{box, score, landmarks?}]}` (an empty list records "no face"; boxes in the
 *   decoded frame's pixels).
 * - The file is written once, atomically, after the whole clip was detected: it exists complete or not at
 *   all (a crash mid-clip leaves nothing to trust). A file that does not match its header is ignored and
 *   rewritten.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { canonicalJson, sha256Json, shortHash } from '../../util/hash.js';
import { detectorKey, type DetectedFace, type DetectorIdentity } from './detector.js';

export interface DetectionKey {
  detector: DetectorIdentity;
  /** sha256 of the video file (or of a frames folder's listing and files). */
  videoSha256: string;
  /** Everything about decoding that changes the frames: sampling, segment, maxWidth. */
  decode: Record<string, unknown>;
}

export interface CachedFrame {
  index: number;
  faces: DetectedFace[];
}

interface Header {
  schema: 1;
  detector: DetectorIdentity;
  videoSha256: string;
  decode: Record<string, unknown>;
  frames: number;
}

export class DetectionCache {
  /** Default `results/detections` under the working directory. */
  constructor(readonly root: string = join('results', 'detections')) {}

  pathFor(key: DetectionKey): string {
    return join(this.root, detectorKey(key.detector), `${shortHash(key.videoSha256, 16)}-${shortHash(sha256Json(key.decode))}.jsonl`);
  }

  /** The cached frames, or null when there is no complete entry for this key. */
  async read(key: DetectionKey): Promise<CachedFrame[] | null> {
    let text: string;
    try {
      text = await readFile(this.pathFor(key), 'utf8');
    } catch {
      return null;
    }
    const lines = text.split('\n').filter((l) => l !== '');
    try {
      const header = JSON.parse(lines[0]) as Header;
      const expected: Header = { schema: 1, detector: key.detector, videoSha256: key.videoSha256, decode: key.decode, frames: lines.length - 1 };
      if (canonicalJson(header) !== canonicalJson(expected)) return null;
      return lines.slice(1).map((l) => {
        const r = JSON.parse(l) as { i: number; faces: DetectedFace[] };
        return { index: r.i, faces: r.faces };
      });
    } catch {
      return null;
    }
  }

  async write(key: DetectionKey, frames: readonly CachedFrame[]): Promise<string> {
    const path = this.pathFor(key);
    await mkdir(join(this.root, detectorKey(key.detector)), { recursive: true });
    const header: Header = { schema: 1, detector: key.detector, videoSha256: key.videoSha256, decode: key.decode, frames: frames.length };
    const body = [JSON.stringify(header), ...frames.map((f) => JSON.stringify({ i: f.index, faces: f.faces }))].join('\n') + '\n';
    await writeFileAtomic(path, body);
    return path;
  }
}
