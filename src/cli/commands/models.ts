/**
 * `bench models [NAME]`: the zoo as a table (format, input, classes, heads, published AffectNet-8/7
 * accuracy, and whether the weights are on this machine and verified), or one card in full.
 */
import type { Command } from 'commander';
import type { ModelCard } from '../../models/card.js';
import type { WeightsLookup } from '../../models/weights.js';
import { action, printJson } from '../output.js';
import { textTable } from '../text-table.js';
import { formatMetric, publishedToRecordScale } from '../../report/format.js';

interface ModelsCliOptions {
  zoo?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('models')
    .description('list the model zoo and whether each model\'s weights are present and verified here')
    .argument('[name]', 'show this model\'s card in full')
    .option('--zoo <file>', 'merge this user zoo file over the built-in one (default: $FER_BENCH_ZOO)')
    .option('--json', 'print JSON on stdout')
    .addHelpText(
      'after',
      `
Weights are looked for in models/ (drop a file there), then in the download cache
($FER_BENCH_CACHE, else $XDG_CACHE_HOME/fer-bench/models, else ~/.cache/fer-bench/models).
"verified" means the file's sha256 equals the published one; most models have none published,
and then the local file's sha256 is recorded in every run record instead.

Examples:
  bench models
  bench models enet_b0_8_va_mtl
  bench models --json`,
    )
    .action(action(async (name: string | undefined, opts: ModelsCliOptions) => runModels(name, opts)));
}

async function runModels(name: string | undefined, opts: ModelsCliOptions): Promise<void> {
  const { defaultZoo, getModel, listModels, loadZoo } = await import('../../models/zoo.js');
  const { cacheDir, resolveWeights } = await import('../../models/weights.js');
  const zoo = opts.zoo ? loadZoo({ userZoo: opts.zoo }) : defaultZoo();

  if (name) {
    const card = getModel(name, zoo);
    const weights = await resolveWeights(card);
    if (opts.json) printJson({ card, weights });
    else process.stdout.write(formatCard(card, weights) + '\n');
    return;
  }

  const rows = [];
  for (const card of listModels(zoo)) rows.push(await summarise(card, await resolveWeights(card)));
  if (opts.json) {
    printJson({ cacheDir: cacheDir(), models: rows });
    return;
  }
  // Fits 100 columns: the class count is in `heads`, the weights status is one word (the JSON and
  // `bench models NAME` have the details).
  const table = textTable(
    ['name', 'format', 'input', 'heads', 'AN-8', 'AN-7', 'weights'],
    rows.map((r) => [r.name, r.format, r.input, r.heads, pct(r.published.affectnet8), pct(r.published.affectnet7), r.weights.word]),
  );
  process.stdout.write(
    `${table}\n\nweights cache: ${cacheDir()}\n` +
      'AN-8, AN-7: published AffectNet-8/-7 accuracy (%).\n' +
      'weights: verified = the sha256 is the published one; MISMATCH = it is not; present, bundled = none\n' +
      'is published (the file\'s own sha256 goes into every run record).\n' +
      '`bench pull NAME` fetches missing weights; `bench models NAME` shows a card in full.\n',
  );
}

async function summarise(card: ModelCard, lookup: WeightsLookup) {
  const { headlineResult } = await import('../../models/zoo.js');
  return {
    name: card.name,
    family: card.family,
    format: card.weights.format,
    file: card.weights.name,
    input: `${card.input.size} ${card.input.colorOrder} ${card.input.layout}`,
    classes: card.classes,
    heads: describeHeads(card),
    published: {
      affectnet8: headlineResult(card, 'affectnet', '8-class', 'accuracy')?.value ?? null,
      affectnet7: headlineResult(card, 'affectnet', '7-class', 'accuracy')?.value ?? null,
    },
    weights: weightsSummary(card, lookup),
  };
}

