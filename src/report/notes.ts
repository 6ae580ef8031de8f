/** Sentences shared by every table's notes, so the eval and latency tables say the same thing the same way. */

export const DEMO_NOTE =
  '(demo) rows come from demo runs (generated corpus or bundled models): they check the pipeline and are not results.';

export const REPLICA_LATENCY_NOTE =
  '(replica) rows time a random-weight copy of the architecture: same graph and cost, latency only.';

/** `<lead>: A; B.` for the distinct published sources, or null when there are none. */
export function sourcesNote(rows: ReadonlyArray<{ publishedSource: string | null }>, lead = 'Published values'): string | null {
  const sources = [...new Set(rows.map((r) => r.publishedSource).filter((s): s is string => s !== null))].sort();
  return sources.length ? `${lead}: ${sources.join('; ')}.` : null;
}

/** Distinct values in first-seen order, joined for a note. */
export function listFiles(files: readonly string[]): string {
  return [...new Set(files)].join(', ');
}
