/**
 * Coverage bars: for each eval run, how many items were scored, skipped (one segment per reason:
 * corrupt image, missing file, no face, ...) and excluded by the protocol's label map (e.g. Contempt
 * under AffectNet-7). A reader sees at once whether two models were scored on the same items.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LoadedRun } from '../results.js';
import { accuracyRuns, anyDemo, runModelLabel, testSetLabel } from './runs.js';
import { figureTitle, fileList, noData, nominalColor, withStyle, type FigureSet } from './style.js';

export interface CoverageBar {
  /** The run, e.g. `enet_b0_8_va_mtl on AffectNet-8`. */
  run: string;
  scored: number;
  skippedByReason: Readonly<Record<string, number>>;
  excludedByReason?: Readonly<Record<string, number>>;
}

/** Segments narrower than this share of the longest bar get no count printed inside (it would not fit). */
const MIN_LABELLED_SHARE = 0.045;

export function coverageSpec(bars: readonly CoverageBar[], options: { demo?: boolean; width?: number } = {}): TopLevelSpec {
  if (bars.length === 0) throw noData('no coverage', 'run `bench eval` (its run record counts scored, skipped and excluded items)');
  const segments = bars.map((b) => [
    { run: b.run, status: 'scored', count: b.scored },
    ...Object.entries(b.skippedByReason).sort().map(([reason, count]) => ({ run: b.run, status: `skipped: ${reason}`, count })),
    ...Object.entries(b.excludedByReason ?? {}).sort().map(([reason, count]) => ({ run: b.run, status: `excluded: ${reason}`, count })),
  ]);
  const statuses = [...new Set(segments.flat().filter((s) => s.count > 0).map((s) => s.status))].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
  const longest = Math.max(1, ...segments.map((row) => row.reduce((sum, s) => sum + s.count, 0)));
  // Right of each bar: the counts a reader looks for, since one-item segments are too thin to see.
  const summaries = bars.map((b) => {
    const skipped = Object.values(b.skippedByReason).reduce((a, c) => a + c, 0);
    const excluded = Object.values(b.excludedByReason ?? {}).reduce((a, c) => a + c, 0);
    const total = b.scored + skipped + excluded;
    return { run: b.run, total, summary: `${b.scored}/${total} scored · ${skipped} skipped${excluded ? ` · ${excluded} excluded` : ''}` };
  });
  // Segment ends are computed here (not by vega's stack) so the count labels sit in their segment.
  const values = segments.flatMap((row) => {
    let start = 0;
    const total = row.reduce((sum, s) => sum + s.count, 0);
    return row
      .filter((s) => s.count > 0)
      .sort((a, b) => statuses.indexOf(a.status) - statuses.indexOf(b.status))
      .map((s) => {
        const v = { ...s, start, end: start + s.count, mid: start + s.count / 2, total, labelled: s.count / longest >= MIN_LABELLED_SHARE, dark: statuses.indexOf(s.status) < statuses.length / 2 };
        start += s.count;
        return v;
      });
  });
  return withStyle({
    title: figureTitle('Coverage: items scored, skipped and excluded', ['Skipped: the item could not be scored (reason in the legend); excluded: left out by the protocol\'s label map.'], options),
    width: options.width ?? 480,
    height: { step: 30 },
    data: { values },
    encoding: { y: { field: 'run', type: 'nominal', sort: bars.map((b) => b.run), title: null } },
    layer: [
      {
        data: { values: summaries },
        mark: { type: 'text', align: 'left', dx: 5, fontSize: 10 },
        encoding: { x: { field: 'total', type: 'quantitative' }, text: { field: 'summary', type: 'nominal' } },
      },
      {
        mark: { type: 'bar', stroke: 'white', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: 'items', scale: { domain: [0, longest * 1.45], nice: false } },
          x2: { field: 'end' },
          color: { field: 'status', type: 'nominal', title: null, scale: nominalColor(statuses), legend: { orient: 'bottom', direction: 'vertical', columns: 2 } },
          tooltip: [{ field: 'run' }, { field: 'status' }, { field: 'count' }],
        },
      },
      {
        transform: [{ filter: 'datum.labelled' }],
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          x: { field: 'mid', type: 'quantitative' },
          text: { field: 'count', type: 'quantitative' },
          // viridis runs dark to light: the first half of the statuses gets white text.
          color: { condition: { test: 'datum.dark', value: 'white' }, value: 'black' },
        },
      },
    ],
  });
}

/** scored, then skips, then exclusions. */
function rank(status: string): number {
  return status === 'scored' ? 0 : status.startsWith('skipped') ? 1 : 2;
}

/** One figure of every non-replica eval run's coverage, in the order of the files. */
export function coverageFigures(runs: readonly LoadedRun[]): FigureSet {
  const { runs: chosen, notes } = accuracyRuns(runs);
  const withCoverage = chosen.filter((r) => r.record.coverage);
  const lacking = chosen.filter((r) => !r.record.coverage).map((r) => r.file);
  if (lacking.length) notes.push(`No coverage in ${fileList(lacking)}.`);
  if (withCoverage.length === 0) throw noData('no non-replica eval run record has coverage', 'run `bench eval` (its run record counts scored, skipped and excluded items)');
  const bars = withCoverage.map(({ record }) => ({
    run: `${runModelLabel(record)} on ${testSetLabel(record)}`,
    scored: record.coverage!.scored,
    skippedByReason: record.coverage!.skippedByReason ?? {},
    excludedByReason: record.coverage!.excluded ?? {},
  }));
  return { figures: [{ name: 'coverage', spec: coverageSpec(bars, { demo: anyDemo(withCoverage) }) }], notes };
}
