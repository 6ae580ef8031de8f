/** The human-readable report of an evaluation: coverage, metrics with CIs next to published values, confusion matrix. */
import type { EvalRunRecord } from '../bench/evaluate.js';
import { resizeKernelOf, type TrainedHeadRecord } from '../bench/records.js';
import { formatDiff, formatMetric, metricKey, publishedToRecordScale } from '../report/format.js';

const HEADLINE = ['accuracy', 'macroF1', 'weightedF1', 'uar', 'top2Accuracy', 'top3Accuracy', 'complete_accuracy', 'complete_uar'];
const REGRESSION = ['valence_ccc', 'valence_pearson', 'valence_rmse', 'valence_sagr', 'arousal_ccc', 'arousal_pearson', 'arousal_rmse', 'arousal_sagr'];

export function formatEvalReport(r: EvalRunRecord, file: string | null): string {
  const p = r.provenance;
  const lines: string[] = [];
  lines.push(`${p.model.name} on ${p.dataset?.corpus}/${p.dataset?.split} (protocol ${r.protocol})${r.demo ? '  [DEMO: generated corpus — not a model accuracy]' : ''}`);
  lines.push(`  engine    ${p.engine.engine} ${p.engine.version} (${p.engine.backend}), batch ${p.batchSize}`);
  const d = p.dataset;
  if (d) {
    const release = d.release ? `release ${d.release}` : 'release unknown, so no published value applies';
    lines.push(`  corpus    ${d.layout ? `layout ${d.layout}, ` : ''}${release}, manifest ${d.manifestSha256.slice(0, 12)}`);
  }
  const c = r.coverage!;
  const skips = Object.entries(c.skippedByReason).map(([k, v]) => `${k} ${v}`).join(', ');
  const excl = Object.entries(c.excluded ?? {}).map(([k, v]) => `${k} ${v}`).join(', ');
  lines.push(`  coverage  ${c.scored} scored of ${c.total} items; skipped ${c.skipped}${skips ? ` (${skips})` : ''}${excl ? `; excluded by protocol: ${excl}` : ''}`);
  if (c.clips && c.frames) {
    const rest = r.head?.noFace === 'zero-vector' ? 'the rest predicted from the zero descriptor, unreadable ones counted wrong' : 'the rest counted wrong';
    lines.push(
      `  clips     ${c.clips.scored} of ${c.clips.evaluated} evaluated clips had a face (accuracy, F1, UAR: that subset; complete_*: all ${c.clips.evaluated}, ${rest}); ${c.frames.withFace} of ${c.frames.sampled} sampled frames had a face`,
    );
  }
  if (r.head) lines.push(...headLines(r.head, d?.corpus));
  for (const dim of ['valence', 'arousal'] as const) {
    const v = c.va?.[dim];
    const out = Object.entries(v?.excluded ?? {}).map(([k, n]) => `${k} ${n}`).join(', ');
    if (v && out) lines.push(`  ${dim.padEnd(9)} ${v.scored} items in the CCC; left out: ${out}`);
  }
  lines.push(...labelMapWarnings(r));
  lines.push('');
  const metrics = r.metrics ?? {};
  const level = Object.values(metrics).find((m) => m.ci)?.ci?.level;
  // As wide as the longest name shown (complete_accuracy is 17), so the columns stay aligned.
  const nameWidth = Math.max(16, ...[...HEADLINE, ...REGRESSION].filter((n) => metrics[n]).map((n) => n.length));
  lines.push(`  ${'metric'.padEnd(nameWidth)}   value   ${level ? `${Math.round(level * 100)}% CI`.padEnd(18) : ''}published   Δ`);
  for (const name of [...HEADLINE, ...REGRESSION]) {
    const m = metrics[name];
    if (!m) continue;
    // One unit per quantity, as in `score` and `table`: rates in percent with 1 decimal, CCC and the like raw.
    const fmt = (v: number) => formatMetric(name, v);
    const ci = m.ci ? `[${fmt(m.ci.low)}, ${fmt(m.ci.high)}]` : '';
    const pub = r.published?.find((x) => metricKey(x.metric) === metricKey(name));
    const pubValue = pub ? publishedToRecordScale(name, pub.value) : undefined;
    const pubText = pubValue !== undefined ? fmt(pubValue).padStart(9) : '';
    const diff = pubValue !== undefined ? formatDiff(name, m.value - pubValue) : '';
    lines.push(`  ${name.padEnd(nameWidth)} ${fmt(m.value).padStart(7)}   ${ci.padEnd(18)}${pubText}   ${diff}`.trimEnd());
  }
  if (r.published?.length) lines.push(`  published: ${[...new Set(r.published.map((x) => x.source))].join('; ')}`);
  lines.push('');
  lines.push('  confusion (rows: true, columns: predicted)');
  const classes = r.classes ?? [];
  // Full class names as column headers: each column as wide as its name (a truncated `happin` reads badly in a paper draft).
  const w = Math.max(6, ...classes.map((k) => k.length)) + 1;
  const cols = classes.map((k) => Math.max(k.length, ...(r.confusion ?? []).map((row) => String(row[classes.indexOf(k)]).length)) + 2);
  lines.push('  ' + ''.padEnd(w) + classes.map((k, j) => k.padStart(cols[j])).join(''));
  (r.confusion ?? []).forEach((row, i) => lines.push('  ' + classes[i].padEnd(w) + row.map((v, j) => String(v).padStart(cols[j])).join('')));
  if (r.itemLatency) lines.push('', `  engine time per item: p50 ${r.itemLatency.p50Ms.toFixed(2)} ms, p90 ${r.itemLatency.p90Ms.toFixed(2)} ms (use \`bench --model\` for a latency benchmark)`);
  lines.push('', `  predictions ${r.predictionStore}`);
  if (r.skipLog && c.skipped > 0) lines.push(`  skip log    ${r.skipLog}`);
  if (file) lines.push(`  record      ${file}`);
  return lines.join('\n');
}

