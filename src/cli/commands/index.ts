import type { Command } from 'commander';
import { register as registerCompare } from './compare.js';
import { register as registerDemo } from './demo.js';
import { register as registerEval } from './eval.js';
import { register as registerLatency } from './latency.js';
import { register as registerLoco } from './loco.js';
import { register as registerMatrix } from './matrix.js';
import { register as registerMerge } from './merge.js';
import { register as registerModels } from './models.js';
import { register as registerPlot } from './plot.js';
import { register as registerProtocol } from './protocol.js';
import { register as registerPull } from './pull.js';
import { register as registerScore } from './score.js';
import { register as registerStore } from './store.js';
import { register as registerTable } from './table.js';

/** Every sub-command, in the order `bench --help` lists them. The root action is the latency benchmark. */
export function registerCommands(program: Command): void {
  registerLatency(program);
  registerEval(program);
  registerDemo(program);
  registerProtocol(program);
  registerModels(program);
  registerPull(program);
  registerScore(program);
  registerMerge(program);
  registerCompare(program);
  registerLoco(program);
  registerMatrix(program);
  registerTable(program);
  registerPlot(program);
  registerStore(program);
}