/** One word for the table plus the details for JSON. */
function weightsSummary(card: ModelCard, lookup: WeightsLookup) {
  if (lookup.status === 'missing') return { status: 'missing', word: 'missing', path: null, source: null, sha256: null, verified: null, searched: lookup.searched };
  const status =
    lookup.verified === true ? 'verified' : lookup.verified === false ? 'CHECKSUM MISMATCH' : card.weights.format === 'torch-pt' ? 'present (.pt: export it)' : lookup.source === 'bundled' ? 'bundled (no published sha256)' : 'present (no published sha256)';
  const word = lookup.verified === true ? 'verified' : lookup.verified === false ? 'MISMATCH' : card.weights.format === 'torch-pt' ? '.pt: export' : lookup.source === 'bundled' ? 'bundled' : 'present';
  return { status, word, path: lookup.path, source: lookup.source, sha256: lookup.sha256, verified: lookup.verified };
}

/** `8 logits+VA+emb1280`. */
function describeHeads(card: ModelCard): string {
  const { expression, valence, arousal, embedding } = card.heads;
  let s = `${expression.length ?? card.classes.length} ${expression.kind === 'logits' ? 'logits' : 'probs'}`;
  if (valence && arousal) s += '+VA';
  else if (valence) s += '+V';
  else if (arousal) s += '+A';
  if (embedding) s += `+emb${embedding.length ?? ''}`;
  return s;
}

const pct = (v: number | null) => (v === null ? '-' : formatMetric('accuracy', publishedToRecordScale('accuracy', v)));

function formatCard(card: ModelCard, lookup: WeightsLookup): string {
  const { weights, input, heads } = card;
  const head = (label: string, h: { output: string; start?: number; length?: number } | undefined, extra = ''): [string, string] | undefined =>
    h ? [label, `${h.output}${h.start !== undefined || h.length !== undefined ? `[${h.start ?? 0}..${(h.start ?? 0) + (h.length ?? 0)})` : ''}${extra}`] : undefined;
  const local =
    lookup.status === 'missing'
      ? `missing (looked in ${lookup.searched.join(', ')})`
      : `${weightsSummary(card, lookup).status}: ${lookup.path} (sha256 ${lookup.sha256})`;
  const rows: Array<[string, string] | undefined> = [
    ['family', card.family],
    ['architecture', card.architecture],
    ['weights', `${weights.name} (${weights.format})`],
    weights.url ? ['url', weights.url] : undefined,
    weights.bundled ? ['bundled', `${weights.bundled.package}/${weights.bundled.path}`] : undefined,
    ['sha256', weights.sha256 ?? 'none published'],
    ['on this machine', local],
    ['input', `"${input.name}" ${input.size}x${input.size} ${input.colorOrder} ${input.layout}, resize ${input.resize}`],
    ['normalise', `(pixel * ${input.scale} - [${input.mean.join(', ')}]) / [${input.std.join(', ')}]`],
    head('expression', heads.expression, ` ${heads.expression.kind}`),
    head('valence', heads.valence),
    head('arousal', heads.arousal),
    head('embedding', heads.embedding, heads.embedding?.from === 'classifier-input' ? ", added by a graph edit (the final classifier's input)" : ''),
    ['classes', card.classes.join(', ')],
    card.exportHint ? ['export', card.exportHint] : undefined,
  ];
  const out = [`${card.name}: ${card.description}`, ''];
  const kv = rows.filter((r): r is [string, string] => r !== undefined);
  const w = Math.max(...kv.map(([k]) => k.length));
  for (const [k, v] of kv) out.push(`  ${k.padEnd(w)}  ${v}`);
  if (card.published.length) {
    out.push('', 'published:');
    out.push(
      textTable(
        ['corpus', 'protocol', 'metric', 'value', 'source'],
        card.published.map((p) => [p.corpus, p.protocol, p.metric, String(p.value), p.source + (p.note ? ` (${p.note})` : '')]),
      )
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  } else {
    out.push('', 'published: none');
  }
  if (card.notes.length) out.push('', 'notes:', ...card.notes.map((n) => `  - ${n}`));
  return out.join('\n');
}
