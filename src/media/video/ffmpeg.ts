/**
 * Locating and running the ffmpeg / ffprobe binaries (Debian's `ffmpeg` package ships both). The paths
 * can be overridden with FFMPEG_PATH / FFPROBE_PATH; a missing binary is one `TOOL_MISSING` error that
 * says how to install it, raised the first time a video is touched, not a failure per clip.
 */
import { spawn, spawnSync } from 'node:child_process';
import { BenchError } from '../../errors.js';

export type FfTool = 'ffmpeg' | 'ffprobe';

const ENV: Record<FfTool, string> = { ffmpeg: 'FFMPEG_PATH', ffprobe: 'FFPROBE_PATH' };
const checked = new Map<string, string>();

/** The command to run for a tool: `$FFMPEG_PATH` / `$FFPROBE_PATH`, else the name on PATH. */
export function toolCommand(tool: FfTool): string {
  return process.env[ENV[tool]] || tool;
}

export function ffmpegMissing(tool: FfTool, command: string, cause?: unknown): BenchError {
  return new BenchError('TOOL_MISSING', `${tool} is not installed or not runnable (tried \`${command}\`); video corpora need it`, {
    fix: `install it (Debian/Ubuntu: \`apt-get install -y ffmpeg\`, which also provides ffprobe; macOS: \`brew install ffmpeg\`), or set ${ENV[tool]} to its path`,
    cause,
  });
}

/** Checks once per command that the tool runs; returns its version line. Throws `TOOL_MISSING` otherwise. */
export function requireTool(tool: FfTool): string {
  const command = toolCommand(tool);
  const known = checked.get(command);
  if (known !== undefined) return known;
  const r = spawnSync(command, ['-hide_banner', '-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw ffmpegMissing(tool, command, r.error);
  const version = r.stdout.split('\n')[0]?.trim() ?? tool;
  checked.set(command, version);
  return version;
}

export interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a tool to completion with its output collected (probes, encodes: small outputs only). */
export function runTool(tool: FfTool, args: string[], input?: Uint8Array): Promise<RunResult> {
  const command = toolCommand(tool);
  requireTool(tool);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(ffmpegMissing(tool, command, e)));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    if (input && child.stdin) child.stdin.end(input);
  });
}

/** ffmpeg's last meaningful stderr line: the one sentence a skip detail quotes. */
export function lastMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/Last message repeated/.test(l));
  return lines.at(-1) ?? 'no message';
}
