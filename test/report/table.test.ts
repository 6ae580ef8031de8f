import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latencyTable } from '../../src/report/latency-table.js';
import { resultsTable } from '../../src/report/results-table.js';
import { escapeLatex, toCsv, toLatex, toMarkdown, type TextTable } from '../../src/report/table.js';
import { BenchError } from '../../src/errors.js';
import { fixtureRuns } from './fixtures.js';

const SUPERSEDED =
  'enet_b0_8_va_mtl on affectnet/val (8-class): kept the newest run runs/a-affectnet.json (2024-03-01T00:00:00.000Z); ignored runs/a-affectnet-old.json (2024-01-01T00:00:00.000Z).';
const REPLICA_LEFT_OUT = 'Left out replica runs (random weights: latency only, never accuracy): runs/r-affectnet.json.';
const Z = '0'.repeat(64);
const DEMO = '(demo) rows come from demo runs (generated corpus or bundled models): they check the pipeline and are not results.';

test('accuracy table in Markdown: README layout, CI, published value and Δ, demo label, notes', () => {
  const md = toMarkdown(resultsTable(fixtureRuns()));
  assert.equal(
    md,
    [
      '|Model|AffectNet-8|AffectNet-8 pub.|AffectNet-8 Δ|AffectNet-7|AFEW (faces-detected)|AFEW (faces-detected) pub.|AFEW (faces-detected) Δ|',
      '|:-|-:|-:|-:|-:|-:|-:|-:|',
      '|enet_b0_8_va_mtl|61.9 [60.4, 63.4]|61.9|+0.0|-|55.2 [50.1, 60.2]|56.7|-1.5|',
      '|mobilenet_7 (demo)|-|-|-|64.7 [63.1, 66.3]|55.4 [50.4, 60.3]|-|-|',
      '',
      'Accuracy (%) with 95% CI in brackets (bootstrap over items); pub. = published value; Δ = measured − published (points).',
      `- ${SUPERSEDED}`,
      `- ${REPLICA_LEFT_OUT}`,
      `- ${DEMO}`,
      '- Published values: HSEmotion README.',
      '',
    ].join('\n'),
  );
});

test('replica eval runs never reach the accuracy table', () => {
  const table = resultsTable(fixtureRuns());
  assert.ok(!JSON.stringify(table.rows).includes('enet_b2_8'));
  assert.ok(table.data.every((r) => (r as { replica: boolean }).replica === false));
  assert.ok(table.notes.includes(REPLICA_LEFT_OUT));
});

test('accuracy table in LaTeX: booktabs, grouped measured/pub./Δ headers, escaping, notes as tablenotes that compile', () => {
  const tex = toLatex(resultsTable(fixtureRuns()), { label: 'tab:acc' });
  assert.equal(
    tex,
    [
      '% needs \\usepackage{threeparttable}',
      '\\begin{table}[htbp]',
      '\\centering',
      '\\caption{Accuracy (\\%) with 95\\% CI in brackets (bootstrap over items); pub. = published value; $\\Delta$ = measured $-$ published (points).}',
      '\\label{tab:acc}',
      '\\begin{threeparttable}',
      '\\begin{tabular}{lrrrrrrr}',
      '\\toprule',
      ' & \\multicolumn{3}{c}{AffectNet-8} &  & \\multicolumn{3}{c}{AFEW (faces-detected)} \\\\',
      '\\cmidrule(lr){2-4} \\cmidrule(lr){6-8}',
      'Model & measured & pub. & $\\Delta$ & AffectNet-7 & measured & pub. & $\\Delta$ \\\\',
      '\\midrule',
      'enet\\_b0\\_8\\_va\\_mtl & 61.9 [60.4, 63.4] & 61.9 & +0.0 & - & 55.2 [50.1, 60.2] & 56.7 & $-$1.5 \\\\',
      'mobilenet\\_7 (demo) & - & - & - & 64.7 [63.1, 66.3] & 55.4 [50.4, 60.3] & - & - \\\\',
      '\\bottomrule',
      '\\end{tabular}',
      '\\begin{tablenotes}\\footnotesize',
      `\\item ${escapeLatex(SUPERSEDED)}`,
      `\\item ${escapeLatex(REPLICA_LEFT_OUT)}`,
      `\\item ${escapeLatex(DEMO)}`,
      '\\item Published values: HSEmotion README.',
      '\\end{tablenotes}',
      '\\end{threeparttable}',
      '\\end{table}',
      '',
    ].join('\n'),
  );
});

