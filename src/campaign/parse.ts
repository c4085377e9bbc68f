import path from 'node:path';
import { type RunArgs, resolveRunConfig } from '../controller/config.js';
import { FaultlineError, InputError } from '../util/errors.js';
import { CampaignError } from './errors.js';
import { describeMatrix, expandRun, isAxis } from './matrix.js';
import type { RunKey } from './run-keys.js';
import { type Campaign, type CampaignRun, EXPECTATIONS, type Expectation } from './types.js';

export interface ParseOptions {
  /** the file's name, for messages */
  file: string;
  /** the results store every run writes to (the campaign's --store) */
  store: string;
  /** the run option keys (RUN_KEYS) */
  keys: ReadonlyMap<string, RunKey>;
  /** run the whole plan this many times over (`--repeat`); default 1 */
  repeat?: number;
  /** the seed of the first run that does not fix its own (run i gets base + i); default from the clock */
  seedBase?: number;
}

const TOP_KEYS = ['name', 'description', 'defaults', 'runs'];
// set once for the whole campaign on its command line, never per run
const CAMPAIGN_ONLY: Record<string, string> = { store: "the store is the campaign's: use faultline campaign --store" };

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * Parses and validates a campaign file (no I/O): JSON syntax, known keys with the
 * right types, and every run resolved through resolveRunConfig, so a mistake in the
 * last run is reported before the first one starts.
 */
export function parseCampaign(text: string, o: ParseOptions): Campaign {
  const doc = parseJson(text, o.file);
  const fail = (where: string, msg: string, cause?: unknown): never => {
    throw new CampaignError(o.file, where, msg, { cause });
  };
  if (!isObject(doc)) return fail('', 'expected a JSON object {"name", "defaults", "runs"}');
  for (const k of Object.keys(doc)) if (!TOP_KEYS.includes(k)) fail(k, `unknown key; expected ${TOP_KEYS.join(', ')}`);

  const name = doc.name ?? path.basename(o.file).replace(/\.json$/i, '');
  if (typeof name !== 'string' || !/^\w[\w.-]*$/.test(name) || name === 'latest') {
    fail('name', `must start with a letter or digit and hold letters, digits, '.', '_' and '-' only (not 'latest'); got ${JSON.stringify(name)}`);
  }
  if (doc.description !== undefined && typeof doc.description !== 'string') fail('description', 'must be a string');
  const defaults = doc.defaults ?? {};
  if (!isObject(defaults)) return fail('defaults', 'expected an object of run options');
  checkRunKeys(defaults, 'defaults', o, fail);
  if (!Array.isArray(doc.runs) || doc.runs.length === 0) return fail('runs', 'expected a non-empty array of runs');

  const kindOf = (k: string) => o.keys.get(k)?.kind;
  const repeat = o.repeat ?? 1;
  const seedBase = o.seedBase ?? Date.now() % 1_000_000;
  // every run of the file, expanded: [where, options, matrix, expect]
  const points = doc.runs.flatMap((raw, source) => {
    const where = `runs[${source}]`;
    if (!isObject(raw)) return fail(where, 'expected an object of run options');
    checkRunKeys(raw, where, o, fail);
    const { expect = 'valid', ...options } = { ...defaults, ...raw } as Json;
    if (Array.isArray(expect)) fail(`${where}.expect`, 'takes one value, not a list: write the runs that expect differently as runs of their own');
    if (!(EXPECTATIONS as readonly unknown[]).includes(expect))
      fail(`${where}.expect`, `must be one of ${EXPECTATIONS.join(', ')}; got ${JSON.stringify(expect)}`);
    return expandRun(options, kindOf).map((p) => ({
      source,
      where: Object.keys(p.matrix).length ? `${where} (${describeMatrix(p.matrix)})` : where,
      ...p,
      expect: expect as Expectation,
    }));
  });
  const seen = new Map<string, number>();
  const runs: CampaignRun[] = [];
  for (let rep = 1; rep <= repeat; rep++) {
    for (const p of points) {
      const index = runs.length;
      const args: RunArgs = { ...(p.options as RunArgs), store: o.store };
      for (const k of ['nodeOpt', 'sutOpt'] as const) if (typeof p.options[k] === 'string') args[k] = [p.options[k] as string];
      // runs that do not fix their seed get one each, so repetitions differ
      if (args.seed === undefined) args.seed = (seedBase + index) % 1_000_000;
      let config;
      try {
        config = resolveRunConfig(args);
      } catch (err) {
        if (err instanceof FaultlineError && err.exitCode === 254) return fail(p.where, flagsToKeys(err.message), err);
        throw err;
      }
      if (config.testName === name)
        fail(`${p.where}.testName`, `must differ from the campaign's name ${JSON.stringify(name)} (both are directories of the store)`);
      const key = runKey(p.options);
      const occurrence = (seen.get(key) ?? 0) + 1;
      seen.set(key, occurrence);
      runs.push({
        index,
        source: p.source,
        matrix: p.matrix,
        repeat: rep,
        key: occurrence > 1 ? `${key} #${occurrence}` : key,
        args,
        config,
        expect: p.expect,
      });
    }
  }
  return { name: name as string, file: o.file, ...(doc.description ? { description: doc.description as string } : {}), runs };
}

