import { distance } from 'fastest-levenshtein';

/**
 * Names from `known` close to `name`: prefix or substring matches first, then small edit distances.
 * Used for every "unknown X" error (models, datasets, devices).
 */
export function didYouMean(name: string, known: readonly string[], max = 3): string[] {
  const needle = name.toLowerCase();
  const scored = known.map((k) => {
    const hay = k.toLowerCase();
    const containment = hay.startsWith(needle) || hay.includes(needle) || needle.includes(hay) ? 0 : 1;
    return { k, containment, d: distance(needle, hay) };
  });
  const limit = Math.max(2, Math.ceil(needle.length / 3));
  return scored
    .filter((s) => s.containment === 0 || s.d <= limit)
    .sort((a, b) => a.containment - b.containment || a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, max)
    .map((s) => s.k);
}

/** " Did you mean: a, b?" or "" when nothing is close. */
export function suggestion(name: string, known: readonly string[]): string {
  const close = didYouMean(name, known);
  return close.length ? ` Did you mean: ${close.join(', ')}?` : '';
}
