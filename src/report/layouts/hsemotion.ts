/**
 * `bench table --layout hsemotion`: the HSEmotion README table in full. Rows are the zoo's HSEmotion
 * models in card order (then any other measured model); columns as the README: AffectNet-8, AffectNet-7,
 * AFEW, VGAF (each measured with its CI beside the published value and Δ), then latency and size. AFEW
 * and VGAF get a `(complete)` column (all validation clips, no-face clips counted wrong) when some model's
 * complete accuracy differs from its face-subset one. Replica runs never give an accuracy; a replica's
 * latency is shown and marked, since a replica has the published graph and cost.
 */
import { statSync } from 'node:fs';
import { BenchError } from '../../errors.js';
import { defaultZoo, headlineResult } from '../../models/zoo.js';
import type { ModelCard, Zoo } from '../../models/card.js';
import { fixed, formatMetric, metricKey, publishedToRecordScale } from '../format.js';
import { hostLabel } from '../latency-table.js';
import { DEMO_NOTE, listFiles, sourcesNote } from '../notes.js';
import { cellMarks, GROUP_MARK } from '../results-table.js';
import { engineLabel, HOW_TO_MAKE_RUNS, latencyRows, modelLabel, resultRows, runProtocol, selectNewest, type LatencyRow, type LoadedRun, type ResultRow } from '../results.js';
import type { TextColumn, TextTable } from '../table.js';
import { accuracyRuns } from '../figures/runs.js';
import { fileList } from '../figures/style.js';
import { readHead } from '../figures/trained.js';
import { layoutCell, NOT_MEASURED, NOT_MEASURED_NOTE, OTHER_SETUP_MARK, paperCells, paperColumns, type ColumnShape, type LayoutCell, type Measured } from './cells.js';

/** The protocol names of HSEmotion's AFEW/VGAF records (per-clip statistics + a head trained on the corpus's train split). */
export const HSEMOTION_VIDEO_PROTOCOLS: readonly string[] = ['hsemotion-svm'];

interface PaperColumn {
  label: string;
  corpus: string;
  /** Record protocols that fill the column. */
  protocols: readonly string[];
  /** Record metric shown. */
  metric: string;
  /** The card's protocol of the published value. */
  publishedProtocol: string;
  /** A `(complete)` column: shown only when it differs from the face-subset column it follows. */
  variantOf?: string;
  /** The head the paper trained for this model, when the column has one. */
  paperHead?: (model: string) => string;
}

// mobilenet_7 (Keras) got a RandomForest on AFEW and an RBF SVC on VGAF; the EfficientNets LinearSVC / RBF SVC (corpora.md §2, §3).
const afewHead = (model: string) => (model === 'mobilenet_7' ? 'random-forest' : 'linear-svc');
const vgafHead = () => 'svc-rbf';

const COLUMNS: readonly PaperColumn[] = [
  { label: 'AffectNet-8', corpus: 'affectnet', protocols: ['8-class'], metric: 'accuracy', publishedProtocol: '8-class' },
  { label: 'AffectNet-7', corpus: 'affectnet', protocols: ['7-class'], metric: 'accuracy', publishedProtocol: '7-class' },
  { label: 'AFEW', corpus: 'afew', protocols: HSEMOTION_VIDEO_PROTOCOLS, metric: 'accuracy', publishedProtocol: 'faces-detected', paperHead: afewHead },
  { label: 'AFEW (complete)', corpus: 'afew', protocols: HSEMOTION_VIDEO_PROTOCOLS, metric: 'complete_accuracy', publishedProtocol: 'complete', variantOf: 'AFEW', paperHead: afewHead },
  { label: 'VGAF', corpus: 'vgaf', protocols: HSEMOTION_VIDEO_PROTOCOLS, metric: 'accuracy', publishedProtocol: 'faces-detected', paperHead: vgafHead },
  { label: 'VGAF (complete)', corpus: 'vgaf', protocols: HSEMOTION_VIDEO_PROTOCOLS, metric: 'complete_accuracy', publishedProtocol: 'complete', variantOf: 'VGAF', paperHead: vgafHead },
];

export interface HsemotionLayoutOptions {
  /** Where rows, their order and the published values come from. Default: the zoo (models/zoo.json plus a user zoo). */
  zoo?: Zoo;
  /**
   * Size of a model's weights in bytes, or null when unknown. Default: the card's `weights.sizeBytes`, else
   * the size of the weights file a run record names, when that file is on this machine.
   */
  sizeOf?: (model: string, runs: readonly LoadedRun[]) => number | null;
}

