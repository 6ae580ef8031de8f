/** The committed notebooks are sources: no outputs (an executed one inlines megabytes of plotly), no execution counts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './bench/tiny-model.js';

const dir = join(REPO_ROOT, 'notebooks');

test('committed notebooks carry no outputs', () => {
  const notebooks = readdirSync(dir).filter((f) => f.endsWith('.ipynb'));
  assert.ok(notebooks.length >= 2);
  for (const f of notebooks) {
    const nb = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { cells: Array<{ cell_type: string; outputs?: unknown[]; execution_count?: number | null }> };
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    assert.deepEqual(code.filter((c) => (c.outputs ?? []).length > 0 || c.execution_count != null).length, 0, `${f}: strip its outputs (jupyter nbconvert --clear-output --inplace)`);
    assert.ok(statSync(join(dir, f)).size < 100_000, `${f} is small`);
  }
});
