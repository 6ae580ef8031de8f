/**
 * `bench pull NAME...`: downloads weights into the cache with a progress bar, resuming a partial
 * download and verifying the published sha256. A good copy already in models/ or the cache is reused.
 */
import type { Command } from 'commander';
import { BenchError, isBenchError } from '../../errors.js';
import type { ModelCard } from '../../models/card.js';
import { action, printJson } from '../output.js';

interface PullCliOptions {
  url?: string;
  dest?: string;
  force?: boolean;
  zoo?: string;
  json?: boolean;
  quiet?: boolean;
}

interface PullOutcome {
  name: string;
  /** downloaded: fetched now; present: a good copy was already here; bundled: ships with a package. */
  status: 'downloaded' | 'present' | 'bundled';
  path: string;
  sha256: string;
  verified: true | 'no-published-checksum';
  sizeBytes: number;
  resumedFrom: number;
  url: string | null;
  /** For .pt files: what to do before the engines can run it. */
  next?: string;
}

export function register(program: Command): void {
  program
    .command('pull')
    .description('download model weights into the cache (resumable, sha256-verified)')
    .argument('<names...>', 'models from the zoo (see `bench models`)')
    .option('--url <url>', 'download from this URL instead of the card\'s (one model only)')
    .option('--dest <dir>', 'download into this directory instead of the cache')
    .option('--force', 'download again even when a good copy is present')
    .option('--zoo <file>', 'merge this user zoo file over the built-in one (default: $FER_BENCH_ZOO)')
    .option('--json', 'print JSON on stdout')
    .option('-q, --quiet', 'no progress bar')
    .addHelpText(
      'after',
      `
Downloads go to $FER_BENCH_CACHE, else $XDG_CACHE_HOME/fer-bench/models, else
~/.cache/fer-bench/models. An interrupted download leaves <file>.part; running the command again
resumes it. A file whose sha256 differs from the published one is deleted and the command fails.
Instead of pulling, you can download the file yourself and put it in models/: it is verified the same way.

With several names, a failed download is reported and the next model is pulled; the command exits 2
if any failed, and --json then lists every model with its outcome (a failed one with its error).

Examples:
  bench pull enet_b0_8_va_mtl
  bench pull enet_b2_8 mobilenet_7 --json`,
    )
    .action(action(async (names: string[], opts: PullCliOptions) => runPull(names, opts)));
}

async function runPull(names: string[], opts: PullCliOptions): Promise<void> {
  const { defaultZoo, getModel, loadZoo } = await import('../../models/zoo.js');
  if (opts.url && names.length > 1) {
    throw new BenchError('BAD_INPUT', `--url names one file but ${names.length} models were given`, { fix: 'pull one model at a time with --url' });
  }
  const zoo = opts.zoo ? loadZoo({ userZoo: opts.zoo }) : defaultZoo();
  const cards = names.map((n) => getModel(n, zoo)); // every name checked before any download starts
  // One model: its error is the command's. Several: a failure is reported and the next model is pulled.
  if (cards.length === 1) {
    const outcome = await pullOne(cards[0], opts);
    if (opts.json) printJson([outcome]);
    else process.stdout.write(describe(outcome) + '\n');
    return;
  }
  const outcomes: Array<PullOutcome | PullFailure> = [];
  for (const card of cards) {
    try {
      const outcome = await pullOne(card, opts);
      outcomes.push(outcome);
      if (!opts.json) process.stdout.write(describe(outcome) + '\n');
    } catch (e) {
      if (!isBenchError(e)) throw e;
      outcomes.push({ name: card.name, status: 'failed', error: e.toJSON() });
      if (!opts.json) process.stderr.write(`${card.name}: ${e.describe()}\n`);
    }
  }
  const failed = outcomes.filter((o): o is PullFailure => o.status === 'failed');
  if (opts.json) printJson(outcomes);
  else if (failed.length) process.stderr.write(`${failed.length} of ${cards.length} failed: ${failed.map((f) => f.name).join(', ')}; the others are ready\n`);
  if (failed.length) process.exitCode = 2;
}

/** A model of several that could not be pulled; the others still were. */
interface PullFailure {
  name: string;
  status: 'failed';
  error: Record<string, unknown>;
}

async function pullOne(card: ModelCard, opts: PullCliOptions): Promise<PullOutcome> {
  const { resolveWeights } = await import('../../models/weights.js');
  const { pull } = await import('../../models/download.js');
  const { createProgress } = await import('../progress.js');
  const next = card.weights.format === 'torch-pt' ? card.exportHint : undefined;

  // A good copy anywhere we search (models/, the cache, a package) makes the download unnecessary.
  if (!opts.force && !opts.dest && !opts.url) {
    const found = await resolveWeights(card);
    if (found.status === 'found' && found.verified !== false) {
      return {
        name: card.name,
        status: found.source === 'bundled' ? 'bundled' : 'present',
        path: found.path,
        sha256: found.sha256,
        verified: found.verified,
        sizeBytes: found.sizeBytes,
        resumedFrom: 0,
        url: card.weights.url ?? null,
        ...(next ? { next } : {}),
      };
    }
  }

  const progress = createProgress({ total: card.weights.sizeBytes ?? 0, label: card.weights.name, unit: 'bytes', json: opts.json, quiet: opts.quiet });
  let total: number | null = null;
  let ok = false;
  try {
    const result = await pull(card, {
      dest: opts.dest,
      url: opts.url,
      force: opts.force,
      onProgress: (p) => {
        if (p.total !== null && p.total !== total) progress.setTotal((total = p.total));
        progress.update(p.received);
      },
    });
    ok = true;
    progress.stop(result.downloaded ? (result.resumedFrom ? `resumed from ${result.resumedFrom} bytes` : 'downloaded') : 'already present');
    return {
      name: card.name,
      status: result.downloaded ? 'downloaded' : 'present',
      path: result.path,
      sha256: result.sha256,
      verified: result.verified,
      sizeBytes: result.sizeBytes,
      resumedFrom: result.resumedFrom,
      url: result.url,
      ...(next ? { next } : {}),
    };
  } finally {
    if (!ok) progress.stop('failed');
  }
}

function describe(o: PullOutcome): string {
  const what = o.status === 'downloaded' ? `downloaded to ${o.path}` : o.status === 'bundled' ? `ships with its package: ${o.path}` : `already present: ${o.path}`;
  const check =
    o.verified === true
      ? 'sha256 verified'
      : `no published checksum; the local file's sha256 ${o.sha256} is recorded in the run record`;
  const resumed = o.resumedFrom ? ` (resumed from byte ${o.resumedFrom})` : '';
  return `${o.name}: ${what}${resumed}; ${check}${o.next ? `\n  next: ${o.next}` : ''}`;
}
