/**
 * What each figure kind puts in its vega-lite spec, from run records: the data a reader must see,
 * axis titles with units, CIs as error bars, colour scales whose order survives greyscale, demo
 * captions, and replica runs kept out of accuracy figures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopLevelSpec } from 'vega-lite';
import { expectBenchError } from '../expect-error.js';
import {
  confusionFigures,
  coverageFigures,
  crossCorpusFigures,
  DEMO_CAPTION,
  FIGURE_KINDS,
  figuresOfKind,
  latencyFigures,
  locoFigures,
  NOMINAL_SCHEME,
  recallFigures,
  REPLICA_CAPTION,
  SEQUENTIAL_SCHEME,
} from '../../src/report/figures.js';
import type { LoadedRun } from '../../src/report/results.js';
import { CLASSES7, evalRuns, latencyRuns, trainedRuns } from './figures-fixtures.js';

type Obj = Record<string, unknown>;

/** The value at a path of plain objects and arrays (undefined when any step is missing). */
function at(value: unknown, ...path: Array<string | number>): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Obj)[k as string] : undefined), value);
}
const values = (spec: TopLevelSpec) => at(spec, 'data', 'values') as Obj[];
const json = (spec: TopLevelSpec) => JSON.stringify(spec);
const subtitle = (spec: TopLevelSpec) => (at(spec, 'title', 'subtitle') as string[] | undefined) ?? [];
const titleText = (spec: TopLevelSpec) => at(spec, 'title', 'text') as string;

/** Every `scale.scheme` in a spec, wherever it sits. */
function schemes(value: unknown, out: unknown[] = []): unknown[] {
  if (value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'scheme') out.push(v);
    else schemes(v, out);
  }
  return out;
}

