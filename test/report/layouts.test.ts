/**
 * The paper layouts (`bench table --layout hsemotion|emo-loco`). The AffectNet and latency columns come
 * from REAL run records: the tiny ONNX classifier evaluated on a generated AffectNet and timed with
 * onnxruntime-node. The AFEW/VGAF (hsemotion-svm) and LOCO records are hand-written JSON files in a temp
 * dir: their protocols are built by other modules, and these tests check the table, not a model.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { evaluate, type EvalRunRecord } from '../../src/bench/evaluate.js';
import { runLatency } from '../../src/bench/latency-run.js';
import { saveRunRecord } from '../../src/bench/run-store.js';
import type { RunRecord } from '../../src/bench/records.js';
import { openCorpus } from '../../src/datasets/corpus.js';
import { writeAffectNetFixture } from '../../src/datasets/fixtures/affectnet-fixture.js';
import { affectnetProtocol } from '../../src/datasets/label-map.js';
import { openModel } from '../../src/models/open.js';
import { loadZoo } from '../../src/models/zoo.js';
import type { Zoo } from '../../src/models/card.js';
import { fixed, formatDiff, formatMetric } from '../../src/report/format.js';
import { emoLocoLayout, hsemotionLayout, layoutTable, NOT_MEASURED, OTHER_SETUP_MARK } from '../../src/report/layouts/index.js';
import { formatMegabytes } from '../../src/report/layouts/hsemotion.js';
import { loadRunRecords, type LoadedRun } from '../../src/report/results.js';
import { toCsv, toLatex, toMarkdown, type TextTable } from '../../src/report/table.js';
import { expectBenchError } from '../expect-error.js';
import { TINY_MODEL, TINY_PUBLISHED, writeTinyModel, type TinyModel } from '../bench/tiny-model.js';
import { evalRecord } from './fixtures.js';

let root: string;
let runsDir: string;
let tiny: TinyModel;
let zoo: Zoo;
let eval8: EvalRunRecord;
let eval7: EvalRunRecord;
let p50: number;

/** A hand-written HSEmotion-protocol record (per-clip statistics + a trained head), as the protocol module writes them. */
function hsemotionRecord(model: string, corpus: 'afew' | 'vgaf', kind: string, face: [number, number, number], complete: [number, number, number], date: string): RunRecord {
  const record = evalRecord({ model, corpus, protocol: 'hsemotion-svm', date, metrics: { accuracy: face, complete_accuracy: complete }, ciUnit: 'group' });
  return { ...record, head: { kind, name: kind, settings: {}, trainCorpora: [corpus], trainSplit: 'train', seed: 0, trainingSetSha256: '0'.repeat(64) } } as RunRecord;
}

function locoRecord(test: string, train: string[], uar: number, head: { kind: string; published?: boolean }, protocol = 'loco'): RunRecord {
  const record = evalRecord({ model: 'emo_affectnet_resnet50', corpus: test, protocol, date: '2026-03-01T00:00:00.000Z', metrics: { uar: [uar, uar - 0.03, uar + 0.03] }, ciUnit: 'group' });
  return { ...record, head: { ...head, name: head.kind, trainCorpora: train } } as RunRecord;
}

const PAPER = ['aff-wild2', 'ravdess', 'crema-d', 'savee', 'ramas', 'iemocap'];
const others = (c: string) => PAPER.filter((p) => p !== c);

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fer-layouts-'));
  runsDir = join(root, 'runs');
  tiny = await writeTinyModel(join(root, 'model'));
  zoo = loadZoo({ userZoo: tiny.zooPath });
  const fixture = await writeAffectNetFixture({ dir: join(root, 'AffectNet'), layout: 'csv', perClass: 3, imageSize: 32 });
  const corpus = await openCorpus('affectnet', { root: fixture.root, split: 'val' });
  const opened = await openModel(tiny.card, { weightsPath: tiny.onnxPath });
  try {
    const ci = { resamples: 100, seed: 1 };
    eval8 = await evaluate(opened, corpus, { protocol: affectnetProtocol(8), storeDir: join(root, 'store'), ci });
    eval7 = await evaluate(opened, corpus, { protocol: affectnetProtocol(7), storeDir: join(root, 'store'), ci });
    const latency = await runLatency(opened, { batchSize: 1, warmupRuns: 2, minRuns: 20, minDurationMs: 50 });
    p50 = latency.latency.p50Ms;
    for (const r of [eval8, eval7, latency]) await saveRunRecord(runsDir, r);
  } finally {
    await opened.engine.dispose();
  }
  const hand: Array<[string, RunRecord]> = [
    ['afew-b0.json', hsemotionRecord('enet_b0_8_best_afew', 'afew', 'linear-svc', [0.6, 0.55, 0.65], [0.5927, 0.54, 0.64], '2026-03-01T00:00:00.000Z')],
    ['vgaf-b0.json', hsemotionRecord('enet_b0_8_best_afew', 'vgaf', 'linear-svc', [0.65, 0.62, 0.68], [0.64, 0.61, 0.67], '2026-03-01T00:00:00.000Z')],
    ['vgaf-m7.json', hsemotionRecord('mobilenet_7', 'vgaf', 'svc-rbf', [0.7031, 0.67, 0.73], [0.6893, 0.66, 0.72], '2026-03-01T00:00:00.000Z')],
    ['loco-ravdess.json', locoRecord('ravdess', others('ravdess'), 0.62, { kind: 'lstm', published: true }, 'emo-temporal')],
  ];
  await mkdir(runsDir, { recursive: true });
  for (const [file, record] of hand) await writeFile(join(runsDir, file), JSON.stringify(record));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

