/**
 * `bench table --layout emo-loco`: EMO-AffectNet's leave-one-corpus-out table. Rows are the test corpora
 * in the paper's order (Aff-Wild2, RAVDESS, CREMA-D, SAVEE, RAMAS, IEMOCAP; then any other measured
 * corpus), with the corpora the paper trained on and the paper's UAR; then one column group per measured
 * setup (backbone + head: kind, and whether the head is the authors' published weights or was trained
 * here), each UAR with its CI and Δ against the paper. A head that is not the published one says so in
 * its header; a head trained on another set than the paper's is marked.
 */
import { BenchError } from '../../errors.js';
import { defaultZoo } from '../../models/zoo.js';
import type { Zoo } from '../../models/card.js';
import { compareCorpusColumns, corpusLabel, metricHeading, metricKey, publishedToRecordScale } from '../format.js';
import { DEMO_NOTE, listFiles, sourcesNote } from '../notes.js';
import { HOW_TO_MAKE_RUNS, modelLabel, resultRows, runProtocol, type LoadedRun } from '../results.js';
import type { TextColumn, TextTable } from '../table.js';
import { accuracyRuns } from '../figures/runs.js';
import { fileList } from '../figures/style.js';
import { headKey, isLocoProtocol, readHead, trainSetLabel, type TrainedHead } from '../figures/trained.js';
import { layoutCell, NOT_MEASURED, NOT_MEASURED_NOTE, OTHER_SETUP_MARK, paperCells, paperColumns, type LayoutCell, type Measured } from './cells.js';

/** Protocols of the records this layout reads: LOCO heads on clip statistics, and EMO's temporal (LSTM) models. */
export function isEmoLocoProtocol(protocol: string): boolean {
  return isLocoProtocol(protocol) || protocol === 'emo-temporal';
}

export interface EmoLocoLayoutOptions {
  zoo?: Zoo;
  /** The card whose `loco-lstm` UARs are the paper's column. Default `emo_affectnet_resnet50`. */
  paperModel?: string;
  /** The card protocol of the paper's values. Default `loco-lstm`. */
  paperProtocol?: string;
}

const METRIC = 'uar';

interface Setup {
  key: string;
  /** The column group's header. */
  label: string;
  demo: boolean;
}

/** `emo_affectnet_resnet50 + lstm, published weights` or `... + linear-svc, trained here (not the published head)`. */
function setupLabel(model: string, demo: boolean, head: TrainedHead): string {
  const kind = head.kind ?? head.name ?? 'head';
  const base = `${modelLabel({ model, replica: false, demo })} + ${kind}`;
  return head.published === true ? `${base}, published weights` : `${base}, trained here (not the published head)`;
}