/** Relative luminance (Rec. 709) of `rgb(r, g, b)` or `#rrggbb`: what a greyscale print keeps. */
function luminance(color: string): number {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(color) ?? /#(..)(..)(..)/.exec(color);
  assert.ok(m, color);
  const [r, g, b] = m.slice(1, 4).map((x) => (color.startsWith('#') ? parseInt(x, 16) : Number(x)) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

async function interpolator(name: string): Promise<(t: number) => string> {
  const vega = await import('vega');
  const f = vega.scheme(name) as unknown;
  assert.equal(typeof f, 'function', `${name} is a continuous scheme`);
  return f as (t: number) => string;
}

test('the colour schemes survive greyscale: heatmaps darken monotonically, categories differ in lightness', async () => {
  const seq = await interpolator(SEQUENTIAL_SCHEME);
  const ls = Array.from({ length: 21 }, (_, i) => luminance(seq(i / 20)));
  for (let i = 1; i < ls.length; i++) assert.ok(ls[i] < ls[i - 1], `${SEQUENTIAL_SCHEME} gets darker at ${i / 20}`);
  assert.ok(ls[0] - ls[20] > 0.5, 'light to dark over most of the grey range');
  // The nominal scheme is sampled at evenly spaced points of its extent, one per category.
  const nom = await interpolator(NOMINAL_SCHEME.name);
  for (const k of [2, 3, 4, 5]) {
    const [a, b] = NOMINAL_SCHEME.extent;
    const lum = Array.from({ length: k }, (_, i) => luminance(nom(a + ((b - a) * i) / (k - 1))));
    for (let i = 1; i < k; i++) assert.ok(lum[i] - lum[i - 1] > 0.1, `${k} categories: neighbours ${i - 1} and ${i} differ in grey`);
  }
  // Every figure uses one of the two.
  const all = [...evalRuns(), ...latencyRuns(), ...trainedRuns()];
  for (const kind of FIGURE_KINDS) {
    for (const f of figuresOfKind(kind, all).figures) {
      for (const s of schemes(f.spec)) {
        const name = typeof s === 'string' ? s : (s as { name: string }).name;
        assert.ok([SEQUENTIAL_SCHEME, NOMINAL_SCHEME.name].includes(name), `${f.name} uses ${name}`);
      }
    }
  }
});

test('confusion: one row-normalised heatmap per eval run, counts as cell text, replica left out with a note', () => {
  const runs = evalRuns();
  const { figures, notes } = confusionFigures(runs);
  assert.deepEqual(figures.map((f) => f.name), ['confusion-enet_b0_8_best_afew-AffectNet-7', 'confusion-enet_b0_8_best_afew-AFEW-faces-detected', 'confusion-faceapi_expression-demo-AffectNet-7']);
  assert.ok(notes.some((n) => n.includes('runs/eval-replica.json')), 'the replica is named');
  const [first] = figures;
  const cells = values(first.spec);
  assert.equal(cells.length, 49);
  const matrix = runs[0].record.confusion!;
  for (const [i, truth] of CLASSES7.entries()) {
    const row = cells.filter((c) => c.truth === truth);
    const sum = row.reduce((a, c) => a + (c.rate as number), 0);
    assert.ok(Math.abs(sum - 1) < 1e-12, `row ${truth} sums to 1`);
    assert.deepEqual(row.map((c) => c.count), matrix[i]);
  }
  assert.equal(at(first.spec, 'encoding', 'x', 'title'), 'predicted class');
  assert.equal(at(first.spec, 'encoding', 'y', 'title'), 'true class');
  assert.deepEqual(at(first.spec, 'layer', 0, 'encoding', 'color', 'scale'), { domain: [0, 1], scheme: SEQUENTIAL_SCHEME });
  assert.equal(at(first.spec, 'layer', 1, 'encoding', 'text', 'field'), 'count');
  assert.equal(titleText(first.spec), 'enet_b0_8_best_afew on AffectNet-7');
  assert.ok(!subtitle(first.spec).includes(DEMO_CAPTION));
  assert.equal(titleText(figures[2].spec), 'faceapi_expression (demo) on AffectNet-7');
  assert.ok(subtitle(figures[2].spec).includes(DEMO_CAPTION), 'a demo run says so');
  assert.ok(!json(figures[0].spec).includes('enet_b2_8'));
});

test('confusion: a matrix that does not match the class list names the run record', () => {
  const [run] = evalRuns();
  const bad: LoadedRun = { file: 'runs/bad.json', record: { ...run.record, confusion: [[1, 2]] } };
  assert.throws(() => confusionFigures([bad]), expectBenchError('BAD_INPUT', /runs\/bad\.json: the confusion matrix is not 7 × 7/));
  assert.throws(() => confusionFigures(latencyRuns()), expectBenchError('BAD_INPUT', /nothing to plot/, /bench eval/));
});

test('recall: per test set, bars in percent with the CIs as error bars, models in one legend', () => {
  const runs = evalRuns();
  const { figures } = recallFigures(runs);
  assert.deepEqual(figures.map((f) => f.name), ['recall-AffectNet-7', 'recall-AFEW-faces-detected']);
  const [affectnet, afew] = figures;
  const data = values(affectnet.spec);
  assert.equal(data.length, 14, '7 classes × 2 models');
  const m = runs[0].record.metrics!['recall/anger'];
  const bar = data.find((d) => d.model === 'enet_b0_8_best_afew' && d.class === 'anger')!;
  assert.deepEqual([bar.recall, bar.low, bar.high], [m.value * 100, m.ci!.low * 100, m.ci!.high * 100]);
  assert.equal(at(affectnet.spec, 'layer', 0, 'encoding', 'y', 'title'), 'recall (%)');
  assert.deepEqual(at(affectnet.spec, 'layer', 0, 'encoding', 'y', 'scale'), { domain: [0, 100] });
  assert.equal(at(affectnet.spec, 'layer', 1, 'mark', 'type'), 'rule');
  assert.equal(at(affectnet.spec, 'layer', 1, 'encoding', 'y2', 'field'), 'high');
  assert.deepEqual(at(affectnet.spec, 'encoding', 'x', 'sort'), CLASSES7);
  assert.ok(subtitle(affectnet.spec).some((s) => s.includes('95% bootstrap CI')));
  assert.ok(subtitle(affectnet.spec).includes(DEMO_CAPTION), 'one of its models is a demo run');
  // One model: its name goes in the title instead of a one-entry legend.
  assert.equal(titleText(afew.spec), 'Per-class recall: enet_b0_8_best_afew on AFEW (faces-detected)');
  assert.equal(at(afew.spec, 'layer', 0, 'encoding', 'color', 'legend'), null);
  assert.ok(!json(affectnet.spec).includes('enet_b2_8'), 'the replica is never drawn');
});

test('latency: CDF of every setup (samples as a step curve, percentiles as points), violins of those with samples', () => {
  const runs = latencyRuns();
  const { figures, notes } = latencyFigures(runs);
  assert.deepEqual(figures.map((f) => f.name), ['latency-cdf', 'latency-violin']);
  const [cdf, violin] = figures;
  const data = values(cdf.spec);
  const setups = [...new Set(data.map((d) => d.setup as string))];
  assert.deepEqual(setups, [
    'enet_b0_8_va_mtl · onnxruntime-node 1.30.0 cpu · batch 1 · 2 threads',
    'enet_b0_8_va_mtl · onnxruntime-node 1.30.0 cpu · batch 8 · 2 threads',
    'enet_b2_8 (replica) · onnxruntime-node 1.30.0 cpu · batch 1 · 2 threads',
    'faceapi_expression · onnxruntime-node 1.30.0 cpu · batch 1 · 2 threads',
  ]);
  for (const s of setups) {
    const curve = data.filter((d) => d.setup === s);
    for (let i = 1; i < curve.length; i++) {
      assert.ok((curve[i].ms as number) >= (curve[i - 1].ms as number) && (curve[i].share as number) >= (curve[i - 1].share as number), `${s} is monotone`);
    }
    assert.equal(curve.at(-1)!.share, 1);
  }
  // 600 samples are thinned to 401 quantiles; 300 are drawn as they are.
  assert.equal(data.filter((d) => d.setup === setups[0]).length, 401);
  assert.equal(data.filter((d) => d.setup === setups[1]).length, 300);
  const pct = data.filter((d) => d.setup === setups[3]);
  assert.ok(pct.every((d) => d.from === 'percentiles'));
  const l = runs[3].record.latency!;
  assert.deepEqual(pct.map((d) => d.ms), [l.minMs, l.p50Ms, l.p90Ms, l.p95Ms, l.p99Ms, l.p999Ms, l.maxMs]);
  assert.equal(at(cdf.spec, 'encoding', 'x', 'title'), 'latency per engine call (ms)');
  assert.equal(at(cdf.spec, 'encoding', 'x', 'scale', 'type'), 'log', '4 ms to 140 ms spans over 10×: log axis');
  assert.equal(at(cdf.spec, 'encoding', 'y', 'title'), 'share of calls (cumulative)');
  assert.equal(at(cdf.spec, 'encoding', 'strokeDash', 'field'), 'setup', 'dashes tell setups apart without colour');
  assert.ok(subtitle(cdf.spec).includes(REPLICA_CAPTION));
  // Linear when asked.
  assert.deepEqual(at(latencyFigures(runs, { log: false }).figures[0].spec, 'encoding', 'x', 'scale'), { zero: false });
  // The violins: one facet row per setup with samples; the one without is named in a note.
  assert.deepEqual(at(violin.spec, 'facet', 'row', 'sort'), setups.slice(0, 3));
  assert.equal(new Set(values(violin.spec).map((d) => d.setup)).size, 3);
  assert.ok(json(violin.spec).includes('"density"'));
  assert.ok(notes.some((n) => n.includes('runs/latency-3.json') && n.includes('percentiles')));
  assert.throws(() => latencyFigures(evalRuns()), expectBenchError('BAD_INPUT', /no latency run records/, /bench --model/));
  // A damaged sample is left out and counted, never silently.
  const damaged = structuredClone(runs[1]);
  (damaged.record as unknown as { samplesMs: unknown[] }).samplesMs.push('12', null);
  const counted = latencyFigures([damaged]);
  assert.ok(counted.notes.includes('runs/latency-1.json: 2 of 302 samples are not finite numbers and were left out.'));
  assert.equal(values(counted.figures[0].spec).length, 300);
});

test('coverage: scored, skipped by reason and excluded segments add up to each run\'s total', () => {
  const runs = evalRuns();
  const { figures } = coverageFigures(runs);
  assert.equal(figures.length, 1);
  const spec = figures[0].spec;
  const segs = values(spec);
  const afew = segs.filter((s) => s.run === 'enet_b0_8_best_afew on AFEW (faces-detected)');
  assert.deepEqual(afew.map((s) => [s.status, s.count]), [['scored', 280], ['skipped: decode-failed', 3], ['skipped: missing-file', 1], ['skipped: no-face', 12]]);
  for (let i = 1; i < afew.length; i++) assert.equal(afew[i].start, afew[i - 1].end, 'segments abut');
  assert.equal(afew.at(-1)!.end, runs[1].record.coverage!.total);
  const summaries = at(spec, 'layer', 0, 'data', 'values') as Obj[];
  assert.deepEqual(summaries.map((s) => s.summary), ['280/319 scored · 4 skipped · 35 excluded', '280/296 scored · 16 skipped', '280/319 scored · 4 skipped · 35 excluded']);
  assert.equal(at(spec, 'layer', 1, 'encoding', 'x', 'title'), 'items');
  assert.deepEqual(at(spec, 'layer', 1, 'encoding', 'color', 'scale', 'domain'), ['scored', 'skipped: decode-failed', 'skipped: missing-file', 'skipped: no-face', 'excluded: not-in-protocol']);
  assert.ok(!json(spec).includes('enet_b2_8'));
  // An older run of the same setup is not drawn twice: the newest is kept, and the note says which.
  const older = structuredClone(runs[0]);
  older.file = 'runs/older.json';
  older.record.provenance.date = '2025-01-01T00:00:00.000Z';
  const again = coverageFigures([...runs, older]);
  assert.equal(values(again.figures[0].spec).length, segs.length);
  // (The sentence is selectNewest's; only what it must name is checked here.)
  const superseded = again.notes.find((n) => n.includes('runs/older.json'));
  assert.ok(superseded, 'the ignored run is named');
  assert.match(superseded, /^enet_b0_8_best_afew on affectnet\S* \(7-class\): kept the newest run runs\/eval-0\.json .*ignored runs\/older\.json/);
  assert.ok(!superseded.includes('zero-shot') && !superseded.includes(' · '), 'no internal setup key leaks into the note');
});

test('loco: held-out corpora in README order, one bar per head, CIs and the published tick', () => {
  const runs = trainedRuns();
  const { figures, notes } = locoFigures(runs);
  assert.deepEqual(figures.map((f) => f.name), ['loco-uar']);
  const spec = figures[0].spec;
  const data = values(spec);
  assert.equal(data.length, 8, '4 corpora × 2 heads; the cross-corpus runs are not LOCO');
  assert.deepEqual(at(spec, 'encoding', 'x', 'sort'), ['AffectNet', 'AFEW', 'VGAF', 'RAVDESS']);
  assert.equal(at(spec, 'encoding', 'x', 'title'), 'held-out test corpus');
  assert.equal(at(spec, 'layer', 0, 'encoding', 'y', 'title'), 'UAR (%)');
  assert.deepEqual(new Set(data.map((d) => d.model)), new Set(['enet_b0_8_va_mtl + svm', 'enet_b0_8_va_mtl + mlp']));
  const svmAfew = data.find((d) => d.model === 'enet_b0_8_va_mtl + svm' && d.test === 'AFEW')!;
  const rec = runs.find((r) => r.record.protocol === 'loco' && r.record.provenance.dataset!.corpus === 'afew' && (r.record as { head?: { name: string } }).head!.name === 'svm')!.record;
  assert.ok(Math.abs((svmAfew.value as number) - rec.metrics!.uar.value * 100) < 1e-9);
  assert.ok(Math.abs((svmAfew.published as number) - 47.1) < 1e-9);
  assert.equal(at(spec, 'layer', 1, 'encoding', 'y2', 'field'), 'high');
  assert.equal(at(spec, 'layer', 2, 'mark', 'type'), 'tick');
  assert.deepEqual(notes, []);
  // Accuracy as metric; a metric no record has is refused with the fix.
  assert.equal(values(locoFigures(runs, { metric: 'accuracy' }).figures[0].spec).length, 8);
  assert.throws(() => locoFigures(runs, { metric: 'ccc_valence' }), expectBenchError('BAD_INPUT', /ccc_valence/, /--metric/));
  assert.throws(() => locoFigures(evalRuns()), expectBenchError('BAD_INPUT', /leave-one-corpus-out/));
});

test('loco: the record shape is adaptable, replicas never plotted, odd training sets noted', () => {
  const runs = trainedRuns().filter((r) => r.record.protocol === 'loco');
  // Another protocol name and another place for the training corpora.
  const moved: LoadedRun[] = runs.map((r) => {
    const { head, ...rest } = r.record as typeof r.record & { head: { name: string; trainCorpora: string[] } };
    return { file: r.file, record: { ...rest, protocol: 'LOCO-7', trainedOn: head.trainCorpora, headName: head.name } as typeof r.record };
  });
  const adapted = locoFigures(moved, {
    isLoco: (p) => p.startsWith('LOCO'),
    headOf: (r) => {
      const x = r as typeof r & { trainedOn?: string[]; headName?: string };
      return x.trainedOn ? { trainCorpora: x.trainedOn, name: x.headName } : null;
    },
  });
  assert.equal(values(adapted.figures[0].spec).length, 8);
  const withReplica = [...runs, { file: 'runs/rep.json', record: { ...runs[0].record, replica: true, provenance: { ...runs[0].record.provenance, model: { ...runs[0].record.provenance.model, name: 'enet_b2_8' } } } }];
  const odd = structuredClone(runs[0]);
  (odd.record as { head?: { trainCorpora: string[] } }).head!.trainCorpora = ['afew'];
  odd.file = 'runs/odd.json';
  odd.record.provenance.date = '2027-01-01T00:00:00.000Z';
  const { figures, notes } = locoFigures([...withReplica, odd]);
  assert.ok(!json(figures[0].spec).includes('enet_b2_8'));
  assert.ok(notes.some((n) => n.includes('runs/rep.json')));
  assert.ok(notes.some((n) => n.startsWith('Not trained on exactly the other corpora') && n.includes('runs/odd.json')));
});

test('cross-corpus: one train × test heatmap per head, value and CI in every cell, a fixed 0–100 colour domain', () => {
  const { figures, notes } = crossCorpusFigures(trainedRuns());
  assert.deepEqual(figures.map((f) => f.name), ['cross-corpus-uar-enet_b0_8_va_mtl+svm', 'cross-corpus-uar-enet_b0_8_va_mtl+mlp']);
  const svm = figures[0].spec;
  const cells = values(svm);
  assert.equal(cells.length, 16 + 4, '4×4 single-corpus cells and 4 LOCO cells');
  assert.deepEqual(at(svm, 'encoding', 'x', 'sort'), ['AffectNet', 'AFEW', 'VGAF', 'RAVDESS']);
  assert.deepEqual((at(svm, 'encoding', 'y', 'sort') as string[]).slice(0, 4), ['AFEW', 'AffectNet', 'RAVDESS', 'VGAF']);
  assert.equal(at(svm, 'encoding', 'x', 'title'), 'test corpus');
  assert.equal(at(svm, 'encoding', 'y', 'title'), 'trained on');
  assert.deepEqual(at(svm, 'layer', 0, 'encoding', 'color', 'scale'), { domain: [0, 100], scheme: SEQUENTIAL_SCHEME });
  assert.equal(at(svm, 'layer', 0, 'encoding', 'color', 'title'), 'UAR (%)');
  const diag = cells.find((c) => c.train === 'AFEW' && c.test === 'AFEW')!;
  assert.match(diag.text as string, /^\d+\.\d\n\[\d+\.\d, \d+\.\d\]$/);
  assert.ok((diag.value as number) > 60, 'the within-corpus cell is the strong one');
  assert.ok(notes.every((n) => !n.includes('zero-shot')), 'every record has a head');
  const withZeroShot = crossCorpusFigures([...trainedRuns(), ...evalRuns()]);
  assert.ok(withZeroShot.notes.some((n) => n.includes('3 zero-shot run records')));
  assert.throws(() => crossCorpusFigures(evalRuns()), expectBenchError('BAD_INPUT', /head\.trainCorpora/));
});

test('an unknown kind is refused with the close names', () => {
  assert.throws(() => figuresOfKind('confuson', []), expectBenchError('BAD_INPUT', /unknown figure kind "confuson"\. Did you mean: confusion\?/, /cross-corpus/));
});