test('accuracy CSV is long format: every metric of the runs used, full precision, same scale for value and published', () => {
  assert.equal(
    toCsv(resultsTable(fixtureRuns())),
    [
      'model,corpus,split,release,manifestSha256,protocol,metric,value,ciLow,ciHigh,ciLevel,ciUnit,published,publishedSource,diff,resize,publishedResize,countedWrong,absentFromCorpus,n,replica,demo,runFile,date',
      `enet_b0_8_va_mtl,afew,val,official,${Z},faces-detected,accuracy,0.5521,0.5013,0.6021,0.95,item,0.5673,HSEmotion README,-0.0152,,,,,379,false,false,runs/a-afew.json,2024-03-02T00:00:00.000Z`,
      `enet_b0_8_va_mtl,affectnet,val,official,${Z},8-class,accuracy,0.6193,0.604,0.634,0.95,item,0.6193,HSEmotion README,0,,,,,4000,false,false,runs/a-affectnet.json,2024-03-01T00:00:00.000Z`,
      `enet_b0_8_va_mtl,affectnet,val,official,${Z},8-class,macro_f1,0.615,0.6,0.63,0.95,item,,,,,,,,4000,false,false,runs/a-affectnet.json,2024-03-01T00:00:00.000Z`,
      `mobilenet_7,afew,val,official,${Z},faces-detected,accuracy,0.5535,0.504,0.603,0.95,item,,,,,,,,100,false,true,runs/m-afew.json,2024-03-04T00:00:00.000Z`,
      `mobilenet_7,affectnet,val,official,${Z},7-class,accuracy,0.6471,0.6312,0.663,0.95,item,,,,,,,,100,false,true,runs/m-affectnet.json,2024-03-03T00:00:00.000Z`,
      '',
    ].join('\n'),
  );
});

test('another metric in another spelling: columns without published values get no pub./Δ columns', () => {
  const md = toMarkdown(resultsTable(fixtureRuns(), { metric: 'macroF1' }));
  assert.equal(
    md,
    [
      '|Model|AffectNet-8|',
      '|:-|-:|',
      '|enet_b0_8_va_mtl|61.5 [60.0, 63.0]|',
      '',
      'Macro-F1 (%) with 95% CI in brackets (bootstrap over items).',
      `- ${SUPERSEDED}`,
      `- ${REPLICA_LEFT_OUT}`,
      '',
    ].join('\n'),
  );
});

test('an unknown metric is a BenchError listing the metrics there are', () => {
  assert.throws(
    () => resultsTable(fixtureRuns(), { metric: 'acuracy' }),
    (e: unknown) =>
      e instanceof BenchError &&
      e.message === 'no eval run has the metric "acuracy". Did you mean: accuracy?' &&
      e.fix === 'choose --metric from: accuracy, macro_f1',
  );
});

test('latency table in Markdown: replica and short runs marked, published latency with its caveat', () => {
  assert.equal(
    toMarkdown(latencyTable(fixtureRuns())),
    [
      '|Model|Engine|Device|Threads|Batch|p50 (ms)|p90 (ms)|p99 (ms)|mean ± sd (ms)|items/s|pub. (ms)|',
      '|:-|:-|:-|-:|-:|-:|-:|-:|-:|-:|-:|',
      '|enet_b0_8_va_mtl|onnxruntime-node 1.30.0|cpu|auto|1|10.00|12.00|15.00|11.00 ± 1.00|90.9|60|',
      '|enet_b2_8 (replica) (short run)|onnxruntime-node 1.30.0|cpu|2|1|25.00|30.00|37.50|27.50 ± 2.50|36.4|-|',
      '',
      'Latency of one engine call in ms (percentiles and mean ± sd over the timed calls after warm-up); items/s = throughput; pub. = published latency.',
      "- Host: Test CPU, 4 cores, linux, Node v20.0.0; Threads is the engine's intra-op thread count (auto = the engine's default).",
      '- (replica) rows time a random-weight copy of the architecture: same graph and cost, latency only.',
      '- (short run) rows stopped at the maximum duration before the minimum duration and run count were met: runs/l-b2-replica.json.',
      "- Published latencies (measured on the source's hardware, not comparable one to one): HSEmotion README (Samsung Fold 3).",
      '',
    ].join('\n'),
  );
});

