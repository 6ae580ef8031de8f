/**
 * The font figures are laid out and drawn with. DejaVu Sans ships in the `dejavu-fonts-ttf` npm
 * package, so a fresh machine (CI) draws the same PNG as a developer's without any system font
 * package; vega lays text out with the font's real advance widths rather than its 0.8-em-a-character
 * guess, so titles, legends and axis labels sit where the drawn text is.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';

/** The family every figure names (SVG viewers without it fall back to Verdana, whose widths are close). */
export const FIGURE_FONT_FAMILY = 'DejaVu Sans';
export const FIGURE_FONT = `${FIGURE_FONT_FAMILY}, Verdana, sans-serif`;

export interface FigureFonts {
  regular: string;
  bold: string;
  /** `package`: dejavu-fonts-ttf; `system`: a system copy of DejaVu Sans. */
  source: 'package' | 'system';
}

// Where operating systems keep DejaVu Sans, for an install without the npm package.
const SYSTEM_DIRS = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu', '/usr/share/fonts/TTF', '/usr/local/share/fonts', '/Library/Fonts'];

export interface FontSearch {
  /** The dejavu-fonts-ttf `ttf/` folder, or null when the package is not installed. */
  packageDir: string | null;
  /** System folders to look in, in order. */
  systemDirs: readonly string[];
}

function packagedFontDir(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  } catch {
    return null;
  }
}

/** DejaVu Sans regular and bold: from the package, else from a system folder, else null. */
export function findFigureFonts(search: FontSearch): FigureFonts | null {
  const pair = (dir: string) => ({ regular: join(dir, 'DejaVuSans.ttf'), bold: join(dir, 'DejaVuSans-Bold.ttf') });
  const found = (dir: string) => existsSync(pair(dir).regular) && existsSync(pair(dir).bold);
  if (search.packageDir !== null && found(search.packageDir)) return { ...pair(search.packageDir), source: 'package' };
  const dir = search.systemDirs.find(found);
  return dir ? { ...pair(dir), source: 'system' } : null;
}

let cached: FigureFonts | null | undefined;

/** The fonts figures use on this machine (looked up once). */
export function figureFonts(): FigureFonts | null {
  if (cached === undefined) cached = findFigureFonts({ packageDir: packagedFontDir(), systemDirs: SYSTEM_DIRS });
  return cached;
}

/** What a caller should tell the user about the fonts, or null when the bundled font is used. */
export function fontWarning(fonts: FigureFonts | null = figureFonts()): string | null {
  if (fonts === null) {
    return 'DejaVu Sans was not found (neither the dejavu-fonts-ttf package nor a system copy): PNG text falls back to whatever system fonts there are and label spacing is estimated; run `npm ci`, or install fonts-dejavu-core';
  }
  return fonts.source === 'system' ? `the dejavu-fonts-ttf package is missing; PNGs use the system copy of DejaVu Sans (${fonts.regular})` : null;
}

type Measure = (text: string, fontSize: number, bold: boolean) => number;

let measurer: Measure | null | undefined;

/** Text width in px with DejaVu Sans (kerning included), or null when the font is not available. */
export function textMeasurer(): Measure | null {
  if (measurer !== undefined) return measurer;
  const fonts = figureFonts();
  if (fonts === null) return (measurer = null);
  const open = (file: string) => fontkit.openSync(file) as fontkit.Font;
  const faces = { regular: open(fonts.regular), bold: open(fonts.bold) };
  // Per-em widths by (weight, text): a figure measures the same few labels many times over.
  const memo = new Map<string, number>();
  measurer = (text, fontSize, bold) => {
    const key = `${bold ? 'b' : 'r'}\u0000${text}`;
    let em = memo.get(key);
    if (em === undefined) {
      const face = bold ? faces.bold : faces.regular;
      em = face.layout(text).advanceWidth / face.unitsPerEm;
      memo.set(key, em);
    }
    return em * fontSize;
  };
  return measurer;
}
