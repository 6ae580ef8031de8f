/**
 * The README's form of every command, `npx bench …`: npm finds the package's own `bench` bin (the
 * built dist/cli/main.js), and prints no warning on the way (an unknown key in .npmrc once made npm warn
 * on every call).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../bench/tiny-model.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

test('package.json maps bench to the build of src/cli/main.ts, which is an executable script', () => {
  assert.equal(pkg.bin.bench, 'dist/cli/main.js');
  const build = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
  assert.deepEqual([build.compilerOptions.rootDir, build.compilerOptions.outDir], ['src', 'dist']);
  assert.match(readFileSync(join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('.npmrc holds only keys npm knows (npm warns about any other on every npx call)', () => {
  const keys = readFileSync(join(REPO_ROOT, '.npmrc'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split('=')[0].trim());
  assert.deepEqual(keys, ['ignore-scripts']);
});

test('npx bench --help runs the built CLI with no npm warning', (t) => {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
    t.skip('dist/ is not built here: `npm run build` first (.ci/run does)');
    return;
  }
  const ran = spawnSync('npx', ['--offline', 'bench', '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(ran.status, 0, ran.stderr);
  assert.match(ran.stdout, /^Usage: bench \[options\] \[command\]/);
  assert.doesNotMatch(ran.stderr, /npm warn/i);
});
