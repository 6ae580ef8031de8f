/**
 * `bench store ls|prune`: the prediction stores on disk. When the weights behind a model name change,
 * the old store stays beside the new one; `ls` says which is which, `prune` removes the stores no run
 * record references (after asking, or with --yes).
 */
import type { Command } from 'commander';
import { BenchError } from '../../errors.js';
import type { StoreSummary } from '../../bench/store/list.js';
import { action, printJson } from '../output.js';
import { textTable } from '../text-table.js';

interface StoreCliOptions {
  storeDir: string;
  runs: string[];
  json?: boolean;
  yes?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function common(cmd: Command): Command {
  return cmd
    .option('--store-dir <dir>', 'the prediction store folder', 'results/predictions')
    .option('--runs <dir>', 'a folder of run records whose references count (repeatable; default results/runs)', collect)
    .option('--json', 'print JSON on stdout');
}

export function register(program: Command): void {
  const store = program
    .command('store')
    .description('list the prediction stores (model sha, corpus hash, items, complete), prune unreferenced ones, verify and repair damaged records')
    .addHelpText(
      'after',
      `
Examples:
  bench store ls
  bench store ls --store-dir results/demo/predictions --runs results/demo/runs
  bench store prune            # asks before removing anything
  bench store prune --yes --json
  bench store verify results/predictions/*
  bench store repair results/predictions/enet_b0_8_va_mtl-affectnet-val-0123456789ab`,
    );
  common(store.command('ls').description('list every store with its model sha256, corpus hash, items, completeness, date and references'))
    .addHelpText(
      'after',
      `
A store is superseded when a newer store of the same model name, corpus and split has other weights
(a new file behind the name) or another corpus hash. "refs" counts the run records pointing at it.

Example:
  bench store ls --json`,
    )
    .action(action(async (opts: StoreCliOptions) => runList(opts)));
  common(store.command('prune').description('remove the stores no run record references (asks first)'))
    .option('-y, --yes', 'remove without asking')
    .addHelpText(
      'after',
      `
Run records are read from --runs (default results/runs); a store any of them names is kept, and so is
one with a writer lock (a run may be going on). Without --yes the command lists what it would remove
and asks; where it cannot ask (no terminal, or --json) it removes nothing and says to add --yes.

Examples:
  bench store prune
  bench store prune --runs results/runs --runs results/demo/runs --yes`,
    )
    .action(action(async (opts: StoreCliOptions) => runPrune(opts)));
  store
    .command('verify')
    .description("read every record of the stores and check its checksum; changes nothing (exit 2 when one is damaged)")
    .argument('<dir...>', 'store directories (results/predictions/<model>-<corpus>-<split>-<key>)')
    .option('--json', 'print JSON on stdout')
    .addHelpText(
      'after',
      `
Every record line of a format-2 store ends with a crc32 of its JSON; meta.json carries one too. A
format-1 store (written before checksums) is read, and its lines are counted as unverified.

Example:
  bench store verify results/predictions/* --json`,
    )
    .action(action(async (dirs: string[], opts: { json?: boolean }) => runCheck(dirs, opts, false)));
  store
    .command('repair')
    .description('rewrite a store without its damaged records (checksum mismatch, unparsable or torn lines); the next run recomputes them')
    .argument('<dir...>', 'store directories')
    .option('--json', 'print JSON on stdout')
    .addHelpText(
      'after',
      `
Sound lines are kept byte for byte; the file is replaced atomically under the store's writer lock (a run
using the store makes this refuse), and the store is marked incomplete, so re-running the same
\`bench eval\` recomputes exactly the items that were dropped. A damaged meta.json cannot be repaired:
restore it or delete the store.

Example:
  bench store repair results/predictions/enet_b0_8_va_mtl-affectnet-val-0123456789ab
  bench eval --model enet_b0_8_va_mtl --dataset affectnet --root data/AffectNet   # recomputes them`,
    )
    .action(action(async (dirs: string[], opts: { json?: boolean }) => runCheck(dirs, opts, true)));
}

async function runCheck(dirs: readonly string[], opts: { json?: boolean }, repair: boolean): Promise<void> {
  const { repairStore, verifyStore } = await import('../../bench/store/repair.js');
  const results = [];
  for (const dir of dirs) results.push(repair ? await repairStore(dir) : { ...(await verifyStore(dir)), rewritten: false });
  const bad = results.find((r) => r.damaged.length > 0);
  // Under --json a damaged store is the one error document (exit 2); the report is for a sound run.
  if (opts.json) {
    if (repair || !bad) printJson({ stores: results });
  } else {
    for (const r of results) {
      const state = r.damaged.length === 0 ? 'sound' : repair ? `repaired: dropped ${r.damaged.length} damaged line(s), the next run recomputes them` : `${r.damaged.length} damaged line(s)`;
      process.stdout.write(`${r.dir}: format ${r.formatVersion}, ${r.verified} verified, ${r.unverified} unverified; ${state}\n`);
      for (const d of r.damaged) process.stdout.write(`  line ${d.line}: ${d.reason}\n`);
    }
  }
  if (!repair && bad) {
    throw new BenchError('BAD_INPUT', `${results.filter((r) => r.damaged.length > 0).length} store(s) have damaged records (first: line ${bad.damaged[0]!.line} of ${bad.file})`, {
      file: bad.file,
      row: bad.damaged[0]!.line,
      fix: `bench store repair ${bad.dir} drops them (the next run recomputes those items), or delete the store directory`,
    });
  }
}

async function summaries(opts: StoreCliOptions): Promise<StoreSummary[]> {
  const { summariseStores } = await import('../../bench/store/list.js');
  return summariseStores({ storeDir: opts.storeDir, runs: opts.runs ?? ['results/runs'] });
}

const short = (sha: string | null) => (sha ? sha.slice(0, 12) : '-');

function formatStores(stores: readonly StoreSummary[]): string {
  const rows = stores.map((s) => [
    s.name,
    s.replica ? 'replica' : short(s.modelSha256),
    short(s.manifestSha256),
    String(s.items),
    s.locked ? 'writing?' : s.complete ? 'complete' : 'partial',
    s.date ? s.date.slice(0, 16).replace('T', ' ') : '-',
    String(s.referencedBy.length),
    [s.problem ? `unreadable: ${s.problem}` : s.supersededBy ? `superseded by ${s.supersededBy}` : '', s.checksums === false ? 'format 1: records unverified (no checksums)' : '']
      .filter(Boolean)
      .join('; '),
  ]);
  return textTable(['store', 'model sha256', 'corpus hash', 'items', 'state', 'date (UTC)', 'refs', 'note'], rows);
}

async function runList(opts: StoreCliOptions): Promise<void> {
  const stores = await summaries(opts);
  if (opts.json) return printJson({ storeDir: opts.storeDir, stores });
  if (stores.length === 0) {
    process.stdout.write(`no prediction stores in ${opts.storeDir} (bench eval writes them)\n`);
    return;
  }
  process.stdout.write(formatStores(stores) + '\n');
}

async function confirm(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function runPrune(opts: StoreCliOptions): Promise<void> {
  const { planPrune, removeStore } = await import('../../bench/store/list.js');
  const plan = planPrune(await summaries(opts));
  const kept = plan.keep.map(({ store, why }) => ({ store: store.name, why }));
  const say = (line: string) => {
    if (!opts.json) process.stdout.write(line + '\n');
  };
  for (const k of kept) say(`keeping ${k.store}: ${k.why}`);
  if (plan.remove.length === 0) {
    if (opts.json) printJson({ removed: [], kept });
    else say(`nothing to prune in ${opts.storeDir}: every store is referenced by a run record`);
    return;
  }
  if (!opts.yes) {
    if (opts.json || !process.stdin.isTTY) {
      throw new BenchError('BAD_OPTION', `${plan.remove.length} unreferenced store(s) in ${opts.storeDir} would be removed, but there is no terminal to ask`, {
        fix: 'run `bench store prune` in a terminal to be asked, or add --yes to remove them',
      });
    }
    say(formatStores(plan.remove));
    if (!(await confirm(`remove these ${plan.remove.length} store(s)? [y/N] `))) {
      say('nothing removed');
      return;
    }
  }
  const removed: string[] = [];
  for (const s of plan.remove) {
    await removeStore(s.dir);
    removed.push(s.dir);
    say(`removed ${s.dir} (${s.items} items, ${s.bytes} bytes)`);
  }
  if (opts.json) printJson({ removed, kept });
}
