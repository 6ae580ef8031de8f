/**
 * `bench table` from a mixed set of runs, each record built by the same code as `bench eval` (scoring,
 * label map, published-value rule) with the real zoo cards: AffectNet-8 and -7, a 7-class model under
 * AffectNet-8, the train split, the March-2021 release, another resize kernel, a partial corpus, two
 * generic corpora, an old replica record. Every cell must be the number it claims to be.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalRunRecord, scorePredictions } from '../../src/bench/evaluate.js';
import type { PredictionRecord } from '../../src/bench/records.js';
import type { CorpusSummary } from '../../src/datasets/corpus.js';
import { AFFECTNET_CLASSES } from '../../src/datasets/affectnet-labels.js';
import type { ClassName } from '../../src/datasets/emotions.js';
import { affectnetProtocol, type Protocol } from '../../src/datasets/label-map.js';
import { defaultZoo, getModel } from '../../src/models/zoo.js';
import { resultsTable } from '../../src/report/results-table.js';
import type { LoadedRun } from '../../src/report/results.js';
import { toLatex, toMarkdown } from '../../src/report/table.js';

const zoo = defaultZoo();
const engine = { engine: 'onnxruntime-node', version: '1.30.0', backend: 'cpu', device: 'cpu', threads: 1 };

interface Spec {
  model: string;
  corpus?: string;
  split?: string;
  release?: string;
  layout?: string;
  manifest?: string;
  protocol?: Protocol;
  resize?: string;
  corpusClasses?: ClassName[];
  date: string;
}

/** A run record as `bench eval` writes it, over 16 items of which the first 12 are predicted right. */
function run(s: Spec, file: string): LoadedRun {
  const card = getModel(s.model, zoo);
  const modelClasses: readonly ClassName[] = card.classes;
  const corpusClasses = s.corpusClasses ?? [...AFFECTNET_CLASSES];
  const records: PredictionRecord[] = Array.from({ length: 16 }, (_, i) => {
    const label = i % corpusClasses.length;
    const truth = corpusClasses[label];
    // Right when the model has the class (first 12 items); otherwise its first class.
    const k = i < 12 && modelClasses.includes(truth) ? modelClasses.indexOf(truth) : (modelClasses.indexOf(truth) + 1) % modelClasses.length;
    return { id: `i${String(i).padStart(2, '0')}`, label, scores: card.classes.map((_, j) => (j === k ? 5 : 0)), face: true, latencyMs: 1 };
  });
  const scored = scorePredictions(records, { corpusClasses, modelClasses: card.classes, protocol: s.protocol, ci: { resamples: 100, seed: 1 } });
  const corpus: CorpusSummary = {
    corpus: s.corpus ?? 'affectnet',
    root: '/data',
    split: s.split ?? 'val',
    layout: s.layout ?? 'csv',
    ...(s.release === 'none' ? {} : { release: s.release ?? 'official' }),
    manifestSha256: (s.manifest ?? 'a').repeat(64),
    items: 16,
    classes: corpusClasses,
    sourceLabels: {},
    skippedByReason: {},
    flaggedByReason: {},
  };
  const record = evalRunRecord({
    published: card.published,
    publishedResize: card.input.resize,
    scored,
    corpus,
    records,
    storeDir: '/store',
    engine,
    model: { name: card.name, file: null, sha256: null, replica: false, format: 'onnx' },
    batchSize: 8,
    seed: 1,
    preprocessing: { resize: { kernel: s.resize ?? card.input.resize } },
  });
  return { file, record: { ...record, provenance: { ...record.provenance, date: s.date } } };
}

const d = (n: number) => `2026-01-${String(n).padStart(2, '0')}T00:00:00.000Z`;

function mixedRuns(): LoadedRun[] {
  const afew = 'enet_b0_8_best_afew';
  const replica = run({ model: 'enet_b2_8', protocol: affectnetProtocol(8), date: d(9) }, 'runs/replica.json');
  return [
    run({ model: afew, protocol: affectnetProtocol(8), date: d(1) }, 'runs/afew-8.json'),
    run({ model: afew, protocol: affectnetProtocol(7), date: d(2) }, 'runs/afew-7.json'),
    run({ model: afew, protocol: affectnetProtocol(8), split: 'train', manifest: 'b', date: d(3) }, 'runs/afew-8-train.json'),
    run({ model: afew, protocol: affectnetProtocol(8), release: 'march2021', layout: 'march2021', manifest: 'c', date: d(4) }, 'runs/afew-8-m21.json'),
    run({ model: 'enet_b0_7', protocol: affectnetProtocol(8), date: d(5) }, 'runs/b07-8.json'),
    run({ model: 'enet_b2_8', protocol: affectnetProtocol(8), resize: 'cv2', date: d(6) }, 'runs/b2-8-cv2.json'),
    // Two generic corpora, one holding only three classes under an explicit list.
    run({ model: 'enet_b2_8', corpus: 'raf-db', release: 'none', layout: 'folder', manifest: 'd', corpusClasses: ['happiness', 'neutral', 'sadness'], protocol: { name: 'classes:7', classes: AFFECTNET_CLASSES.slice(0, 7) }, date: d(7) }, 'runs/b2-raf.json'),
    run({ model: 'enet_b2_8', corpus: 'lab', release: 'none', layout: 'csv', manifest: 'e', corpusClasses: ['anger', 'happiness'], date: d(8) }, 'runs/b2-lab.json'),
    // A record of a replica written by an old fer-bench (the runner refuses replicas now).
    { file: replica.file, record: { ...replica.record, replica: true } },
  ];
}

