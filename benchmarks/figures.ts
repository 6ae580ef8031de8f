/**
 * Time to draw each figure kind (prints figures; no assertions): vega-lite spec → SVG, and SVG → PNG
 * at scale 2, on the figure tests' generated run records. Also the one-off cost of loading vega and
 * the font. Run: node --import tsx benchmarks/figures.ts
 */
import { performance } from 'node:perf_hooks';
import { FIGURE_KINDS, figuresOfKind, renderPng, renderSvg } from '../src/report/figures.js';
import { evalRuns, latencyRuns, trainedRuns } from '../test/report/figures-fixtures.js';

const runs = [...evalRuns(), ...latencyRuns(), ...trainedRuns()];
const ROUNDS = 5;

const t0 = performance.now();
await renderSvg({ data: { values: [{ a: 1 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } });
console.log(`first render (loads vega, vega-lite, fontkit and DejaVu Sans): ${(performance.now() - t0).toFixed(0)} ms`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nkind          figures  spec ms  svg ms (median of ${ROUNDS})  png ms  svg kB  png kB`);
for (const kind of FIGURE_KINDS) {
  const spec: number[] = [];
  const svgMs: number[] = [];
  const pngMs: number[] = [];
  let sizes = { svg: 0, png: 0, n: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    const a = performance.now();
    const { figures } = figuresOfKind(kind, runs);
    spec.push(performance.now() - a);
    let s = 0;
    let p = 0;
    sizes = { svg: 0, png: 0, n: figures.length };
    for (const f of figures) {
      const b = performance.now();
      const svg = await renderSvg(f.spec);
      const c = performance.now();
      const png = await renderPng(svg);
      p += performance.now() - c;
      s += c - b;
      sizes.svg += svg.length;
      sizes.png += png.length;
    }
    svgMs.push(s / figures.length);
    pngMs.push(p / figures.length);
  }
  console.log(
    `${kind.padEnd(13)} ${String(sizes.n).padStart(7)}  ${median(spec).toFixed(1).padStart(7)}  ${median(svgMs).toFixed(0).padStart(22)}  ${median(pngMs).toFixed(0).padStart(6)}  ${(sizes.svg / sizes.n / 1024).toFixed(0).padStart(6)}  ${(sizes.png / sizes.n / 1024).toFixed(0).padStart(6)}`,
  );
}
