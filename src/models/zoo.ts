/**
 * The model zoo: `models/zoo.json` (one card per published model) validated with the card schema,
 * optionally merged with a user zoo file (env `FER_BENCH_ZOO` or an option), and looked up by name
 * with "did you mean". Adding a model is adding a card to a user zoo; no code changes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError } from '../errors.js';
import { PUBLISHED_DEFAULTS, publishedApplies } from './published.js';
import { suggestion } from '../util/did-you-mean.js';
import { HeadRef, Heads, InputSpec, ModelCard, PublishedResult, WeightsFile, Zoo } from './card.js';

/** Environment variable naming a user zoo file merged over the default one. */
export const ZOO_ENV = 'FER_BENCH_ZOO';

export interface ZooOptions {
  /** The base manifest. Default: the package's `models/zoo.json`. */
  path?: string;
  /**
   * A user zoo merged over the base: a card with a known name replaces it, a new name is appended.
   * Default: `process.env.FER_BENCH_ZOO` when set; `false` for none.
   */
  userZoo?: string | false;
}

let rootCache: string | undefined;

/**
 * The package root (the folder holding `models/zoo.json`). Found by walking up from this module, so it
 * works from `src/models` (tsx) and from `dist/models` (built) alike.
 */
export function packageRoot(): string {
  if (rootCache) return rootCache;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'models', 'zoo.json')) && existsSync(join(dir, 'package.json'))) return (rootCache = dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`fer-bench: cannot find models/zoo.json above ${fileURLToPath(import.meta.url)}; the package is incomplete`);
}

/** The package's `models/` folder: the manifest, and where users may drop weight files. */
export function packageModelsDir(): string {
  return join(packageRoot(), 'models');
}

export function defaultZooPath(): string {
  return join(packageModelsDir(), 'zoo.json');
}