const rowOf = (table: TextTable, first: string) => {
  const row = table.rows.find((r) => Object.values(r)[0] === first);
  assert.ok(row, `a row ${first}: ${table.rows.map((r) => Object.values(r)[0]).join(', ')}`);
  return row;
};

test('hsemotion: real AffectNet and latency cells of the tiny model, measured beside its card and Δ', async () => {
  const table = hsemotionLayout(await loadRunRecords(runsDir), { zoo });
  const row = rowOf(table, TINY_MODEL);
  const acc8 = eval8.metrics!.accuracy;
  assert.equal(row['AffectNet-8 (%)'], formatMetric('accuracy', acc8.value));
  assert.equal(row['AffectNet-8 (%) CI'], `[${formatMetric('accuracy', acc8.ci!.low)}, ${formatMetric('accuracy', acc8.ci!.high)}]`);
  assert.equal(row['AffectNet-8 (%) pub.'], formatMetric('accuracy', TINY_PUBLISHED.acc8 / 100));
  assert.equal(row['AffectNet-8 (%) Δ'], formatDiff('accuracy', acc8.value - TINY_PUBLISHED.acc8 / 100));
  assert.equal(row['AffectNet-7 (%)'], formatMetric('accuracy', eval7.metrics!.accuracy.value));
  assert.equal(row['Latency p50 (ms)'], fixed(p50, 2));
  // The tiny card names no published latency or size, and no AFEW run exists for it: each says so.
  assert.equal(row['Latency p50 (ms) pub.'], NOT_MEASURED);
  assert.equal(row['AFEW (%)'], NOT_MEASURED);
  assert.equal(row['Size (MB)'], formatMegabytes((await stat(tiny.onnxPath)).size / 1e6));
  assert.ok(table.notes.some((n) => n.startsWith(`${NOT_MEASURED} under a measured column: not measured`)));
  assert.ok(table.notes.some((n) => n.startsWith('Latency: p50 of one engine call after warm-up, onnxruntime-node ')));
});