interface Row {
  model: string;
  demo: boolean;
  card: ModelCard | undefined;
}

/** Builds the table from eval and latency run records (plus the zoo's published values). */
export function hsemotionLayout(runs: readonly LoadedRun[], options: HsemotionLayoutOptions = {}): TextTable {
  const zoo = options.zoo ?? defaultZoo();
  const sizeOf = options.sizeOf ?? ((model: string, all: readonly LoadedRun[]) => defaultSizeOf(zoo, model, all));
  const cardOf = (model: string) => zoo.models.find((m) => m.name === model);

  const { runs: chosen, notes } = accuracyRuns(runs, undefined, 'shown in accuracy tables');
  const inLayout = (r: LoadedRun) => COLUMNS.some((c) => c.corpus === r.record.provenance.dataset?.corpus && c.protocols.includes(runProtocol(r.record)));
  const outside = chosen.filter((r) => !inLayout(r));
  if (outside.length) notes.push(`Not in this layout (no column for their corpus and protocol): ${fileList(outside.map((r) => r.file))}.`);
  const all = resultRows(chosen.filter(inLayout));
  // The README's numbers are on the validation split of the official release: other settings are not this table.
  const off = all.filter((r) => r.split !== 'val' || (r.release !== null && r.release !== 'official'));
  if (off.length) notes.push(`Left out (the paper's table is on the official validation sets): ${listFiles(off.map((r) => r.runFile))}.`);
  const rows = all.filter((r) => !off.includes(r));
  const latency = latencyChoice(runs);
  notes.push(...latency.notes);
  if (rows.length === 0 && latency.rows.length === 0) {
    throw new BenchError('BAD_INPUT', 'no eval or latency run records for the hsemotion layout', { fix: HOW_TO_MAKE_RUNS });
  }

  // Rows: the zoo's HSEmotion cards in card order, then every other measured model (demo rows after real ones).
  const order = new Map(zoo.models.map((m, i) => [m.name, i]));
  const keyOf = (r: { model: string; demo: boolean }) => `${r.model}\u0000${r.demo}`;
  const table = new Map<string, Row>();
  for (const card of zoo.models) if (card.family === 'hsemotion') table.set(keyOf({ model: card.name, demo: false }), { model: card.name, demo: false, card });
  for (const r of [...rows, ...latency.rows]) {
    if (!table.has(keyOf(r))) table.set(keyOf(r), { model: r.model, demo: r.demo, card: cardOf(r.model) });
  }
  const tableRows = [...table.values()].sort(
    (a, b) => Number(a.demo) - Number(b.demo) || (order.get(a.model) ?? Infinity) - (order.get(b.model) ?? Infinity) || a.model.localeCompare(b.model),
  );

  const marks = cellMarks(rows);
  const otherSetup: string[] = [];
  const usedRows: ResultRow[] = [];
  const measuredOf = (row: Row, col: PaperColumn): Measured | null => {
    const hits = rows.filter(
      (r) => r.model === row.model && r.demo === row.demo && r.corpus === col.corpus && col.protocols.includes(r.protocol) && metricKey(r.metric) === metricKey(col.metric),
    );
    if (hits.length === 0) return null;
    // Several heads on one column: the paper's head if it was run, else the newest; the others are named.
    const paper = col.paperHead?.(row.model);
    const headOf = (r: ResultRow) => readHead(chosen.find((c) => c.file === r.runFile)!.record)?.kind ?? null;
    const sorted = [...hits].sort((a, b) => Number(headOf(b) === paper) - Number(headOf(a) === paper) || b.date.localeCompare(a.date));
    const [hit, ...others] = sorted;
    if (others.length) notes.push(`${modelLabel(hit)} ${col.label}: shown ${hit.runFile} (head ${headOf(hit) ?? 'none'}); not shown ${listFiles(others.map((o) => o.runFile))}.`);
    usedRows.push(hit);
    const head = headOf(hit);
    const differs = paper !== undefined && head !== paper;
    if (differs) otherSetup.push(`${modelLabel(hit)} on ${col.label}: head ${head ?? 'unknown'} (the paper: ${paper})`);
    return {
      value: hit.value,
      low: hit.ciLow,
      high: hit.ciHigh,
      level: hit.ciLevel,
      marks: marks.cell(hit) + (differs ? OTHER_SETUP_MARK : ''),
      diffMark: marks.diff(hit),
      runFile: hit.runFile,
      setup: `${hit.corpus}/${hit.split} (${hit.protocol}${head ? `, head ${head}` : ''})`,
    };
  };
  const publishedOf = (row: Row, col: PaperColumn): { value: number; source: string } | null => {
    if (row.demo || !row.card) return null;
    const hit = headlineResult(row.card, col.corpus, col.publishedProtocol, 'accuracy');
    return hit ? { value: publishedToRecordScale(col.metric, hit.value), source: hit.source } : null;
  };

  // Every cell of the accuracy columns, then which columns to show and with which sub-columns.
  const grid = tableRows.map((row) => COLUMNS.map((col) => ({ col, measured: measuredOf(row, col), published: publishedOf(row, col) })));
  const shown = COLUMNS.filter((col, j) => {
    if (!col.variantOf) return true;
    const base = COLUMNS.findIndex((c) => c.label === col.variantOf);
    return grid.some((cells) => {
      const m = cells[j].measured;
      const b = cells[base].measured;
      return m !== null && (b === null || formatMetric(col.metric, m.value) !== formatMetric(COLUMNS[base].metric, b.value));
    });
  });
  const shapeOf = (col: PaperColumn): ColumnShape => {
    const cells = grid.map((cells) => cells[COLUMNS.indexOf(col)]);
    return { ci: cells.some((c) => c.measured?.low != null), published: cells.some((c) => c.published !== null) };
  };
  const groupOf = (col: PaperColumn) => `${col.label} (%)`;

  const latencyGroup = 'Latency p50 (ms)';
  const sizeGroup = 'Size (MB)';
  const latencyPub = (row: Row) => (row.demo ? undefined : row.card?.published.find((p) => p.metric === 'latency_ms'));
  const sizePub = (row: Row) => (row.demo ? undefined : row.card?.published.find((p) => p.metric === 'size_mb'));
  const columns: TextColumn[] = [
    { title: 'Model', align: 'l' },
    ...shown.flatMap((col) => paperColumns(groupOf(col), shapeOf(col))),
    { title: latencyGroup, group: latencyGroup, sub: 'measured', align: 'r', numeric: true },
    { title: `${latencyGroup} pub.`, group: latencyGroup, sub: 'pub.', align: 'r', numeric: true },
    { title: sizeGroup, group: sizeGroup, sub: 'measured', align: 'r', numeric: true },
    { title: `${sizeGroup} pub.`, group: sizeGroup, sub: 'pub.', align: 'r', numeric: true },
  ];

  const data: LayoutCell[] = [];
  const sizes: string[] = [];
  const textRows = tableRows.map((row, i) => {
    const label = modelLabel({ model: row.model, replica: false, demo: row.demo });
    const base = { layout: 'hsemotion', row: label, demo: row.demo };
    const text: Record<string, string> = { Model: label };
    for (const col of shown) {
      const { measured, published } = grid[i][COLUMNS.indexOf(col)];
      Object.assign(text, paperCells(groupOf(col), shapeOf(col), col.metric, measured, published?.value ?? null));
      data.push(layoutCell({ ...base, column: col.label, metric: col.metric }, measured, published, measured?.setup ?? null));
    }
    const lat = latency.rows.find((l) => l.model === row.model && l.demo === row.demo) ?? null;
    const latPub = latencyPub(row);
    text[latencyGroup] = lat ? fixed(lat.p50Ms, 2) + (lat.replica ? OTHER_SETUP_MARK : '') : NOT_MEASURED;
    text[`${latencyGroup} pub.`] = latPub ? String(latPub.value) : NOT_MEASURED;
    const latMeasured = lat ? { value: lat.p50Ms, low: null, high: null, level: null, marks: '', runFile: lat.runFile } : null;
    data.push(layoutCell({ ...base, column: 'latency p50', metric: 'latency_ms' }, latMeasured, latPub ?? null, lat ? latencySetup(lat, runs) : null));
    const bytes = row.demo ? null : sizeOf(row.model, runs);
    const mb = bytes === null ? null : bytes / 1e6;
    if (mb !== null) sizes.push(row.model);
    const pubSize = sizePub(row);
    text[sizeGroup] = mb === null ? NOT_MEASURED : formatMegabytes(mb);
    text[`${sizeGroup} pub.`] = pubSize ? String(pubSize.value) : NOT_MEASURED;
    data.push(layoutCell({ ...base, column: 'size', metric: 'size_mb' }, mb === null ? null : { value: mb, low: null, high: null, level: null, marks: '', runFile: null }, pubSize ?? null, mb === null ? null : 'weights file'));
    return text;
  });

  notes.push(NOT_MEASURED_NOTE);
  if (tableRows.some((r) => r.demo)) notes.push(DEMO_NOTE);
  notes.push(...marks.notes);
  if (new Set(rows.map((r) => r.ciUnit).filter((u) => u !== null)).size > 1) notes.push(`${GROUP_MARK} CI resampled over groups (clips or videos); unmarked CIs over items.`);
  const replicaTimed = latency.rows.filter((l) => l.replica).map((l) => l.model);
  if (replicaTimed.length) otherSetup.push(`latency of ${replicaTimed.join(', ')} timed on a replica (random weights, same graph and cost)`);
  if (otherSetup.length) notes.push(`${OTHER_SETUP_MARK} setup not the paper's: ${otherSetup.join('; ')}.`);
  if (latency.rows.length) notes.push(`Latency: p50 of one engine call after warm-up, ${[...new Set(latency.rows.map((l) => latencySetup(l, runs)))].join('; ')}. pub.: the README's Samsung Fold 3 CPU (Snapdragon 888), not comparable one to one.`);
  notes.push(`Size: the weights file in MB (1 MB = 1,000,000 bytes)${sizes.length ? '' : ' (no weights file known here)'}; pub.: the README's size of the published .pt/.h5 file, not of an ONNX export.`);
  const sources = sourcesNote(data.filter((d) => d.published !== null && d.metric !== 'latency_ms' && d.metric !== 'size_mb'));
  if (sources) notes.push(sources);

  const levels = [...new Set(usedRows.map((r) => r.ciLevel).filter((l): l is number => l !== null))];
  const ci = levels.length === 1 ? `${Math.round(levels[0] * 100)}% bootstrap CI` : 'bootstrap CI';
  return {
    columns,
    rows: textRows,
    legend:
      `HSEmotion README layout: accuracy (%) on the validation sets, measured with its ${ci}, beside the published value (pub.) and Δ = measured − published (points). ` +
      'AFEW and VGAF: accuracy on the clips where a face was found, with a head trained on the train split; (complete): on all validation clips, clips without a face counted wrong.',
    notes,
    data,
  };
}