export function emoLocoLayout(runs: readonly LoadedRun[], options: EmoLocoLayoutOptions = {}): TextTable {
  const zoo = options.zoo ?? defaultZoo();
  const paperModel = options.paperModel ?? 'emo_affectnet_resnet50';
  const paperProtocol = options.paperProtocol ?? 'loco-lstm';
  const card = zoo.models.find((m) => m.name === paperModel);
  // The paper's rows, in the card's order (the README's).
  const paper = (card?.published ?? []).filter((p) => p.protocol === paperProtocol && metricKey(p.metric) === metricKey(METRIC));
  const paperCorpora = paper.map((p) => p.corpus);

  const evals = runs.filter((r) => r.record.kind === 'eval');
  const candidates = evals.filter((r) => isEmoLocoProtocol(runProtocol(r.record)));
  const { runs: chosen, notes } = accuracyRuns(candidates, (r) => headKey(readHead(r)) + (readHead(r)?.published ? ' published' : ''), 'shown in accuracy tables');
  const outside = evals.filter((r) => !candidates.includes(r));
  if (outside.length) notes.push(`Not in this layout (protocol not loco or emo-temporal): ${fileList(outside.map((r) => r.file))}.`);
  const headless = chosen.filter((r) => readHead(r.record) === null);
  if (headless.length) notes.push(`Left out (no head.trainCorpora, so not a LOCO result): ${listFiles(headless.map((r) => r.file))}.`);
  const used = chosen.filter((r) => readHead(r.record) !== null);
  const cells = used.flatMap((run) => resultRows([run]).filter((row) => metricKey(row.metric) === metricKey(METRIC)).map((row) => ({ run, row, head: readHead(run.record)! })));
  const lacking = used.filter((r) => !cells.some((c) => c.run === r));
  if (lacking.length) notes.push(`No ${METRIC} in ${listFiles(lacking.map((r) => r.file))}.`);
  if (cells.length === 0) {
    throw new BenchError('BAD_INPUT', `no LOCO or EMO temporal run record (protocol loco or emo-temporal, with head.trainCorpora) has the metric "${METRIC}"`, {
      fix: `${HOW_TO_MAKE_RUNS}; the emo-loco layout reads the records of the LOCO protocol`,
    });
  }

  // Columns: one group per setup; the published head first, then the others by name.
  const setupOf = (row: { model: string; demo: boolean }, head: TrainedHead) => `${row.model}\u0000${row.demo}\u0000${head.kind ?? head.name ?? 'head'}\u0000${head.published === true}`;
  const setups = new Map<string, Setup>();
  for (const { row, head } of cells) {
    const key = setupOf(row, head);
    if (!setups.has(key)) setups.set(key, { key, label: setupLabel(row.model, row.demo, head), demo: row.demo });
  }
  const ordered = [...setups.values()].sort((a, b) => Number(b.label.endsWith('published weights')) - Number(a.label.endsWith('published weights')) || a.label.localeCompare(b.label));

  // Rows: the paper's corpora, then the other measured test corpora.
  const measuredCorpora = [...new Set(cells.map((c) => c.row.corpus))].filter((c) => !paperCorpora.includes(c));
  measuredCorpora.sort((a, b) => compareCorpusColumns({ corpus: a, protocol: 'default' }, { corpus: b, protocol: 'default' }));
  const corpora = [...paperCorpora, ...measuredCorpora];

  const shape = { ci: cells.some((c) => c.row.ciLow !== null), published: false, diff: paper.length > 0 };
  const groupOf = (s: Setup) => `${s.label} (%)`;
  const paperTitle = `paper ${metricHeading(METRIC)}`;
  const columns: TextColumn[] = [
    { title: 'Test corpus', align: 'l' },
    { title: 'Trained on (paper)', align: 'l' },
    { title: paperTitle, align: 'r', numeric: true },
    ...ordered.flatMap((s) => paperColumns(groupOf(s), shape)),
  ];

  const otherTraining: string[] = [];
  const shownCells: typeof cells = [];
  const data: LayoutCell[] = [];
  const rows = corpora.map((corpus) => {
    const pub = paper.find((p) => p.corpus === corpus);
    const published = pub ? { value: publishedToRecordScale(METRIC, pub.value), source: pub.source } : null;
    const paperTrain = pub ? paperCorpora.filter((c) => c !== corpus) : null;
    const label = corpusLabel(corpus, 'default');
    const text: Record<string, string> = {
      'Test corpus': label,
      'Trained on (paper)': paperTrain ? trainSetLabel({ trainCorpora: paperTrain }) : NOT_MEASURED,
      [paperTitle]: published ? String(pub!.value) : NOT_MEASURED,
    };
    for (const s of ordered) {
      const here = cells.filter((c) => c.row.corpus === corpus && setupOf(c.row, c.head) === s.key).sort((a, b) => b.row.date.localeCompare(a.row.date));
      const [hit, ...others] = here;
      if (others.length) notes.push(`${s.label} on ${label}: shown ${hit.run.file}; not shown ${listFiles(others.map((o) => o.run.file))}.`);
      let measured: Measured | null = null;
      if (hit) {
        shownCells.push(hit);
        const trained = [...hit.head.trainCorpora].sort().join('+');
        const differs = paperTrain !== null && trained !== [...paperTrain].sort().join('+');
        if (differs) otherTraining.push(`${s.label} on ${label}: trained on ${trainSetLabel(hit.head)}`);
        measured = { value: hit.row.value, low: hit.row.ciLow, high: hit.row.ciHigh, level: hit.row.ciLevel, marks: differs ? OTHER_SETUP_MARK : '', runFile: hit.run.file };
      }
      Object.assign(text, paperCells(groupOf(s), shape, METRIC, measured, published?.value ?? null));
      data.push(
        layoutCell({ layout: 'emo-loco', row: label, column: s.label, metric: METRIC, demo: s.demo }, measured, published, hit ? `trained on ${trainSetLabel(hit.head)} (${hit.row.protocol})` : null),
      );
    }
    return text;
  });

  notes.push(NOT_MEASURED_NOTE);
  if (ordered.some((s) => s.demo)) notes.push(DEMO_NOTE);
  if (otherTraining.length) notes.push(`${OTHER_SETUP_MARK} not trained on the paper's set (the other corpora of its table): ${otherTraining.join('; ')}.`);
  if (paper.length === 0) notes.push(`No published ${METRIC} under protocol ${paperProtocol} on the card ${paperModel}: no paper column values and no Δ.`);
  const sources = sourcesNote(paper.map((p) => ({ publishedSource: p.source })), 'Paper values');
  if (sources) notes.push(sources);
  const levels = [...new Set(shownCells.map((c) => c.row.ciLevel).filter((l): l is number => l !== null))];
  const units = [...new Set(shownCells.map((c) => c.row.ciUnit).filter((u) => u !== null))];
  const ci = levels.length === 1 ? `${Math.round(levels[0] * 100)}% bootstrap CI${units.length === 1 ? ` over ${units[0] === 'group' ? 'clips or groups' : 'items'}` : ''}` : 'bootstrap CI';
  return {
    columns,
    rows,
    legend: `EMO-AffectNet leave-one-corpus-out layout: UAR (%) on each held-out test corpus, measured with its ${ci} by a head trained on the other corpora, beside the paper's UAR; Δ = measured − paper (points).`,
    notes,
    data,
  };
}