test('hsemotion: the README rows in card order, face subset and complete side by side where they differ, another head marked', async () => {
  const table = hsemotionLayout(await loadRunRecords(runsDir), { zoo });
  const models = table.rows.map((r) => r.Model);
  assert.deepEqual(models.slice(0, 8), ['enet_b0_8_best_afew', 'enet_b0_8_best_vgaf', 'enet_b0_8_va_mtl', 'enet_b0_7', 'enet_b2_7', 'enet_b2_8', 'enet_b2_8_best', 'mobilenet_7']);
  assert.ok(models.includes(TINY_MODEL));
  const titles = table.columns.map((c) => c.title);
  assert.deepEqual(
    titles.filter((t) => !/ (CI|pub\.|Δ)$/.test(t)),
    ['Model', 'AffectNet-8 (%)', 'AffectNet-7 (%)', 'AFEW (%)', 'AFEW (complete) (%)', 'VGAF (%)', 'VGAF (complete) (%)', 'Latency p50 (ms)', 'Size (MB)'],
  );
  const b0 = rowOf(table, 'enet_b0_8_best_afew');
  assert.equal(b0['AFEW (%)'], '60.0');
  // Its CI resampled clips, the AffectNet ones items: ¶ says which is which.
  assert.equal(b0['AFEW (%) CI'], '[55.0, 65.0] ¶');
  assert.ok(table.notes.includes('¶ CI resampled over groups (clips or videos); unmarked CIs over items.'));
  assert.equal(b0['AFEW (%) pub.'], '59.9');
  assert.equal(b0['AFEW (%) Δ'], '+0.1');
  assert.equal(b0['AFEW (complete) (%)'], '59.3');
  assert.equal(b0['AFEW (complete) (%) pub.'], '59.3');
  assert.equal(b0['AFEW (complete) (%) Δ'], '+0.0');
  // Its VGAF head is a LinearSVC, the paper's an RBF SVC: marked, and the note says so.
  assert.equal(b0['VGAF (%) CI'], `[62.0, 68.0] ¶${OTHER_SETUP_MARK}`);
  assert.ok(table.notes.some((n) => n.includes('enet_b0_8_best_afew on VGAF: head linear-svc (the paper: svc-rbf)')), table.notes.join('\n'));
  // mobilenet_7: the README's 68.92 is the complete value (the card's headline), 70.31 the face subset.
  const m7 = rowOf(table, 'mobilenet_7');
  assert.equal(m7['VGAF (%)'], '70.3');
  assert.equal(m7['VGAF (complete) (%)'], '68.9');
  assert.equal(m7['VGAF (complete) (%) pub.'], '68.9');
  assert.equal(m7['Size (MB) pub.'], '14');
  assert.equal(m7['Latency p50 (ms) pub.'], '16');
  // The hand-written LOCO record is no part of this layout, and the table says so.
  assert.ok(table.notes.some((n) => n.startsWith('Not in this layout') && n.includes('loco-ravdess.json')));
});

test('hsemotion: no (complete) column when complete and face-subset accuracy agree', () => {
  const runs: LoadedRun[] = [{ file: 'same.json', record: hsemotionRecord('mobilenet_7', 'afew', 'random-forest', [0.5535, 0.5, 0.6], [0.5535, 0.5, 0.6], '2026-03-01T00:00:00.000Z') }];
  const table = hsemotionLayout(runs, { zoo, sizeOf: () => null });
  assert.ok(!table.columns.some((c) => c.title.includes('complete')));
  const m7 = rowOf(table, 'mobilenet_7');
  assert.equal(m7['AFEW (%)'], '55.4');
  assert.equal(m7['AFEW (%) CI'], '[50.0, 60.0]', 'the paper head: no mark');
  assert.equal(m7['Size (MB)'], NOT_MEASURED);
});

test('hsemotion LaTeX: booktabs rules, siunitx S columns with bare numbers, balanced braces, units in headers', async () => {
  const table = hsemotionLayout(await loadRunRecords(runsDir), { zoo });
  const tex = toLatex(table, { label: 'tab:hse' });
  assertLatexStructure(tex, table);
  assert.ok(tex.startsWith('% needs \\usepackage{threeparttable} \\usepackage{siunitx}\n'));
  assert.ok(tex.includes('\\multicolumn{4}{c}{AffectNet-8 (\\%)}'), 'the unit in the header');
  assert.ok(tex.includes('\\multicolumn{2}{c}{Latency p50 (ms)}'));
});

/** Checks what a LaTeX compiler and siunitx need, without a compiler: structure, braces, S cells. */
function assertLatexStructure(tex: string, table: TextTable): void {
  for (const rule of ['\\toprule', '\\midrule', '\\bottomrule']) assert.equal(tex.split(rule).length - 1, 1, rule);
  let depth = 0;
  for (let i = 0; i < tex.length; i++) {
    if (tex[i] === '\\') {
      i++; // \{ \} \\ are not groups
      continue;
    }
    if (tex[i] === '{') depth++;
    if (tex[i] === '}') depth--;
    assert.ok(depth >= 0, `a closing brace without an opening one at ${i}`);
  }
  assert.equal(depth, 0, 'balanced braces');
  const spec = /\\begin\{tabular\}\{([lrS]+)\}/.exec(tex)![1];
  assert.equal(spec, table.columns.map((c) => (c.numeric ? 'S' : c.align)).join(''));
  assert.ok(spec.includes('S'));
  const body = tex.slice(tex.indexOf('\\midrule') + 8, tex.indexOf('\\bottomrule')).trim().split('\n');
  assert.equal(body.length, table.rows.length);
  for (const line of body) {
    assert.ok(line.endsWith(' \\\\'), line);
    const cells = line.slice(0, -3).split(' & ');
    assert.equal(cells.length, spec.length, line);
    cells.forEach((cell, j) => {
      if (spec[j] !== 'S') return;
      // An S cell is a bare number (no %, no unit) or braced text that siunitx leaves alone.
      assert.ok(/^[+-]?\d+(\.\d+)?$/.test(cell) || /^\{.*\}$/.test(cell), `S cell "${cell}" in ${line}`);
      assert.ok(!cell.includes('\\%'), cell);
    });
  }
}

