/** The paper layouts `bench table --layout NAME` knows: each a function run records → one table. */
import { BenchError } from '../../errors.js';
import { suggestion } from '../../util/did-you-mean.js';
import type { LoadedRun } from '../results.js';
import type { TextTable } from '../table.js';
import { emoLocoLayout, type EmoLocoLayoutOptions } from './emo-loco.js';
import { hsemotionLayout, type HsemotionLayoutOptions } from './hsemotion.js';

export { hsemotionLayout, HSEMOTION_VIDEO_PROTOCOLS, type HsemotionLayoutOptions } from './hsemotion.js';
export { emoLocoLayout, isEmoLocoProtocol, type EmoLocoLayoutOptions } from './emo-loco.js';
export { NOT_MEASURED, OTHER_SETUP_MARK, type LayoutCell } from './cells.js';

export const LAYOUTS = ['hsemotion', 'emo-loco'] as const;
export type Layout = (typeof LAYOUTS)[number];

export const LAYOUT_DESCRIPTIONS: Readonly<Record<Layout, string>> = {
  hsemotion: 'the HSEmotion README table: AffectNet-8/-7, AFEW, VGAF (face subset and complete), latency, size',
  'emo-loco': "EMO-AffectNet's leave-one-corpus-out UAR table, one row per held-out corpus",
};

export type LayoutOptions = HsemotionLayoutOptions & EmoLocoLayoutOptions;

export function checkLayout(name: string): Layout {
  if ((LAYOUTS as readonly string[]).includes(name)) return name as Layout;
  throw new BenchError('BAD_INPUT', `unknown table layout "${name}".${suggestion(name, LAYOUTS)}`, { fix: `use one of: ${LAYOUTS.join(', ')}` });
}

export function layoutTable(name: string, runs: readonly LoadedRun[], options: LayoutOptions = {}): TextTable {
  const layout = checkLayout(name);
  return layout === 'hsemotion' ? hsemotionLayout(runs, options) : emoLocoLayout(runs, options);
}