test('latency table in LaTeX (no float) and CSV', () => {
  const table = latencyTable(fixtureRuns());
  assert.equal(
    toLatex(table, { float: false }),
    [
      '% needs \\usepackage{threeparttable}',
      '\\begin{threeparttable}',
      '\\begin{tabular}{lllrrrrrrrr}',
      '\\toprule',
      'Model & Engine & Device & Threads & Batch & p50 (ms) & p90 (ms) & p99 (ms) & mean $\\pm$ sd (ms) & items/s & pub. (ms) \\\\',
      '\\midrule',
      'enet\\_b0\\_8\\_va\\_mtl & onnxruntime-node 1.30.0 & cpu & auto & 1 & 10.00 & 12.00 & 15.00 & 11.00 $\\pm$ 1.00 & 90.9 & 60 \\\\',
      'enet\\_b2\\_8 (replica) (short run) & onnxruntime-node 1.30.0 & cpu & 2 & 1 & 25.00 & 30.00 & 37.50 & 27.50 $\\pm$ 2.50 & 36.4 & - \\\\',
      '\\bottomrule',
      '\\end{tabular}',
      '\\begin{tablenotes}\\footnotesize',
      "\\item Host: Test CPU, 4 cores, linux, Node v20.0.0; Threads is the engine's intra-op thread count (auto = the engine's default).",
      '\\item (replica) rows time a random-weight copy of the architecture: same graph and cost, latency only.',
      '\\item (short run) rows stopped at the maximum duration before the minimum duration and run count were met: runs/l-b2-replica.json.',
      "\\item Published latencies (measured on the source's hardware, not comparable one to one): HSEmotion README (Samsung Fold 3).",
      '\\end{tablenotes}',
      '\\end{threeparttable}',
      '',
    ].join('\n'),
  );
  const csv = toCsv(table).split('\n');
  assert.equal(
    csv[0],
    'model,engine,version,backend,device,threads,batch,n,p50Ms,p90Ms,p95Ms,p99Ms,meanMs,sdMs,throughput,sessionCreateMs,firstRunMs,valid,published,publishedSource,replica,demo,runFile,date',
  );
  assert.equal(
    csv[1],
    'enet_b0_8_va_mtl,onnxruntime-node,1.30.0,cpu,cpu,0,1,200,10,12,13,15,11,1,90.9090909090909,120,30,true,60,HSEmotion README (Samsung Fold 3),false,false,runs/l-b0.json,2024-03-06T00:00:00.000Z',
  );
  assert.equal(csv.length, 4);
});

test('escapeLatex: specials in one pass, minus signs, unicode symbols', () => {
  assert.equal(escapeLatex('a_b 50% R&D #1 $x {y} ~ ^ \\'), 'a\\_b 50\\% R\\&D \\#1 \\$x \\{y\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}');
  assert.equal(escapeLatex('[-0.50, 1.00] Δ ± -1 AFEW-8'), '[$-$0.50, 1.00] $\\Delta$ $\\pm$ $-$1 AFEW-8');
});

test('Markdown escapes pipes in cells; LaTeX escapes captions and group headers', () => {
  const table: TextTable = {
    columns: [
      { title: 'Model', align: 'l' },
      { title: 'x', group: 'my_corpus', sub: '50%', align: 'r' },
    ],
    rows: [{ Model: 'a|b', x: '1' }],
    legend: 'legend',
    notes: [],
    data: [],
  };
  assert.equal(toMarkdown(table), '|Model|x|\n|:-|-:|\n|a\\|b|1|\n\nlegend\n');
  assert.equal(
    toLatex(table, { caption: 'R&D_1', float: true, placement: 't' }),
    [
      '\\begin{table}[t]',
      '\\centering',
      '\\caption{R\\&D\\_1}',
      '\\begin{tabular}{lr}',
      '\\toprule',
      ' & \\multicolumn{1}{c}{my\\_corpus} \\\\',
      '\\cmidrule(lr){2-2}',
      'Model & 50\\% \\\\',
      '\\midrule',
      'a|b & 1 \\\\',
      '\\bottomrule',
      '\\end{tabular}',
      '\\end{table}',
      '',
    ].join('\n'),
  );
  assert.equal(toCsv(table), '');
});

test('latency runs from two hosts: a Host column instead of the host note', () => {
  const runs = fixtureRuns().map((run) =>
    run.file === 'runs/l-b2-replica.json' ? { ...run, record: { ...run.record, provenance: { ...run.record.provenance, host: { cpu: 'Other CPU', cores: 16, memGiB: 64, platform: 'darwin', node: 'v22.0.0' } } } } : run,
  );
  const table = latencyTable(runs);
  assert.ok(table.columns.some((c) => c.title === 'Host'));
  assert.deepEqual(
    table.rows.map((r) => r.Host),
    ['Test CPU, 4 cores, linux, Node v20.0.0', 'Other CPU, 16 cores, darwin, Node v22.0.0'],
  );
  assert.ok(!table.notes.some((n) => n.startsWith('Host:')));
});