test('hsemotion CSV: one row per cell, measured or not, rates as fractions', async () => {
  const table = hsemotionLayout(await loadRunRecords(runsDir), { zoo });
  const csv = aq.fromCSV(toCsv(table), { autoType: false }).objects() as Array<Record<string, string>>;
  const accuracyColumns = table.columns.filter((c) => c.sub === 'measured' && c.group!.endsWith('(%)')).length;
  assert.equal(csv.length, table.rows.length * (accuracyColumns + 2));
  const tinyAcc8 = csv.find((r) => r.row === TINY_MODEL && r.column === 'AffectNet-8')!;
  assert.equal(tinyAcc8.status, 'measured');
  assert.equal(Number(tinyAcc8.value), eval8.metrics!.accuracy.value);
  assert.equal(Number(tinyAcc8.published), TINY_PUBLISHED.acc8 / 100);
  const missing = csv.find((r) => r.row === 'enet_b2_7' && r.column === 'AFEW')!;
  assert.equal(missing.status, 'not measured');
  assert.equal(missing.value, null);
  assert.equal(Number(missing.published), 0.5963);
});

test('emo-loco: the paper rows in order, the published LSTM beside the paper, a head trained here labelled, another training set marked', async () => {
  const runs = await loadRunRecords(runsDir);
  const extra: LoadedRun[] = [
    { file: 'svc-ravdess.json', record: locoRecord('ravdess', others('ravdess'), 0.55, { kind: 'linear-svc' }) },
    { file: 'svc-savee.json', record: locoRecord('savee', ['ravdess', 'crema-d'], 0.7, { kind: 'linear-svc' }) },
  ];
  const table = emoLocoLayout([...runs, ...extra], { zoo });
  assert.deepEqual(table.rows.map((r) => r['Test corpus']), ['Aff-Wild2', 'RAVDESS', 'CREMA-D', 'SAVEE', 'RAMAS', 'IEMOCAP']);
  const lstm = 'emo_affectnet_resnet50 + lstm, published weights (%)';
  const svc = 'emo_affectnet_resnet50 + linear-svc, trained here (not the published head) (%)';
  assert.deepEqual(table.columns.map((c) => c.title), ['Test corpus', 'Trained on (paper)', 'paper UAR (%)', lstm, `${lstm} CI`, `${lstm} Δ`, svc, `${svc} CI`, `${svc} Δ`]);
  const ravdess = rowOf(table, 'RAVDESS');
  assert.equal(ravdess['Trained on (paper)'], 'Aff-Wild2 + CREMA-D + IEMOCAP + RAMAS + SAVEE');
  assert.equal(ravdess['paper UAR (%)'], '65.8');
  assert.equal(ravdess[lstm], '62.0');
  assert.equal(ravdess[`${lstm} CI`], '[59.0, 65.0]');
  assert.equal(ravdess[`${lstm} Δ`], '-3.8');
  assert.equal(ravdess[svc], '55.0');
  const savee = rowOf(table, 'SAVEE');
  assert.equal(savee[lstm], NOT_MEASURED);
  assert.equal(savee[`${svc} CI`], `[67.0, 73.0] ${OTHER_SETUP_MARK}`);
  assert.equal(savee[`${svc} Δ`], '-6.1');
  assert.ok(table.notes.some((n) => n.includes('on SAVEE: trained on CREMA-D + RAVDESS')), table.notes.join('\n'));
  assertLatexStructure(toLatex(table), table);
  const md = toMarkdown(table);
  assert.ok(md.includes('|Aff-Wild2|CREMA-D + IEMOCAP + RAMAS + RAVDESS + SAVEE|51.6|—|'), md);
});

test('layouts refuse records they cannot tabulate, and unknown layouts, with a fix', async () => {
  const affectnetOnly = (await loadRunRecords(runsDir)).filter((r) => r.record.protocol !== 'emo-temporal');
  assert.throws(() => emoLocoLayout(affectnetOnly, { zoo }), expectBenchError('BAD_INPUT', /no LOCO or EMO temporal run record/, /loco/));
  assert.throws(() => layoutTable('hsemotoin', []), expectBenchError('BAD_INPUT', /unknown table layout "hsemotoin"\. Did you mean: hsemotion\?/, /hsemotion, emo-loco/));
});
