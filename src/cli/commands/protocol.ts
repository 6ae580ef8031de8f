/**
 * `bench protocol <name>`: the papers' video protocols that train a head on frozen features, each a
 * sub-command in its own file with a `register…(parent)` function.
 */
import type { Command } from 'commander';
import { registerHsemotion } from './protocol-hsemotion.js';

export function register(program: Command): void {
  const protocol = program
    .command('protocol')
    .description("the papers' trained-head video protocols (a classifier fitted here on frozen embeddings, never the authors' head)")
    .addHelpText(
      'after',
      `
Examples:
  bench protocol hsemotion -m enet_b0_8_best_afew --dataset afew --root ~/data/EmotiW/AFEW
  bench protocol hsemotion -m enet_b2_8_best --dataset vgaf --root ~/data/EmotiW/VGAF --json`,
    );
  registerHsemotion(protocol);
  // Further protocols register here, one file each (e.g. protocol-emo-temporal.ts: registerEmoTemporal(protocol)).
}