/** Unknown keys and wrong types, before resolveRunConfig sees the values; each element of an axis (a list of values) is checked. */
function checkRunKeys(obj: Json, where: string, o: ParseOptions, fail: (where: string, msg: string) => never): void {
  for (const [k, v] of Object.entries(obj)) {
    const at = `${where}.${k}`;
    if (k === 'expect') continue; // checked after defaults are merged
    if (Object.hasOwn(CAMPAIGN_ONLY, k)) fail(at, CAMPAIGN_ONLY[k]);
    const spec = o.keys.get(k);
    if (!spec) return fail(at, `unknown key; expected one of ${[...o.keys.keys()].filter((x) => !Object.hasOwn(CAMPAIGN_ONLY, x)).join(', ')}, expect`);
    if (isAxis(spec.kind, v)) {
      if (v.length === 0) fail(at, 'an empty list runs nothing: give at least one value');
      v.forEach((x, i) => checkValue(spec.kind, x, `${at}[${i}]`, fail));
    } else checkValue(spec.kind, v, at, fail);
  }
}

function checkValue(kind: RunKey['kind'], v: unknown, at: string, fail: (where: string, msg: string) => never): void {
  if (kind === 'number' && (typeof v !== 'number' || !Number.isFinite(v)))
    fail(at, `must be a number (or a list of numbers, one run each); got ${JSON.stringify(v)}`);
  else if (kind === 'string' && typeof v !== 'string') fail(at, `must be a string (or a list of strings, one run each); got ${JSON.stringify(v)}`);
  else if (kind === 'strings' && typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
    fail(at, `must be a string or an array of strings (or a list of those, one run each: [[], ["k=v"]]); got ${JSON.stringify(v)}`);
  }
}

/** A run's identity across campaigns (compare matches runs by it): its options as written, sorted, the seed left out when drawn. */
function runKey(options: Json): string {
  return Object.keys(options)
    .sort()
    .map((k) => `${k}=${JSON.stringify(options[k])}`)
    .join(' ');
}

/** resolveRunConfig speaks in flags (`--time-limit`); a campaign file in keys (`timeLimit`). */
export function flagsToKeys(message: string): string {
  return message.replace(/--([a-z][a-z-]*)/g, (_, flag: string) => flag.replace(/-([a-z])/g, (__, c: string) => c.toUpperCase()));
}

/** JSON.parse with the error's line (V8 reports a position or, newer, a line and column). */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const lc = /line (\d+) column/.exec(msg);
    const pos = /position (\d+)/.exec(msg);
    const line = lc ? Number(lc[1]) : pos ? text.slice(0, Number(pos[1])).split('\n').length : text.trim() === '' ? 1 : 0;
    if (line > 0) throw new InputError(file, line, `not valid JSON (${msg})`, { cause: err });
    throw new CampaignError(file, '', `not valid JSON (${msg})`, { cause: err });
  }
}