/** Reads and validates one zoo file; every problem names the file, the card and the field. */
export function readZooFile(path: string): Zoo {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BenchError('BAD_MANIFEST', `cannot read zoo file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file: path,
      fix: `check the path (set by --zoo or ${ZOO_ENV})`,
      cause: e,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BenchError('BAD_MANIFEST', `zoo file is not valid JSON: ${(e as Error).message}`, { file: path, fix: 'fix the JSON syntax', cause: e });
  }
  const parsed = Zoo.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BenchError('BAD_MANIFEST', `${describePath(raw, issue.path)}: ${issue.message}`, {
      file: path,
      fix: 'fix that field (models/README.md explains every field of a card)',
    });
  }
  checkUnknownFields(raw as { models: unknown[] }, path);
  const seen = new Set<string>();
  parsed.data.models.forEach((card, i) => {
    if (seen.has(card.name)) {
      throw new BenchError('BAD_MANIFEST', `models[${i}] (${card.name}): the name is used twice in this file`, { file: path, fix: 'give every card a unique name' });
    }
    seen.add(card.name);
    checkCard(card, `models[${i}] (${card.name})`, path);
  });
  return parsed.data;
}

/** "models[3] (enet_b2_8) field input.size" from a zod issue path. */
function describePath(raw: unknown, path: readonly PropertyKey[]): string {
  if (path[0] !== 'models' || typeof path[1] !== 'number') return path.length ? `field ${path.map(String).join('.')}` : 'the file';
  const card = (raw as { models: Array<{ name?: unknown }> }).models[path[1]];
  const name = card && typeof card.name === 'string' ? ` (${card.name})` : '';
  const field = path.slice(2).map(String).join('.');
  return `models[${path[1]}]${name}${field ? ` field ${field}` : ''}`;
}

const CARD_FIELDS = Object.keys(ModelCard.shape);
const HEAD_FIELDS = [...Object.keys(HeadRef.shape), 'kind'];
/** Known keys of the card's nested objects, by field name. */
const NESTED_FIELDS: Record<string, string[]> = {
  weights: Object.keys(WeightsFile.shape),
  input: Object.keys(InputSpec.shape),
  heads: Object.keys(Heads.shape),
};

/** zod drops unknown keys silently; a misspelt field ("sha265") must not vanish. */
function checkUnknownFields(raw: { models: unknown[] }, file: string): void {
  raw.models.forEach((card, i) => {
    const where = `models[${i}] (${(card as { name?: string }).name})`;
    const check = (obj: unknown, known: string[], prefix: string) => {
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return;
      for (const key of Object.keys(obj)) {
        if (known.includes(key)) continue;
        throw new BenchError('BAD_MANIFEST', `${where} has an unknown field "${prefix}${key}".${suggestion(key, known)}`, {
          file,
          fix: `${prefix ? `fields of ${prefix.slice(0, -1)}` : 'card fields'} are: ${known.join(', ')}`,
        });
      }
    };
    const c = card as Record<string, unknown>;
    check(c, CARD_FIELDS, '');
    for (const [field, known] of Object.entries(NESTED_FIELDS)) check(c[field], known, `${field}.`);
    for (const head of Object.keys(Heads.shape)) check((c.heads as Record<string, unknown> | undefined)?.[head], HEAD_FIELDS, `heads.${head}.`);
    if (Array.isArray(c.published)) c.published.forEach((p, j) => check(p, Object.keys(PublishedResult.shape), `published[${j}].`));
  });
}

/** Rules the schema cannot state on its own. */
function checkCard(card: ModelCard, where: string, file: string): void {
  const fail = (message: string, fix: string) => {
    throw new BenchError('BAD_MANIFEST', `${where}: ${message}`, { file, fix });
  };
  if (new Set(card.classes).size !== card.classes.length) fail('classes lists a class twice', 'list each class once, in output order');
  const { length } = card.heads.expression;
  if (length !== undefined && length !== card.classes.length) {
    fail(`heads.expression.length is ${length} but classes lists ${card.classes.length}`, 'make them agree');
  }
  if (card.weights.format === 'torch-pt' && !card.exportHint) {
    fail('a torch-pt model needs an exportHint (neither engine runs .pt files)', 'say how to export it to ONNX in exportHint');
  }
}

/** Loads the base zoo and merges the user zoo over it (see `ZooOptions`). */
export function loadZoo(options: ZooOptions | string = {}): Zoo {
  const opts = typeof options === 'string' ? { path: options } : options;
  const base = readZooFile(resolve(opts.path ?? defaultZooPath()));
  const userPath = opts.userZoo === undefined ? process.env[ZOO_ENV] || undefined : opts.userZoo || undefined;
  if (!userPath) return base;
  return mergeZoos(base, readZooFile(resolve(userPath)));
}

/** Cards of `over` replace same-named cards of `base` in place; new names are appended. */
export function mergeZoos(base: Zoo, over: Zoo): Zoo {
  const models = [...base.models];
  for (const card of over.models) {
    const i = models.findIndex((m) => m.name === card.name);
    if (i >= 0) models[i] = card;
    else models.push(card);
  }
  return { schemaVersion: 1, models };
}

let cached: { key: string; zoo: Zoo } | undefined;

/** The default zoo (package manifest + `FER_BENCH_ZOO`), loaded once per value of the env variable. */
export function defaultZoo(): Zoo {
  const key = process.env[ZOO_ENV] ?? '';
  if (cached?.key !== key) cached = { key, zoo: loadZoo() };
  return cached.zoo;
}

export function listModels(zoo: Zoo = defaultZoo()): ModelCard[] {
  return zoo.models;
}

/** The card named `name`, or an UNKNOWN_MODEL error with the closest names. */
export function getModel(name: string, zoo: Zoo = defaultZoo()): ModelCard {
  const card = zoo.models.find((m) => m.name === name);
  if (card) return card;
  const names = zoo.models.map((m) => m.name);
  throw new BenchError('UNKNOWN_MODEL', `unknown model "${name}".${suggestion(name, names)}`, {
    fix: `run \`bench models\` for the list, or add a card in a user zoo file (${ZOO_ENV}, see models/README.md)`,
  });
}

/**
 * The headline published value for (corpus, protocol, metric) on the validation split of the official
 * release (or the given split/release): the first matching entry, by the rule of src/bench/published.ts.
 * Cards list the authors' headline (README) number first and later re-evaluations after it.
 */
export function headlineResult(
  card: ModelCard,
  corpus: string,
  protocol: string,
  metric: PublishedResult['metric'],
  where: { split?: string; release?: string } = {},
): PublishedResult | undefined {
  const run = { corpus, protocol, split: where.split ?? PUBLISHED_DEFAULTS.split, release: where.release ?? PUBLISHED_DEFAULTS.release };
  return card.published.find((p) => p.metric === metric && p.protocol === protocol && publishedApplies(p, run));
}
