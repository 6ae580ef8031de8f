/**
 * `bench store ls|prune` on real stores written by openStore: a model whose weights changed leaves two
 * stores side by side; ls tells them apart (sha, corpus hash, items, complete, date, refs, superseded);
 * prune removes only what no run record references, asks first, and removes nothing without --yes
 * where it cannot ask.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStore } from '../../src/bench/store.js';
import { lastWrittenStoreSync, planPrune, summariseStores } from '../../src/bench/store/list.js';
import { sha256 } from '../../src/util/hash.js';
import { fixtureKey, fixtureRecord } from '../bench/store-fixture.js';
import { runBenchCli } from '../bench/tiny-model.js';
import { tempDir } from '../datasets/tmpdir.js';

async function makeStores(root: string) {
  const baseDir = join(root, 'predictions');
  const runs = join(root, 'runs');
  await mkdir(runs, { recursive: true });
  const write = async (weights: string, n: number, complete: boolean) => {
    const store = await openStore({ key: fixtureKey({ model: { name: 'enet_b0_8_best_vgaf', sha256: sha256(weights), replica: false } }), baseDir, fsync: false });
    await store.append(Array.from({ length: n }, (_, i) => fixtureRecord(i)));
    if (complete) await store.markComplete();
    await store.close();
    return store.dir;
  };
  const old = await write('weights v1', 5, true);
  // Dates are ISO strings with ms: make the second store surely newer.
  await new Promise((r) => setTimeout(r, 5));
  const current = await write('weights v2', 3, false);
  // A run record of the old store, with the path as eval writes it (relative to where it ran).
  await writeFile(join(runs, 'a.json'), JSON.stringify({ kind: 'eval', predictionStore: join('results', 'predictions', old.split('/').pop()!) }));
  await writeFile(join(runs, 'latency.json'), JSON.stringify({ kind: 'latency' }));
  return { baseDir, runs, old, current };
}

test('summariseStores tells two stores of one model name apart; planPrune keeps the referenced one', async () => {
  const root = await tempDir('store-ls');
  const { baseDir, runs, old, current } = await makeStores(root);
  const stores = await summariseStores({ storeDir: baseDir, runs: [runs] });
  assert.equal(stores.length, 2);
  const o = stores.find((s) => s.dir === old)!;
  const c = stores.find((s) => s.dir === current)!;
  assert.equal(o.modelSha256, sha256('weights v1'));
  assert.equal(c.modelSha256, sha256('weights v2'));
  assert.equal(o.manifestSha256, sha256('manifest'));
  assert.deepEqual([o.items, o.complete, c.items, c.complete], [5, true, 3, false]);
  assert.deepEqual(o.referencedBy, [join(runs, 'a.json')]);
  assert.deepEqual(c.referencedBy, []);
  assert.equal(o.supersededBy, c.name, 'the newer store with other weights supersedes the old one');
  assert.equal(c.supersededBy, null);
  assert.ok(o.bytes > 0);
  assert.deepEqual(planPrune(stores).remove.map((s) => s.dir), [current]);
});

test('bench store ls prints both stores; prune without --yes and without a terminal removes nothing; with --yes removes the unreferenced one', async () => {
  const root = await tempDir('store-cli');
  const { baseDir, runs, old, current } = await makeStores(root);
  const common = ['--store-dir', baseDir, '--runs', runs];

  const ls = await runBenchCli(['store', 'ls', ...common]);
  assert.equal(ls.code, 0, ls.stderr);
  const lines = ls.stdout.trim().split('\n');
  assert.match(lines[0], /^store +model sha256 +corpus hash +items +state +date \(UTC\) +refs +note$/);
  const oldLine = lines.find((l) => l.startsWith(old.split('/').pop()!))!;
  assert.match(oldLine, new RegExp(`${sha256('weights v1').slice(0, 12)} +${sha256('manifest').slice(0, 12)} +5 +complete .* 1 +superseded by `));
  assert.match(lines.find((l) => l.startsWith(current.split('/').pop()!))!, / 3 +partial .* 0$/);

  const json = await runBenchCli(['store', 'ls', ...common, '--json']);
  assert.equal((JSON.parse(json.stdout) as { stores: unknown[] }).stores.length, 2);

  // No terminal (the child's stdin is not a TTY) and no --yes: a user error, nothing removed.
  const refused = await runBenchCli(['store', 'prune', ...common, '--json']);
  assert.equal(refused.code, 2);
  assert.match((JSON.parse(refused.stdout) as { error: { fix: string } }).error.fix, /add --yes/);
  assert.ok(existsSync(current));

  const pruned = await runBenchCli(['store', 'prune', ...common, '--yes', '--json']);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.deepEqual((JSON.parse(pruned.stdout) as { removed: string[] }).removed, [current]);
  assert.ok(!existsSync(current));
  assert.ok(existsSync(old), 'a store a run record names is kept');
  assert.deepEqual(await readdir(baseDir), [old.split('/').pop()]);

  const again = await runBenchCli(['store', 'prune', ...common, '--yes']);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /nothing to prune/);
});

test('a run record that is not JSON stops the prune: it cannot tell what that record referenced', async () => {
  const root = await tempDir('store-bad');
  const { baseDir, runs, current } = await makeStores(root);
  await writeFile(join(runs, 'broken.json'), '{"kind": "eval", "predictionStore": ');
  const ran = await runBenchCli(['store', 'prune', '--store-dir', baseDir, '--runs', runs, '--yes']);
  assert.equal(ran.code, 2);
  assert.match(ran.stderr, /broken\.json is not valid JSON, so the stores it references are unknown/);
  assert.ok(existsSync(current));
});

test('lastWrittenStoreSync (what the Ctrl-C of eval reports): the store of that model, corpus and split written last, and its records on disk', async () => {
  const root = await tempDir('store-last');
  const { baseDir, current } = await makeStores(root);
  assert.deepEqual(lastWrittenStoreSync(baseDir, { model: 'enet_b0_8_best_vgaf', corpus: 'affectnet', split: 'val' }), { dir: current, items: 3 });
  assert.equal(lastWrittenStoreSync(baseDir, { model: 'enet_b0_8_best_vgaf', corpus: 'affectnet', split: 'train' }), null);
  assert.equal(lastWrittenStoreSync(join(root, 'nowhere'), { model: 'x', corpus: 'y', split: 'z' }), null);
});