/** What the label map did that a reader must know: classes counted wrong, classes absent from the corpus, another pipeline. */
function labelMapWarnings(r: EvalRunRecord): string[] {
  const map = (r.labelMap ?? {}) as { countedWrong?: string[]; absentFromCorpus?: string[] };
  const out: string[] = [];
  if (map.countedWrong?.length) out.push(`  warning   the model has no ${map.countedWrong.join(', ')}: those items are counted wrong (protocol ${r.protocol})`);
  if (map.absentFromCorpus?.length) {
    out.push(`  warning   absent from the corpus (no items, no recall; still in the prediction space): ${map.absentFromCorpus.join(', ')}`);
  }
  const resize = resizeKernelOf(r.provenance.preprocessing);
  const pub = r.published?.find((p) => p.resize !== undefined && p.resize !== resize);
  if (pub && resize) out.push(`  warning   resize ${resize} differs from the published pipeline (${pub.resize}): Δ mixes model and pipeline`);
  return out;
}

/** What a reader must know of a head trained here: what it is, what it was trained on, that it is not the authors'. */
export function headLines(h: TrainedHeadRecord, testCorpus: string | undefined): string[] {
  const what = `${h.name.replace(/\((.*)\)$/, ' $1').replace(/,/g, '')}, ${h.seed === null ? 'no seed (deterministic)' : `seed ${h.seed}`}, sha ${h.trainingSetSha256.slice(0, 12)}`;
  const out = [`  head      trained here on ${h.trainCorpora.join(' + ')} ${h.trainSplit} (${what}; ${h.trainingClips} clips with a face, descriptor ${h.descriptor}): not the authors' head`];
  if (h.testCorpusInTraining) out.push(`  note      ${testCorpus ?? 'the scored corpus'} is in the head's training set (its ${h.trainSplit} split): a within-corpus result, not cross-corpus`);
  if (!h.publishedSetup) out.push("  note      not trained as the authors' head was (backbone, corpus, split, descriptor or C differ): no published value applies");
  return out;
}
