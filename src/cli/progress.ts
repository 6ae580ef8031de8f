/**
 * The progress bar every long command uses (downloads, latency runs, corpus passes). It draws on stderr
 * only when stderr is a terminal and the command was not asked for `--json` or `--quiet`, so stdout
 * stays clean for JSON and logs stay free of control characters. Whatever the mode, `stop()` writes one
 * summary line to stderr.
 */
import cliProgress from 'cli-progress';

export interface ProgressOptions {
  /** The value that means done; 0 when not known yet (see `setTotal`). */
  total: number;
  /** What is being done, e.g. the model or file name. */
  label: string;
  /** Unit of the values; `'bytes'` shows them as KiB/MiB/GiB. Default `'items'`. */
  unit?: string;
  /** No bar (summary only). Default: `--json` is on the command line. */
  json?: boolean;
  /** No bar (summary only). Default: `--quiet` is on the command line. */
  quiet?: boolean;
  /** Where to draw. Default `process.stderr`. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

export type ProgressPayload = Record<string, string | number>;

export interface Progress {
  /** Advances by `n` (default 1); `extra` is shown after the bar as `key=value`. */
  tick(n?: number, extra?: ProgressPayload): void;
  /** Sets the current value. */
  update(value: number, payload?: ProgressPayload): void;
  /** Sets (or corrects) the total once it is known. */
  setTotal(total: number): void;
  /** Removes the bar and writes the one-line summary; `note` is appended to it. Idempotent. */
  stop(note?: string): void;
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const unit = opts.unit ?? 'items';
  const json = opts.json ?? process.argv.includes('--json');
  const quiet = opts.quiet ?? process.argv.includes('--quiet');
  const drawing = stream.isTTY === true && !json && !quiet;
  const fmt = (v: number) => formatAmount(v, unit);
  const started = Date.now();
  let value = 0;
  let total = opts.total;
  let stopped = false;

  const bar = drawing
    ? new cliProgress.SingleBar(
        {
          stream,
          format: (options, params, payload: { extra?: string }) => {
            const done = `${fmt(params.value)}${params.total > 0 ? `/${fmt(params.total)}` : ''} ${unit === 'bytes' ? '' : unit}`.trimEnd();
            const known = params.total > 0;
            const barText = known ? ` ${renderBar(params.progress, options.barsize ?? 30)} ${Math.floor(params.progress * 100)}%` : '';
            const eta = known && params.progress > 0 && params.progress < 1 && Number.isFinite(params.eta) ? ` eta ${params.eta}s` : '';
            return `${opts.label}${barText} ${done}${eta}${payload.extra ? ` ${payload.extra}` : ''}`;
          },
          barsize: 30,
          hideCursor: true,
          clearOnComplete: true,
        },
      )
    : undefined;
  bar?.start(total, 0, { extra: '' });

  const show = (payload?: ProgressPayload) => (payload ? { extra: Object.entries(payload).map(([k, v]) => `${k}=${v}`).join(' ') } : undefined);

  return {
    tick(n = 1, extra) {
      if (stopped) return;
      value += n;
      bar?.update(value, show(extra));
    },
    update(v, payload) {
      if (stopped) return;
      value = v;
      bar?.update(value, show(payload));
    },
    setTotal(t) {
      if (stopped) return;
      total = t;
      bar?.setTotal(t);
    },
    stop(note) {
      if (stopped) return;
      stopped = true;
      bar?.stop();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const amount = `${fmt(value)}${total > 0 && total !== value ? ` of ${fmt(total)}` : ''}${unit === 'bytes' ? '' : ` ${unit}`}`;
      stream.write(`${opts.label}: ${amount} in ${seconds} s${note ? `; ${note}` : ''}\n`);
    },
  };
}

function renderBar(progress: number, size: number): string {
  const full = Math.max(0, Math.min(size, Math.round(progress * size)));
  return '█'.repeat(full) + '░'.repeat(size - full);
}

/** `12.3 MiB` for bytes, the plain number otherwise. */
export function formatAmount(v: number, unit: string): string {
  if (unit !== 'bytes') return String(v);
  if (v < 1024) return `${v} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let x = v / 1024;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x.toFixed(1)} ${units[i]}`;
}