test('bench table from a mixed set of runs shows only honest cells', () => {
  const table = resultsTable(mixedRuns());
  const md = toMarkdown(table);
  if (process.env.SHOW_TABLE) console.log(md);
  const header = md.split('\n')[0].split('|').filter(Boolean);
  const row = (model: string) => {
    const cells = md.split('\n').find((l) => l.startsWith(`|${model}|`))!.split('|').slice(1, -1);
    return Object.fromEntries(header.map((h, i) => [h, cells[i]]));
  };

  // Official validation set: measured beside the official headline.
  const afew = row('enet_b0_8_best_afew');
  assert.equal(afew['AffectNet-8 pub.'], '61.0'); // 60.95 at the tables' one decimal
  assert.equal(afew['AffectNet-7 pub.'], '64.6');
  // The train split is its own column, with no published value (none exists for train).
  assert.ok(afew['AffectNet-8 [train]'].startsWith('75.0 '), afew['AffectNet-8 [train]']);
  assert.ok(!header.includes('AffectNet-8 [train] pub.'));
  // The March-2021 release is compared with the March-2021 number, not the headline.
  assert.equal(afew['AffectNet-8 [march2021] pub.'], '59.6');
  assert.ok(afew['AffectNet-8 [march2021] Δ'] === '+15.4', JSON.stringify(afew));

  // A 7-class model under AffectNet-8: Contempt counted wrong, marked, explained; no published 8-class value.
  const b07 = row('enet_b0_7');
  assert.match(b07['AffectNet-8'], /†$/);
  assert.equal(b07['AffectNet-8 pub.'], '-');
  assert.ok(table.notes.some((n) => n.startsWith('†') && /enet_b0_7 on affectnet \(8-class\): contempt/.test(n)));

  // Another resize kernel than the published pipeline: said beside the Δ and in a note.
  const b2 = row('enet_b2_8');
  assert.equal(b2['AffectNet-8 pub.'], '63.0');
  assert.match(b2['AffectNet-8 Δ'], /§ cv2≠pil$/);
  assert.ok(table.notes.some((n) => n.startsWith('§') && /enet_b2_8 on affectnet: measured with resize cv2, published with pil/.test(n)));

  // Generic corpora keep their own names and columns; the partial one marks and names its absent classes.
  assert.match(b2['raf-db (classes:7)'], /‡$/);
  assert.match(b2['lab (all-classes)'], /^\d+\.\d \[.*\]$/, 'no mark: nothing absent, nothing counted wrong');
  assert.ok(table.notes.some((n) => n.startsWith('‡') && /raf-db \(classes:7\): surprise, fear, disgust, anger/.test(n)));

  // The replica record never reaches a cell.
  assert.equal(table.rows.length, 3);
  assert.ok(table.notes.some((n) => /Left out replica runs .*runs\/replica\.json/.test(n)));
  // Every published value shown applies to its run: same corpus, split, release and protocol.
  for (const r of table.data as Array<{ published: number | null; split: string; release: string | null; corpus: string }>) {
    if (r.published !== null) assert.ok(r.split === 'val' && r.release !== null && r.corpus === 'affectnet', JSON.stringify(r));
  }
  // The CI unit is stated.
  assert.match(table.legend, /bootstrap over items/);

  // LaTeX keeps every caveat as a table note that survives compilation.
  const tex = toLatex(table);
  const notes = tex.slice(tex.indexOf('\\begin{tablenotes}'), tex.indexOf('\\end{tablenotes}'));
  for (const mark of ['\\textdagger{}', '\\textdaggerdbl{}', '\\S{}']) assert.ok(notes.includes(`\\item ${mark}`), mark);
  assert.ok(notes.includes('Left out replica runs'));
  assert.doesNotMatch(tex, /^% (?!needs)/m, 'no caveat only in a comment');
});

test('the same corpus name with another manifest is another column, and the newest-run note names what was replaced', () => {
  const a = run({ model: 'enet_b2_8', corpus: 'lab', release: 'none', manifest: 'e', corpusClasses: ['anger', 'happiness'], date: d(1) }, 'runs/lab-1.json');
  const b = run({ model: 'enet_b2_8', corpus: 'lab', release: 'none', manifest: 'f', corpusClasses: ['anger', 'happiness'], date: d(2) }, 'runs/lab-2.json');
  const c = run({ model: 'enet_b2_8', corpus: 'lab', release: 'none', manifest: 'f', corpusClasses: ['anger', 'happiness'], date: d(3) }, 'runs/lab-3.json');
  const table = resultsTable([a, b, c]);
  const header = toMarkdown(table).split('\n')[0];
  assert.match(header, /lab \(all-classes\) \[manifest eeeeeeee\]/);
  assert.match(header, /lab \(all-classes\) \[manifest ffffffff\]/);
  assert.ok(table.notes.some((n) => /kept the newest run runs\/lab-3\.json .*ignored runs\/lab-2\.json/.test(n)));
  assert.ok(!table.notes.some((n) => /lab-1\.json/.test(n)), 'a different corpus is never "replaced"');
});
