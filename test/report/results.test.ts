import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BenchError } from '../../src/errors.js';
import { latencyRows, latencySamples, loadRunRecords, resultRows, runProtocol, selectNewest } from '../../src/report/results.js';
import { evalRecord, fixtureRuns, latencyRecord } from './fixtures.js';

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fer-report-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('loadRunRecords reads the *.json files of a directory in name order, and single files', async () => {
  await withDir(async (dir) => {
    const runs = fixtureRuns();
    await writeFile(join(dir, 'b.json'), JSON.stringify(runs[1].record));
    await writeFile(join(dir, 'a.json'), JSON.stringify(runs[6].record));
    await writeFile(join(dir, 'notes.txt'), 'not a record');
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'c.json'), '{}');
    const loaded = await loadRunRecords(dir);
    assert.deepEqual(
      loaded.map((r) => [r.file, r.record.kind]),
      [
        [join(dir, 'a.json'), 'latency'],
        [join(dir, 'b.json'), 'eval'],
      ],
    );
    assert.deepEqual(loaded[1].record, runs[1].record);
    const single = await loadRunRecords([join(dir, 'b.json')]);
    assert.equal(single.length, 1);
  });
});

test('a file that is not a run record is a BenchError naming the file and the field', async () => {
  await withDir(async (dir) => {
    const bad = evalRecord({ model: 'm', corpus: 'affectnet', protocol: '8-class', date: '2024-01-01T00:00:00Z', metrics: { accuracy: [0.5] } }) as unknown as Record<string, unknown>;
    delete bad.metrics;
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify(bad));
    await assert.rejects(loadRunRecords(dir), (e: unknown) => {
      assert.ok(e instanceof BenchError);
      assert.equal(e.code, 'BAD_INPUT');
      assert.equal(e.file, file);
      assert.match(e.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not a run record \\(metrics: `));
      return true;
    });
    await writeFile(file, '{"schemaVersion": 1,');
    await assert.rejects(loadRunRecords(file), (e: unknown) => e instanceof BenchError && e.file === file && e.message === `${file} is not valid JSON, so it is not a run record`);
  });
});

test('a missing run directory says where it looked and how to make records', async () => {
  await assert.rejects(loadRunRecords('/nonexistent/runs'), (e: unknown) => {
    assert.ok(e instanceof BenchError);
    assert.equal(e.message, 'no run records at /nonexistent/runs: no such file or directory');
    assert.match(e.fix ?? '', /bench eval --model NAME/);
    return true;
  });
});

test('selectNewest keeps the newest run of each setup by date, ties to the later file name, and says so', () => {
  const rec = (date: string) => evalRecord({ model: 'm', corpus: 'afew', protocol: 'default', date, metrics: { accuracy: [0.5] } });
  const runs = [
    { file: 'x/3.json', record: rec('2024-02-01T00:00:00Z') },
    { file: 'x/1.json', record: rec('2024-05-01T00:00:00+02:00') },
    { file: 'x/2.json', record: rec('2024-04-30T22:00:00Z') },
    { file: 'x/other.json', record: evalRecord({ model: 'm', corpus: 'afew', protocol: 'complete', date: '2020-01-01T00:00:00Z', metrics: { accuracy: [0.4] } }) },
    { file: 'x/lat.json', record: latencyRecord({ model: 'm', date: '2020-01-01T00:00:00Z', p50: 1 }) },
    { file: 'x/lat-b8.json', record: latencyRecord({ model: 'm', date: '2020-01-01T00:00:00Z', p50: 1, batch: 8 }) },
  ];
  const { runs: kept, notes } = selectNewest(runs);
  // 1.json and 2.json are the same instant; the later file name wins.
  assert.deepEqual(
    kept.map((r) => r.file),
    ['x/2.json', 'x/other.json', 'x/lat.json', 'x/lat-b8.json'],
  );
  assert.deepEqual(notes, [
    'm on afew/val (default): kept the newest run x/2.json (2024-04-30T22:00:00Z); ignored x/1.json (2024-05-01T00:00:00+02:00), x/3.json (2024-02-01T00:00:00Z).',
  ]);
});

test('resultRows: one row per metric, published on the record scale, protocol defaults to "default"', () => {
  const rows = resultRows(fixtureRuns().slice(1, 3));
  assert.deepEqual(rows[0], {
    model: 'enet_b0_8_va_mtl',
    corpus: 'affectnet',
    split: 'val',
    release: 'official',
    manifestSha256: '0'.repeat(64),
    protocol: '8-class',
    metric: 'accuracy',
    value: 0.6193,
    ciLow: 0.604,
    ciHigh: 0.634,
    ciLevel: 0.95,
    ciUnit: 'item',
    published: 0.6193,
    publishedSource: 'HSEmotion README',
    diff: 0,
    resize: null,
    publishedResize: null,
    countedWrong: [],
    absentFromCorpus: [],
    n: 4000,
    replica: false,
    demo: false,
    runFile: 'runs/a-affectnet.json',
    date: '2024-03-01T00:00:00.000Z',
  });
  assert.deepEqual(
    rows.map((r) => [r.metric, r.published, r.diff]),
    [
      ['accuracy', 0.6193, 0],
      ['macro_f1', null, null],
      ['accuracy', 0.5673, -0.0152],
    ],
  );
  const legacy = evalRecord({ model: 'm', corpus: 'afew', protocol: 'x', date: '2024-01-01T00:00:00Z', metrics: { uar: [0.5] } }) as { protocol?: string };
  delete legacy.protocol;
  assert.equal(runProtocol(legacy as never), 'default');
});

test('latencyRows and latencySamples read latency runs only', () => {
  const runs = [
    ...fixtureRuns(),
    { file: 'runs/s.json', record: { ...latencyRecord({ model: 'mbf_va_mtl', date: '2024-01-01T00:00:00Z', p50: 2, samplesMs: [1, 2, 3] }) } },
  ];
  assert.deepEqual(
    latencyRows(runs).map((r) => [r.model, r.replica, r.valid, r.published]),
    [
      ['enet_b0_8_va_mtl', false, true, 60],
      ['enet_b2_8', true, false, null],
      ['mbf_va_mtl', false, true, null],
    ],
  );
  assert.deepEqual(latencySamples(runs), [{ label: 'mbf_va_mtl · onnxruntime-node 1.30.0 cpu b1', samplesMs: [1, 2, 3] }]);
});
