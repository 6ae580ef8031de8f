/**
 * The interactive (plotly) figures carry the same numbers as the static (vega-lite) figures made from the
 * same run records, and `plotlyHtml` draws offline (plotly.js inlined from the installed package).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';
import { FIGURE_KINDS, figuresOfKind } from '../../src/report/figures.js';
import { plotlyConfusion, plotlyFigures, plotlyHtml, plotlyKindOf, toPlotly, type PlotlyFigure } from '../../src/report/figures/plotly.js';
import type { LoadedRun } from '../../src/report/results.js';
import { expectBenchError } from '../expect-error.js';
import { evalRuns, latencyRuns, trainedRuns } from './figures-fixtures.js';

type Obj = Record<string, unknown>;
const values = (spec: TopLevelSpec) => (spec as { data: { values: Obj[] } }).data.values;
const trace = (fig: PlotlyFigure, name: string) => {
  const t = fig.data.find((d) => d.name === name);
  assert.ok(t, `a trace ${name} in ${fig.name}`);
  return t as Obj & { x: unknown[]; y: unknown[] };
};

function runsFor(kind: string): LoadedRun[] {
  return kind === 'latency' ? latencyRuns() : kind === 'loco' || kind === 'cross-corpus' ? trainedRuns() : evalRuns();
}

test('every figure kind has an interactive version with the same figures and notes', () => {
  for (const kind of FIGURE_KINDS) {
    const runs = runsFor(kind);
    const stat = figuresOfKind(kind, runs);
    const live = plotlyFigures(kind, runs);
    assert.deepEqual(live.figures.map((f) => f.name), stat.figures.map((f) => f.name), kind);
    assert.deepEqual(live.notes, stat.notes, kind);
    for (const f of live.figures) assert.ok(f.data.length > 0 && typeof (f.layout.title as Obj).text === 'string', f.name);
  }
});

test('confusion: the heatmap holds the static figure row shares and counts, true class on y', () => {
  const [stat] = figuresOfKind('confusion', evalRuns()).figures;
  const live = toPlotly(stat);
  const [heat] = live.data as Array<{ x: string[]; y: string[]; z: number[][]; text: string[][] }>;
  assert.equal(heat.x.length, 7);
  for (const v of values(stat.spec)) {
    const i = heat.y.indexOf(v.truth as string);
    const j = heat.x.indexOf(v.predicted as string);
    assert.equal(heat.z[i][j], v.rate);
    assert.equal(heat.text[i][j], String(v.count));
  }
  // From plain data too: the same input as the static confusionFigure.
  const direct = plotlyConfusion({ classes: ['a', 'b'], matrix: [[3, 1], [0, 4]] } as never);
  assert.deepEqual((direct.data[0] as { z: number[][] }).z, [[0.75, 0.25], [0, 1]]);
});

test('recall and LOCO: bar heights, CI ends and published ticks equal the static figure data', () => {
  for (const [kind, runs, field] of [['recall', evalRuns(), 'recall'], ['loco', trainedRuns(), 'value']] as const) {
    for (const stat of figuresOfKind(kind, runs).figures) {
      const live = toPlotly(stat);
      const xField = kind === 'recall' ? 'class' : 'test';
      for (const v of values(stat.spec)) {
        const bar = trace(live, v.model as string) as Obj & { x: string[]; y: number[]; error_y?: { array: number[]; arrayminus: number[] } };
        const i = bar.x.indexOf(v[xField] as string);
        assert.equal(bar.y[i], v[field], `${kind} ${v.model} ${v[xField]}`);
        if (v.low != null) {
          assert.ok(Math.abs(bar.y[i] + bar.error_y!.array[i] - (v.high as number)) < 1e-9);
          assert.ok(Math.abs(bar.y[i] - bar.error_y!.arrayminus[i] - (v.low as number)) < 1e-9);
        }
        if (kind === 'loco' && v.published != null) assert.equal(trace(live, `${v.model}: published`).y[i], v.published);
      }
    }
  }
});

test('latency CDF and cross-corpus heatmap: the same points and cells as the static figures', () => {
  const cdf = figuresOfKind('latency', latencyRuns()).figures.find((f) => f.name === 'latency-cdf')!;
  const live = toPlotly(cdf);
  const setups = [...new Set(values(cdf.spec).map((v) => v.setup as string))];
  assert.equal(live.data.length, setups.length);
  for (const setup of setups) {
    const rows = values(cdf.spec).filter((v) => v.setup === setup);
    assert.deepEqual(trace(live, setup).x, rows.map((r) => r.ms));
    assert.deepEqual(trace(live, setup).y, rows.map((r) => r.share));
  }
  const [cross] = figuresOfKind('cross-corpus', trainedRuns()).figures;
  const heat = toPlotly(cross).data[0] as { x: string[]; y: string[]; z: number[][]; text: string[] [] };
  for (const v of values(cross.spec)) {
    const i = heat.y.indexOf(v.train as string);
    const j = heat.x.indexOf(v.test as string);
    assert.equal(heat.z[i][j], v.value);
    assert.equal(heat.text[i][j], String(v.text).replace(/\n/g, '<br>'));
  }
});

test('plotlyHtml inlines the installed plotly.js once, then draws each figure in its own div', () => {
  const [stat] = figuresOfKind('confusion', evalRuns()).figures;
  const fig = toPlotly(stat);
  const lib = readFileSync(createRequire(import.meta.url).resolve('plotly.js-dist-min'), 'utf8');
  const first = plotlyHtml(fig);
  const second = plotlyHtml(fig);
  const always = plotlyHtml(fig, { library: 'always', height: 300 });
  assert.ok(first.length > lib.length && first.includes(lib.slice(0, 2000)), 'the library is inlined, not fetched');
  assert.ok(!/https?:\/\/cdn/i.test(first.slice(0, 200)) && !first.includes('<script src='), 'no CDN');
  assert.ok(second.length < 100_000, 'the second figure does not inline the library again');
  assert.ok(always.length > lib.length);
  const ids = [first, second].map((h) => /<div id="(fer-plotly-[0-9a-f-]+)"><\/div>/.exec(h)![1]);
  assert.notEqual(ids[0], ids[1]);
  assert.ok(second.includes(`Plotly.newPlot(${JSON.stringify(ids[1])}, `));
  assert.ok(always.includes('"height":300'));
  // The figure's JSON cannot close the script element early.
  assert.equal(second.split('</script>').length - 1, 1);
});

test('a figure without an interactive version is a BenchError naming the kinds that have one', () => {
  assert.throws(() => plotlyKindOf('histogram-x'), expectBenchError('BAD_INPUT', /no interactive version of the figure "histogram-x"/, /confusion, recall/));
  assert.equal(plotlyKindOf('latency-cdf'), 'latency-cdf');
  assert.equal(plotlyKindOf('cross-corpus-uar-enet'), 'cross-corpus');
});
