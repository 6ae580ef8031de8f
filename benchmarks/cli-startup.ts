/**
 * CLI start-up: `bench --help` must answer in under 0.5 s, which needs every heavy module (onnxruntime-node,
 * TensorFlow.js, sharp, h5wasm, vega, piscina...) to be imported lazily, inside command actions.
 *
 * Times, over --runs fresh processes each (wall clock around spawnSync, so it includes Node's own start):
 *   node dist/cli/main.js --help | eval --help | models --help     (the installed `bench`; needs `npm run build`)
 *   node --import tsx src/cli/main.ts ...                          (from source, tsx compiling on the fly)
 *   node -e ''                                                      (Node's own floor, for reference)
 * and lists the npm packages each `--help` actually loaded (CommonJS module cache at exit, which is where
 * sharp, onnxruntime-node, tfjs, commander... land even when imported from ESM), so an eager import shows.
 *
 *   npm run build && node --import tsx benchmarks/cli-startup.ts [--runs 10] [--build] [--json]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const RUNS = Number(arg('runs', '10'));
const JSON_OUT = process.argv.includes('--json');
const BAR_MS = 500;

if (process.argv.includes('--build')) {
  const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
if (!existsSync(`${ROOT}dist/cli/main.js`)) {
  console.error('dist/cli/main.js is missing: run `npm run build` first (or pass --build)');
  process.exit(1);
}

/** Prints, at exit, the npm packages in the CommonJS cache (ESM-only packages would not show; ours are CJS). */
const PACKAGES_PROBE =
  'data:text/javascript,' +
  encodeURIComponent(
    `import { createRequire } from 'node:module';
     const cache = createRequire(${JSON.stringify(ROOT + 'package.json')}).cache;
     process.on('exit', () => {
       const pk = new Set();
       for (const f of Object.keys(cache)) { const m = f.match(/node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/); if (m) pk.add(m[1].replace(/\\\\/g, '/')); }
       process.stderr.write('\\n@@packages ' + [...pk].sort().join(',') + '\\n');
     });`,
  );

interface Case {
  label: string;
  args: string[];
  bar: boolean;
}
const CASES: Case[] = [
  { label: "node -e ''  (floor)", args: ['-e', ''], bar: false },
  { label: 'dist  bench --help', args: ['dist/cli/main.js', '--help'], bar: true },
  { label: 'dist  bench eval --help', args: ['dist/cli/main.js', 'eval', '--help'], bar: true },
  { label: 'dist  bench models --help', args: ['dist/cli/main.js', 'models', '--help'], bar: true },
  { label: 'tsx   bench --help', args: ['--import', 'tsx', 'src/cli/main.ts', '--help'], bar: false },
  { label: 'tsx   bench eval --help', args: ['--import', 'tsx', 'src/cli/main.ts', 'eval', '--help'], bar: false },
  { label: 'tsx   bench models --help', args: ['--import', 'tsx', 'src/cli/main.ts', 'models', '--help'], bar: false },
];

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Row {
  label: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  bar: boolean;
  pass: boolean | null;
  packages: string[];
}

function once(args: string[]): { ms: number; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stderr: r.stderr };
}

const rows: Row[] = [];
for (const c of CASES) once(c.args); // warm the file cache (and tsx's compile cache) once per case
// Interleave the cases run by run, so background load spreads over all of them.
const times = new Map<string, number[]>(CASES.map((c) => [c.label, []]));
for (let i = 0; i < RUNS; i++) for (const c of CASES) times.get(c.label)!.push(once(c.args).ms);
for (const c of CASES) {
  const t = times.get(c.label)!;
  const probe = c.args[0] === '-e' ? '' : once(['--import', PACKAGES_PROBE, ...c.args]).stderr;
  const packages = (probe.match(/@@packages (.*)/)?.[1] ?? '').split(',').filter(Boolean);
  const med = median(t);
  rows.push({ label: c.label, medianMs: med, minMs: Math.min(...t), maxMs: Math.max(...t), bar: c.bar, pass: c.bar ? med < BAR_MS : null, packages });
}

if (JSON_OUT) {
  process.stdout.write(JSON.stringify({ runs: RUNS, barMs: BAR_MS, node: process.version, rows }, null, 2) + '\n');
} else {
  console.log(`CLI start-up, ${RUNS} runs each (wall clock incl. process start), node ${process.version}; bar: dist --help < ${BAR_MS} ms at the median\n`);
  console.log(`${'command'.padEnd(28)}${'median'.padStart(9)}${'min'.padStart(8)}${'max'.padStart(8)}  result  npm packages loaded`);
  for (const r of rows) {
    const res = r.pass === null ? '      ' : r.pass ? 'ok    ' : 'SLOW  ';
    console.log(`${r.label.padEnd(28)}${r.medianMs.toFixed(0).padStart(7)}ms${r.minMs.toFixed(0).padStart(6)}ms${r.maxMs.toFixed(0).padStart(6)}ms  ${res}  ${r.packages.join(' ') || '-'}`);
  }
}
if (rows.some((r) => r.pass === false)) process.exitCode = 1;
