/**
 * A vega-lite spec to an SVG string (vega's headless renderer: no browser, no canvas) and an SVG to
 * PNG bytes (resvg, with the bundled DejaVu Sans loaded explicitly). Both are deterministic: the same
 * spec gives the same bytes.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { BenchError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { FIGURE_FONT_FAMILY, figureFonts, textMeasurer } from './fonts.js';

export type FigureFormat = 'svg' | 'png';
export const FIGURE_FORMATS: readonly FigureFormat[] = ['svg', 'png'];

let vegaModules: Promise<[typeof import('vega'), typeof import('vega-lite')]> | null = null;

// Loaded on first use: vega's module graph has a top-level await, which would stop CommonJS callers
// (tslab notebooks `require` this library) from loading anything that imports this file.
async function loadVega(): Promise<[typeof import('vega'), typeof import('vega-lite')]> {
  vegaModules ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => {
    const measure = textMeasurer();
    if (measure) {
      // vega's hook for a canvas-less renderer (vl-convert does the same); its typings omit it.
      (vega as unknown as { textMetrics: { width: unknown } }).textMetrics.width = (item: { fontSize?: number; fontWeight?: string | number; text?: unknown }, text?: unknown) => {
        const value = text ?? item.text;
        const s = Array.isArray(value) ? value.join(' ') : value == null ? '' : String(value);
        const weight = item.fontWeight;
        const bold = weight === 'bold' || weight === 'bolder' || (typeof weight === 'number' && weight >= 600) || (typeof weight === 'string' && Number(weight) >= 600);
        return measure(s, item.fontSize ?? 11, bold);
      };
    }
    return [vega, vl];
  });
  return vegaModules;
}

/** Compiles and renders a vega-lite spec to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, { compile }] = await loadVega();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return stableIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * vega numbers gradient and clip ids with a process-wide counter, so the same figure drawn twice
 * differs; renumbering them per document makes a figure's bytes depend only on its data.
 */
function stableIds(svg: string): string {
  const ids = [...new Set([...svg.matchAll(/\bid="((?:gradient_|clip)\d+)"/g)].map((m) => m[1]))];
  if (ids.length === 0) return svg;
  const renamed = new Map(ids.map((id, i) => [id, `${id.startsWith('clip') ? 'clip' : 'gradient_'}${i + 1}`]));
  return svg.replace(/(\bid="|url\(#)((?:gradient_|clip)\d+)(?=[")])/g, (whole, prefix: string, id: string) =>
    renamed.has(id) ? `${prefix}${renamed.get(id)}` : whole,
  );
}

export interface PngOptions {
  /** Pixels per SVG unit; default 2 (about 190 dpi at the figure's size: sharp in print and on screens). */
  scale?: number;
  /** Background colour; default white (a transparent PNG turns black in some viewers and printers). */
  background?: string;
}

/** Draws an SVG as PNG bytes with DejaVu Sans (see fonts.ts); system fonts only when it is missing. */
export async function renderPng(svg: string, options: PngOptions = {}): Promise<Buffer> {
  const { scale = 2, background = 'white' } = options;
  const { Resvg } = await import('@resvg/resvg-js').catch((cause: unknown) => {
    // Its native binary comes as an optional package per platform; a missing one is an install problem, not a bug.
    throw new BenchError('TOOL_MISSING', `the PNG renderer @resvg/resvg-js could not be loaded (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)})`, {
      fix: 'reinstall with `npm ci` on a platform resvg supports (Linux, macOS, Windows on x64/arm64), or write SVG with --format svg',
      cause,
    });
  });
  const fonts = figureFonts();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background,
    font: {
      fontFiles: fonts ? [fonts.regular, fonts.bold] : [],
      loadSystemFonts: fonts === null,
      defaultFontFamily: FIGURE_FONT_FAMILY,
      sansSerifFamily: FIGURE_FONT_FAMILY,
    },
  });
  return resvg.render().asPng();
}

/** The spec drawn in one format: an SVG string or PNG bytes. */
export async function renderFigure(spec: TopLevelSpec, format: FigureFormat, png: PngOptions = {}): Promise<string | Buffer> {
  const svg = await renderSvg(spec);
  return format === 'svg' ? svg : renderPng(svg, png);
}

/** Writes a figure (creating the directory) atomically, so a half-written figure never appears. */
export async function writeFigure(path: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, content);
}
