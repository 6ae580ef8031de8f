/**
 * Labels as a corpus spells them (folder names, CSV values like `Happy`, `3`, `ANG`) onto canonical class
 * names. A user label map states the corpus's own coding (`{"0": "anger", "1": "disgust", ...}` for
 * FER-2013); anything it does not mention goes through the canonical synonyms (`toEmotion`). A map value
 * of `null` excludes that label (counted as `excluded-label`).
 */
import { BenchError } from '../errors.js';
import { EMOTIONS, GROUP_VALENCE, toEmotion, type ClassName } from './emotions.js';
import { suggestion } from '../util/did-you-mean.js';

/** Corpus label → canonical class, or null to exclude the label. */
export type SourceLabelMap = Readonly<Record<string, ClassName | null>>;

/** `ClassName` for a canonical or synonym spelling, `group:<valence>` included; undefined otherwise. */
export function toClassName(name: string): ClassName | undefined {
  const e = toEmotion(name);
  if (e) return e;
  const g = /^group:(.+)$/i.exec(name.trim());
  const v = g?.[1].toLowerCase();
  return v && (GROUP_VALENCE as readonly string[]).includes(v) ? (`group:${v}` as ClassName) : undefined;
}

/**
 * The canonical class for a corpus label: the user map (exact key, then case-insensitive), then the
 * synonyms. `null` = excluded by the map; `undefined` = unknown.
 */
export function resolveSourceLabel(raw: string, map?: SourceLabelMap): ClassName | null | undefined {
  if (map) {
    if (Object.hasOwn(map, raw)) return map[raw];
    const t = raw.trim();
    if (Object.hasOwn(map, t)) return map[t];
    const lower = t.toLowerCase();
    for (const k of Object.keys(map)) if (k.trim().toLowerCase() === lower) return map[k];
  }
  return toClassName(raw);
}

export type RowLabel = { ok: true; label: ClassName } | { ok: false; reason: 'unknown-label' | 'excluded-label'; detail: string };

/**
 * A manifest row's label (CSV and video manifests): through the map and the synonyms, within the declared
 * classes when there are some. Records how the label was read in `seen` (the corpus's `sourceLabels`).
 */
export function rowLabel(raw: string, map: SourceLabelMap | undefined, declared: ReadonlySet<ClassName> | undefined, seen: Record<string, ClassName | null>): RowLabel {
  const resolved = resolveSourceLabel(raw, map);
  if (resolved === undefined || (resolved !== null && declared && !declared.has(resolved))) {
    const detail = resolved === undefined ? `label '${raw}' is not in the label map or the emotion vocabulary` : `label '${raw}' (${resolved}) is not in the declared classes`;
    return { ok: false, reason: 'unknown-label', detail };
  }
  setOwn(seen, raw, resolved);
  if (resolved === null) return { ok: false, reason: 'excluded-label', detail: `label '${raw}' is excluded by the label map` };
  return { ok: true, label: resolved };
}

const KNOWN_NAMES: readonly string[] = [...EMOTIONS, ...GROUP_VALENCE.map((g) => `group:${g}`)];

/**
 * Parses a user label map: a JSON object (`{"0": "anger", "Suprise": "surprise", "calm": null}`) or the
 * command-line form `0=anger,Suprise=surprise,calm=drop`. Values may be canonical names or synonyms;
 * `null`, `drop` or an empty value exclude the label. Throws BAD_INPUT naming the bad entry (and `file`,
 * the JSON file the spec was read from, when there is one).
 */
export function parseSourceLabelMap(spec: string | Record<string, unknown>, file?: string): Record<string, ClassName | null> {
  let entries: Array<[string, unknown]>;
  if (typeof spec === 'string') {
    const t = spec.trim();
    if (t.startsWith('{')) {
      let obj: unknown;
      try {
        obj = JSON.parse(t);
      } catch (e) {
        throw new BenchError('BAD_INPUT', `label map is not valid JSON: ${(e as Error).message}`, {
          file,
          fix: 'write the label map as {"corpus label": "emotion", ...} or as label=emotion,label=emotion',
        });
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
        throw new BenchError('BAD_INPUT', 'label map JSON must be an object', {
          file,
          fix: 'write the label map as {"corpus label": "emotion", ...}',
        });
      }
      entries = Object.entries(obj);
    } else {
      entries = t
        .split(',')
        .filter((s) => s.trim() !== '')
        .map((pair) => {
          const eq = pair.lastIndexOf('=');
          if (eq < 0) {
            throw new BenchError('BAD_INPUT', `label map entry '${pair}' has no '='`, {
              file,
              fix: 'write each entry as <corpus label>=<emotion>, e.g. 0=anger,1=disgust',
            });
          }
          return [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
        });
    }
  } else {
    entries = Object.entries(spec);
  }
  const out: Record<string, ClassName | null> = {};
  for (const [key, value] of entries) {
    if (value === null || value === '' || (typeof value === 'string' && value.trim().toLowerCase() === 'drop')) {
      setOwn(out, key, null);
      continue;
    }
    const c = typeof value === 'string' ? toClassName(value) : undefined;
    if (!c) {
      throw new BenchError('BAD_INPUT', `label map entry '${key}' → '${describeValue(value)}' is not a known class.${suggestion(describeValue(value), KNOWN_NAMES)}`, {
        file,
        fix: `use one of: ${KNOWN_NAMES.join(', ')} (or null/drop to exclude the label)`,
      });
    }
    setOwn(out, key, c);
  }
  return out;
}

/** A JSON value as the user wrote it (`String({})` would say "[object Object]"). */
function describeValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
}

/**
 * `obj[key] = value` as an own property for every key: a corpus label may be spelt `__proto__`, which plain
 * assignment would turn into a prototype change (and lose the entry).
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Canonical order: the EMOTIONS vocabulary order, then group classes; duplicates removed. */
export function canonicalOrder(classes: Iterable<ClassName>): ClassName[] {
  return [...new Set(classes)].sort((a, b) => KNOWN_NAMES.indexOf(a) - KNOWN_NAMES.indexOf(b));
}
