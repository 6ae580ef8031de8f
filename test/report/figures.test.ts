import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { BenchError } from '../../src/errors.js';
import { confusionFigure, latencyFigure, locoFigure, writeFigure } from '../../src/report/figures.js';
import { resultRows, selectNewest } from '../../src/report/results.js';
import { fixtureRuns } from './fixtures.js';

/** A real SVG parser (librsvg, through sharp) accepts it and it has a size. */
async function assertValidSvg(svg: string): Promise<void> {
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.endsWith('</svg>'));
  const meta = await sharp(Buffer.from(svg)).metadata();
  assert.equal(meta.format, 'svg');
  assert.ok((meta.width ?? 0) > 50 && (meta.height ?? 0) > 50);
}

/** Text nodes of the SVG (axis labels, titles, legend entries, cell texts). */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

test('confusion heatmap: class names on both axes, counts as cell text, axis titles', async () => {
  const svg = await confusionFigure({ classes: ['anger', 'happiness', 'neutral'], matrix: [[8, 1, 1], [0, 9, 1], [2, 2, 17]], title: 'enet_b0 on AFEW' });
  await assertValidSvg(svg);
  const t = texts(svg);
  for (const c of ['anger', 'happiness', 'neutral']) assert.equal(t.filter((x) => x === c).length, 2, `${c} on both axes`);
  for (const n of ['8', '9', '17', '0', '2']) assert.ok(t.includes(n), `count ${n}`);
  for (const label of ['true class', 'predicted class', 'enet_b0 on AFEW', 'share of row']) assert.ok(t.includes(label), label);
});

test('confusion heatmap refuses a matrix that does not match the classes', async () => {
  await assert.rejects(confusionFigure({ classes: ['a', 'b'], matrix: [[1, 2]] }), (e: unknown) => e instanceof BenchError && e.message === 'the confusion matrix is not 2 × 2 for 2 classes');
});

test('latency figure: one box per setup, labelled', async () => {
  const svg = await latencyFigure([
    { label: 'enet_b0_8_va_mtl · onnxruntime-node 1.30.0 cpu b1', samplesMs: [10, 11, 12, 10.5, 30, 9.8, 10.2] },
    { label: 'enet_b2_8 (replica) · onnxruntime-node 1.30.0 cpu b1', samplesMs: [25, 26, 24, 27, 60] },
  ]);
  await assertValidSvg(svg);
  const t = texts(svg);
  assert.ok(t.includes('enet_b0_8_va_mtl · onnxruntime-node 1.30.0 cpu b1'));
  assert.ok(t.includes('enet_b2_8 (replica) · onnxruntime-node 1.30.0 cpu b1'));
  assert.ok(t.includes('latency per engine call (ms)'));
  await assert.rejects(latencyFigure([]), BenchError);
});

test('LOCO figure: test corpora on x, models in the legend, metric on y; replica rows left out', async () => {
  const rows = resultRows(selectNewest(fixtureRuns()).runs);
  const svg = await locoFigure(rows, { metric: 'accuracy' });
  await assertValidSvg(svg);
  const t = texts(svg);
  for (const label of ['AffectNet-8', 'AffectNet-7', 'AFEW (faces-detected)', 'enet_b0_8_va_mtl', 'mobilenet_7 (demo)', 'Accuracy (%)', 'held-out test corpus']) {
    assert.ok(t.includes(label), label);
  }
  assert.ok(!svg.includes('enet_b2_8'), 'the replica run is not plotted');
  // Two bars with the same model and corpus would stack into a sum: refused.
  await assert.rejects(locoFigure(resultRows(fixtureRuns()), { metric: 'accuracy' }), (e: unknown) => e instanceof BenchError && /two results for enet_b0_8_va_mtl on AffectNet-8/.test(e.message));
  await assert.rejects(locoFigure(rows, { metric: 'uar' }), BenchError);
});

test('the same figure renders to the same bytes', async () => {
  const input = { classes: ['a', 'b'], matrix: [[1, 2], [3, 4]] };
  assert.equal(await confusionFigure(input), await confusionFigure(input));
});

test('writeFigure creates the directory and leaves no temporary file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fer-fig-'));
  try {
    const file = join(dir, 'figs', 'x.svg');
    await writeFigure(file, '<svg xmlns="http://www.w3.org/2000/svg"/>');
    assert.equal(await readFile(file, 'utf8'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    assert.deepEqual(await readdir(join(dir, 'figs')), ['x.svg']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
