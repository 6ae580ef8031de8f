/** ffprobe a written fixture clip: proof that the fixtures are real media, not placeholder bytes. */
import { execFileSync } from 'node:child_process';

export async function probeWritten(file: string): Promise<{ codec: string; frames: number }> {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=codec_name,nb_read_frames', '-of', 'csv=p=0', file], {
    encoding: 'utf8',
  }).trim();
  const [codec, frames] = out.split(',');
  return { codec, frames: Number(frames) };
}

/** Codec names of every stream (video and audio) of a file. */
export function streamCodecs(file: string): string[] {
  return execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean);
}
