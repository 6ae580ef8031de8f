/**
 * Clip inputs of the feature-statistics protocols (src/learn/clip-stats.ts) from a video store's
 * embedding file: per clip, its face frames' vectors in frame order (AFEW), or per frame the vectors
 * of all its faces (VGAF, every-face policy: ids `<clip>#<k>`). A clip without any stored vector is an
 * input with no frames, which `describeClips` turns into the zero vector and counts as no-face.
 */
import type { ClipInput, ClipProtocol } from '../../learn/clip-stats.js';
import type { EmbeddingReader } from '../store/embeddings.js';

export async function clipInputs(reader: EmbeddingReader, clips: readonly string[], protocol: ClipProtocol): Promise<ClipInput[]> {
  const byClip = new Map<string, string[]>();
  for (const id of reader.ids()) {
    const hash = id.lastIndexOf('#');
    const clip = protocol === 'vgaf' && hash !== -1 ? id.slice(0, hash) : id;
    const list = byClip.get(clip);
    if (list) list.push(id);
    else byClip.set(clip, [id]);
  }
  const out: ClipInput[] = [];
  for (const clip of clips) {
    const ids = byClip.get(clip) ?? [];
    if (protocol === 'afew') {
      const rows = ids.length ? ((await reader.read(ids[0])) ?? []).map((e) => e.vector) : [];
      out.push({ id: clip, frames: rows });
      continue;
    }
    const frames = new Map<number, Float32Array[]>();
    for (const id of ids) for (const e of (await reader.read(id)) ?? []) (frames.get(e.frame) ?? frames.set(e.frame, []).get(e.frame)!).push(e.vector);
    out.push({ id: clip, frames: [...frames.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v) });
  }
  return out;
}