/** `onnxruntime-node 1.30.0 cpu, batch 1, 2 threads on Intel(R) Xeon(R) ..., 2 cores, ...`. */
function latencySetup(row: LatencyRow, runs: readonly LoadedRun[]): string {
  const host = runs.find((r) => r.file === row.runFile)?.record.provenance.host;
  const threads = row.threads === 0 ? 'auto threads' : `${row.threads} thread${row.threads === 1 ? '' : 's'}`;
  return `${engineLabel(row)} ${row.device}, batch ${row.batch}, ${threads} on ${hostLabel(host)}`;
}

/**
 * One latency run per model: the newest run of each setup, then a real run before a replica, batch 1
 * (else the smallest batch), the newest. Short runs are left out when a complete one exists.
 */
function latencyChoice(runs: readonly LoadedRun[]): { rows: LatencyRow[]; notes: string[] } {
  const { runs: newest, notes } = selectNewest(runs.filter((r) => r.record.kind === 'latency'));
  const byModel = new Map<string, LatencyRow[]>();
  for (const row of latencyRows(newest)) {
    const key = `${row.model}\u0000${row.demo}`;
    byModel.set(key, [...(byModel.get(key) ?? []), row]);
  }
  const rows = [...byModel.values()].map(
    (group) =>
      [...group].sort(
        (a, b) => Number(a.replica) - Number(b.replica) || Number(b.valid) - Number(a.valid) || a.batch - b.batch || b.date.localeCompare(a.date),
      )[0],
  );
  return { rows, notes };
}

/** The card's `weights.sizeBytes`, else the size of the weights file a run record of the model names (when it exists here). */
function defaultSizeOf(zoo: Zoo, model: string, runs: readonly LoadedRun[]): number | null {
  const card = zoo.models.find((m) => m.name === model);
  if (card?.weights.sizeBytes) return card.weights.sizeBytes;
  for (const { record } of runs) {
    const file = record.provenance.model.name === model && !record.replica ? record.provenance.model.file : null;
    if (!file) continue;
    const info = statSync(file, { throwIfNoEntry: false });
    if (info?.isFile()) return info.size;
  }
  return null;
}

/** `16.3` MB as the README rounds sizes; a file under 1 MB keeps two significant digits (`0.0041`) rather than read `0.0`. */
export function formatMegabytes(mb: number): string {
  return mb >= 1 ? fixed(mb, 1) : Number(mb.toPrecision(2)).toString();
}
