/**
 * Every figure kind drawn for real: vega's SVG (checked by librsvg through sharp), and resvg's PNG
 * with the bundled font (decoded by sharp: right size, not blank, text actually drawn).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { FIGURE_KINDS, figureFonts, figuresOfKind, fontWarning, renderFigure, renderPng, renderSvg } from '../../src/report/figures.js';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { findFigureFonts, textMeasurer } from '../../src/report/figures/fonts.js';
import { tempDir } from '../datasets/tmpdir.js';
import { CLASSES7, evalRuns, latencyRuns, trainedRuns } from './figures-fixtures.js';

const ALL = [...evalRuns(), ...latencyRuns(), ...trainedRuns()];

/** The visible text of an SVG (vega hides labels it drops for overlap with opacity 0). */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text([^>]*)>([\s\S]*?)<\/text>/g)].filter((m) => !/\bopacity="0"/.test(m[1])).map((m) => m[2].replace(/<[^>]+>/g, ''));
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg [^>]*width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg);
  assert.ok(m, 'the SVG states its size');
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Mean absolute difference of two same-size RGB images, 0..255. */
async function meanDiff(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([a, b].map((p) => sharp(p).removeAlpha().raw().toBuffer()));
  assert.equal(x.length, y.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i] - y[i]);
  return sum / x.length;
}

// The axis titles (with units) a reader needs, per kind, as drawn text.
const EXPECTED_TEXT: Record<string, string[]> = {
  confusion: ['predicted class', 'true class', 'share of row'],
  recall: ['true class', 'recall (%)'],
  latency: ['latency per engine call (ms)'],
  coverage: ['items', 'scored'],
  loco: ['held-out test corpus', 'UAR (%)'],
  'cross-corpus': ['test corpus', 'trained on', 'UAR (%)'],
};

test('the bundled DejaVu Sans is found, so PNGs draw the same text on every machine', () => {
  const fonts = figureFonts();
  assert.ok(fonts, 'a font');
  assert.equal(fonts.source, 'package');
  assert.match(fonts.regular, /dejavu-fonts-ttf[\\/]ttf[\\/]DejaVuSans\.ttf$/);
  assert.equal(fontWarning(), null);
  // vega is given real widths: a W is wider than an i, bold is wider than regular.
  const measure = textMeasurer()!;
  assert.ok(measure('WWWW', 11, false) > 2 * measure('iiii', 11, false));
  assert.ok(measure('neutral', 11, true) > measure('neutral', 11, false));
  assert.ok(Math.abs(measure('neutral', 22, false) - 2 * measure('neutral', 11, false)) < 1e-9);
});

test('without the font package a system DejaVu Sans is used, and with neither the user is told how to fix it', async () => {
  const packaged = figureFonts()!;
  const root = await tempDir('fonts');
  const [emptyPkg, system] = [join(root, 'pkg'), join(root, 'system')];
  await mkdir(emptyPkg);
  await mkdir(system);
  await copyFile(packaged.regular, join(system, 'DejaVuSans.ttf'));
  // A regular face without its bold is not enough.
  assert.equal(findFigureFonts({ packageDir: emptyPkg, systemDirs: [system] }), null);
  await copyFile(packaged.bold, join(system, 'DejaVuSans-Bold.ttf'));
  const fromSystem = findFigureFonts({ packageDir: null, systemDirs: [join(root, 'nowhere'), system] });
  assert.deepEqual(fromSystem, { regular: join(system, 'DejaVuSans.ttf'), bold: join(system, 'DejaVuSans-Bold.ttf'), source: 'system' });
  assert.match(fontWarning(fromSystem)!, /dejavu-fonts-ttf package is missing/);
  assert.match(fontWarning(null)!, /npm ci.*fonts-dejavu-core/);
});

test('every kind renders to an SVG with its axis titles and to a PNG of twice its size that is not blank', async () => {
  for (const kind of FIGURE_KINDS) {
    const { figures } = figuresOfKind(kind, ALL);
    assert.ok(figures.length > 0, kind);
    const svg = await renderSvg(figures[0].spec);
    const meta = await sharp(Buffer.from(svg)).metadata();
    assert.equal(meta.format, 'svg', `${kind}: librsvg parses it`);
    const drawn = texts(svg);
    for (const t of EXPECTED_TEXT[kind]) assert.ok(drawn.includes(t), `${kind}: "${t}" is drawn`);
    const png = await renderPng(svg);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${kind}: PNG signature`);
    const { width, height } = svgSize(svg);
    const info = await sharp(png).metadata();
    assert.equal(info.width, Math.round(width * 2), `${kind}: width`);
    assert.equal(info.height, Math.round(height * 2), `${kind}: height`);
    const stats = await sharp(png).stats();
    assert.ok(stats.channels.slice(0, 3).every((c) => c.stdev > 20), `${kind}: the PNG has content`);
    assert.ok(stats.channels[0].max === 255 && stats.channels[0].min < 40, `${kind}: white background and dark ink`);
  }
});

test('no class or setup label is dropped to avoid overlap: every class on both confusion axes, every class under the recall bars', async () => {
  const eight = ['neutral', 'happiness', 'sadness', 'surprise', 'fear', 'disgust', 'anger', 'contempt'];
  const [run] = evalRuns();
  const record = { ...run.record, classes: eight, confusion: eight.map((_, i) => eight.map((__, j) => (i === j ? 9 : 1))) };
  const svg = await renderSvg(figuresOfKind('confusion', [{ file: 'runs/8.json', record }]).figures[0].spec);
  const drawn = texts(svg);
  for (const c of eight) assert.equal(drawn.filter((t) => t === c).length, 2, `${c} on both axes`);
  const recall = await renderSvg(figuresOfKind('recall', evalRuns()).figures[0].spec);
  for (const c of CLASSES7) assert.ok(texts(recall).includes(c), c);
  const violin = await renderSvg(figuresOfKind('latency', latencyRuns()).figures[1].spec);
  assert.equal(texts(violin).filter((t) => t.includes(' · batch ')).length, 3, 'one header per setup');
});

test('text is really drawn in the PNG: removing the text elements changes the picture', async () => {
  const { figures } = figuresOfKind('confusion', ALL);
  const svg = await renderSvg(figures[0].spec);
  const blankText = svg.replace(/(<text[^>]*>)[\s\S]*?(<\/text>)/g, '$1$2');
  assert.notEqual(blankText, svg);
  const diff = await meanDiff(await renderPng(svg), await renderPng(blankText));
  assert.ok(diff > 1, `text pixels differ (mean |Δ| = ${diff.toFixed(2)})`);
});

test('the same figure gives the same SVG and PNG bytes; --scale sets the PNG size', async () => {
  const spec = figuresOfKind('loco', ALL).figures[0].spec;
  const [a, b] = await Promise.all([renderFigure(spec, 'png'), renderFigure(spec, 'png')]);
  assert.ok(Buffer.isBuffer(a) && Buffer.isBuffer(b));
  assert.ok(a.equals(b));
  const svg = await renderFigure(spec, 'svg');
  assert.equal(typeof svg, 'string');
  assert.equal(svg, await renderSvg(spec));
  const one = await sharp(await renderPng(svg as string, { scale: 1 })).metadata();
  assert.equal(one.width, Math.round(svgSize(svg as string).width));
});
