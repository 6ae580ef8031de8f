/**
 * `bench matrix`: models × corpora, zero-shot, each pair under its declared label space
 * (src/bench/protocols/matrix.ts), one eval run record per cell, and the model × corpus table.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { MatrixRunRecord } from '../../bench/protocols/matrix.js';
import { formatWithCI, metricKey } from '../../report/format.js';
import { addCrossCorpusRunOptions, collectCorpusSpecs, type CrossCorpusCliOptions } from '../cross-corpus-options.js';
import { action, printJson } from '../output.js';
import { parsePositiveInt } from '../parse.js';
import { addVideoRunOptions, type VideoCliOptions } from '../video-options.js';

interface MatrixCliOptions extends VideoCliOptions, CrossCorpusCliOptions {
  model: string;
  valenceMap?: string;
  metric: string;
  seed: number;
  groupCi?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('matrix')
    .description('models × corpora, zero-shot: each model scored on each corpus on the classes they share (declared and recorded per pair)')
    .requiredOption('-m, --model <names>', 'comma-separated zoo models')
    .requiredOption('--corpus <spec>', 'repeatable: [name=]<dataset>:<root>[:split], e.g. affectnet:~/data/AffectNet, ravdess:~/data/RAVDESS, vgaf:~/data/VGAF:val', collectCorpusSpecs)
    .option('--valence-map <spec>', 'group-valence corpora (VGAF): emotion → valence, e.g. "happiness=positive,surprise=positive,neutral=neutral,sadness=negative,..." (default: the documented map in README)')
    .option('--metric <name>', 'metric of the printed table', 'uar')
    .option('--seed <n>', 'bootstrap seed', parsePositiveInt, 0)
    .option('--group-ci', 'resample whole groups (clips, actors) instead of items')
    .addHelpText(
      'after',
      `
Each cell is a zero-shot bench eval of the model on the corpus, scored on the classes both have
(an 8-class model on a 7-class corpus drops its Contempt logit; RAVDESS calm is dropped for models
without it, counted). VGAF's Negative/Neutral/Positive are scored from the emotion probabilities
only through the explicit valence map, which the record keeps.

Examples:
  bench matrix -m enet_b0_8_va_mtl,mobilenet_7 --corpus affectnet:~/data/AffectNet --corpus ravdess:~/data/RAVDESS --sampling emo-affectnet
  bench matrix -m enet_b2_8 --corpus vgaf:~/data/VGAF:val --valence-map "happiness=positive,neutral=neutral,sadness=negative,anger=negative" --json
  bench table --runs results/runs --metric uar      # the same model × corpus table from the saved records`,
    )
    .action(action(async (opts: MatrixCliOptions) => runMatrixCommand(opts)));
  addCrossCorpusRunOptions(command, 'prediction store');
  addVideoRunOptions(command);
}

async function runMatrixCommand(opts: MatrixCliOptions): Promise<void> {
  const { openCorpusSpecs, saveRecords } = await import('../cross-corpus-options.js');
  const { getModel } = await import('../../models/zoo.js');
  const { openModel } = await import('../../models/open.js');
  const { requireWeights } = await import('../../models/weights.js');
  const { matrixLabelSpace, runMatrixCell } = await import('../../bench/protocols/matrix.js');
  const { parseValenceMap } = await import('../../bench/protocols/label-space.js');
  const { isVideoCorpus } = await import('../../bench/video-runner.js');
  const { videoRunnerOptionsFromCli } = await import('../video-options.js');
  const { createProgress } = await import('../progress.js');

  const cards = opts.model.split(',').map((m) => getModel(m.trim()));
  const valenceMap = opts.valenceMap === undefined ? undefined : parseValenceMap(opts.valenceMap);
  for (const card of cards) if (card.weights.format !== 'torch-pt') await requireWeights(card, {});
  const corpora = await openCorpusSpecs(opts.corpus);
  // Every pair's label space first: a pair that shares nothing fails before any model runs.
  for (const card of cards) for (const { corpus } of corpora) matrixLabelSpace(card.name, card.classes, corpus, valenceMap);
  const threads = opts.threads ?? availableParallelism();
  const records: MatrixRunRecord[] = [];
  const files: Array<string | null> = [];
  for (const card of cards) {
    const opened = await openModel(card, { threads });
    try {
      for (const { spec, corpus } of corpora) {
        const video = isVideoCorpus(corpus) ? await videoRunnerOptionsFromCli(spec.options.dataset, opts, threads) : undefined;
        const progress = createProgress({ total: corpus.samples.length, label: `${card.name} on ${corpus.name}/${corpus.split}`, unit: video ? 'clips' : 'images', quiet: opts.json });
        try {
          const record = await runMatrixCell(opened, corpus, {
            valenceMap,
            evaluate: {
              batchSize: opts.batch,
              storeDir: opts.storeDir,
              ci: { resamples: opts.resamples, level: opts.level, seed: opts.seed, groups: opts.groupCi },
              ...(video ? { video, clipAggregation: opts.aggregate } : {}),
              onProgress: (p) => progress.update(p.done, { skipped: p.skipped }),
            },
          });
          records.push(record);
          // Saved per cell: a matrix stopped half-way keeps the records of the cells it finished.
          files.push(...(await saveRecords([record], opts)));
        } finally {
          progress.stop();
          await video?.detector.dispose();
        }
      }
    } finally {
      await opened.engine.dispose();
    }
  }
  if (opts.json) printJson({ records: records.map((r, i) => ({ ...r, file: files[i] })) });
  else process.stdout.write(formatMatrixTable(records, opts.metric, opts.save ? opts.out : null) + '\n');
}

/** Rows: models; columns: corpora; cells: the metric with its CI; then each pair's scored classes. */
export function formatMatrixTable(records: readonly MatrixRunRecord[], metric: string, outDir: string | null): string {
  const models = [...new Set(records.map((r) => r.provenance.model.name))];
  const corpora = [...new Set(records.map((r) => r.provenance.dataset!.corpus))];
  const cell = (m: string, c: string): string => {
    const r = records.find((x) => x.provenance.model.name === m && x.provenance.dataset!.corpus === c);
    const v = r && Object.entries(r.metrics ?? {}).find(([k]) => metricKey(k) === metricKey(metric))?.[1];
    return v ? formatWithCI(metric, v.value, v.ci?.low ?? null, v.ci?.high ?? null) : '-';
  };
  const lines = [
    `Zero-shot ${metric} (models × corpora; each pair scored on the classes it shares)`,
    '',
    `| Model | ${corpora.join(' | ')} |`,
    `|---|${corpora.map(() => '---|').join('')}`,
    ...models.map((m) => `| ${m} | ${corpora.map((c) => cell(m, c)).join(' | ')} |`),
    '',
    'Label space per pair:',
    ...records.map((r) => {
      const s = r.labelSpace;
      const excluded = Object.entries(s.exclusions.excludedClasses).map(([k, v]) => `${v} ${k}`);
      const valence = s.valence ? `; valence map (${s.valence.source}): ${Object.entries(s.valence.map).map(([e, v]) => `${e}→${v}`).join(', ')}` : '';
      return `  ${s.model} on ${s.corpus}: ${s.classes.join(', ')}${s.droppedLogits.length ? `; logits not read: ${s.droppedLogits.join(', ')}` : ''}${excluded.length ? `; items excluded: ${excluded.join(', ')}` : ''}${valence}`;
    }),
    '',
    outDir ? `Run records in ${outDir}: bench table --runs ${outDir} --metric ${metric}; heads trained across corpora: bench loco, then bench plot cross-corpus --runs ${outDir}` : 'Run records not saved (--no-save).',
  ];
  return lines.join('\n');
}
