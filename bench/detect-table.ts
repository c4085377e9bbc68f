import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RUN_KEYS } from '../src/campaign/run-keys.js';
import type { CampaignRun } from '../src/campaign/types.js';
import { NODE_FILES, RUN_FILES } from '../src/store/layout.js';

/** One run of the detection bench, as its results and history tell it. */
export interface DetectRun {
  testName: string;
  seed: number;
  verdict: 'valid' | 'invalid' | 'unknown' | 'error';
  /** the checkers that found the history invalid */
  caughtBy: string[];
  /** seconds from the first client op to the earliest first anomaly any checker reports */
  firstAnomalyS: number | null;
  dir: string;
  /** the planted bugs whose code path some node took (its log's `planted-bug` events) */
  bugPaths: string[];
}

/**
 * The planted bugs whose node logs a `planted-bug` event when the bug changes what the
 * node does (systems/exchange/replica/replica.ts). The others act on every request
 * (read modes, acks, persistence) or on every election, so their path is always taken.
 */
export const TRACED_BUGS = ['on-conflict=keep', 'snapshot-install=always', 'commit-rule=any-term', 'sessions=off'];

/** the bugs named by `planted-bug` events in the run's node logs */
function bugPathsOf(dir: string): string[] {
  const nodes = path.join(dir, RUN_FILES.nodes);
  if (!existsSync(nodes)) return [];
  const bugs = new Set<string>();
  for (const id of readdirSync(nodes)) {
    const log = path.join(nodes, id, NODE_FILES.log);
    if (!existsSync(log)) continue;
    for (const m of readFileSync(log, 'utf8').matchAll(/"event":"planted-bug","bug":"([^"]+)"/g)) bugs.add(m[1]);
  }
  return [...bugs].sort();
}

/** a campaign run's options as `faultline run` flags (but the store and seed, which the bench sets) */
export function runFlags(args: CampaignRun['args']): string[] {
  const flags: string[] = [];
  for (const [k, v] of Object.entries(args)) {
    const key = RUN_KEYS.get(k);
    if (!key || v === undefined || k === 'store' || k === 'seed') continue;
    for (const x of Array.isArray(v) ? v : [v]) flags.push(`--${key.flag}`, String(x));
  }
  return flags;
}

/** the time (ns) of the history's first client event */
function firstClientNs(history: string): number {
  for (const line of history.split('\n', 2000)) {
    if (!line) continue;
    const op = JSON.parse(line) as { process: unknown; time: number };
    if (typeof op.process === 'number') return op.time;
  }
  return 0;
}

export function summarizeRun(row: CampaignRun, seed: number, code: number | null, dir: string): DetectRun {
  const run: DetectRun = { testName: row.config.testName, seed, verdict: 'error', caughtBy: [], firstAnomalyS: null, dir, bugPaths: bugPathsOf(dir) };
  const file = path.join(dir, RUN_FILES.results);
  if (code === 255 || !existsSync(file)) return run;
  const results = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { valid: unknown };
  run.verdict = results.valid === true ? 'valid' : results.valid === false ? 'invalid' : 'unknown';
  let first = Infinity;
  for (const [name, r] of Object.entries(results)) {
    const c = r as { valid?: unknown; firstAnomalyNs?: number } | null;
    if (name === 'run' || c === null || typeof c !== 'object' || c.valid !== false) continue;
    run.caughtBy.push(name);
    if (typeof c.firstAnomalyNs === 'number') first = Math.min(first, c.firstAnomalyNs);
  }
  if (first < Infinity) {
    const t0 = firstClientNs(readFileSync(path.join(dir, RUN_FILES.history), 'utf8'));
    run.firstAnomalyS = Math.round((first - t0) / 1e8) / 10;
  }
  return run;
}

/** what one bench wrote (bench/detect.ts, after each run) */
export interface DetectFile {
  seedBase: number;
  /** the checkout's commit, when the bench could read it */
  commit?: string | null;
  results: DetectRun[];
}

/**
 * The runs of several bench files as one: the same row and seed measured twice is an
 * error (a table would count it twice). The commits are returned so the table can
 * say what code it measured.
 */
export function mergeDetectFiles(files: readonly { name: string; data: DetectFile }[]): { runs: DetectRun[]; commits: string[] } {
  const seen = new Map<string, string>();
  const runs: DetectRun[] = [];
  for (const { name, data } of files) {
    for (const r of data.results) {
      const key = `${r.testName} seed ${r.seed}`;
      const other = seen.get(key);
      if (other !== undefined) throw new Error(`${name}: ${key} was measured in ${other} too`);
      seen.set(key, name);
      runs.push(r);
    }
  }
  const commits = [...new Set(files.map((f) => f.data.commit ?? 'unknown'))];
  return { runs, commits };
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** the markdown table: a row per campaign run (bug or safe node), its detection rate or its false alarms */
export function detectionTable(rows: readonly CampaignRun[], runs: readonly DetectRun[]): string {
  const lines = [
    '| bug (node options) | workload | runs | bug path taken | caught | median s to first anomaly | caught by | errors |',
    '|---|---|---:|---:|---:|---:|---|---:|',
  ];
  for (const row of rows) {
    const mine = runs.filter((r) => r.testName === row.config.testName);
    const opts = Object.entries(row.config.sutOpts)
      .filter(([k]) => k !== 'snapshot-every')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const caught = mine.filter((r) => r.verdict === 'invalid');
    const errors = mine.filter((r) => r.verdict === 'error' || r.verdict === 'unknown').length;
    const by = new Map<string, number>();
    for (const r of caught) for (const c of r.caughtBy) by.set(c, (by.get(c) ?? 0) + 1);
    const t = median(caught.flatMap((r) => (r.firstAnomalyS === null ? [] : [r.firstAnomalyS])));
    const name = row.expect === 'valid' ? `safe node${opts ? ` (${opts})` : ''}: false alarms` : opts;
    const traced = Object.entries(row.config.sutOpts).some(([k, v]) => TRACED_BUGS.includes(`${k}=${v}`));
    const taken = traced ? String(mine.filter((r) => r.bugPaths.length > 0).length) : '—';
    lines.push(
      `| ${name} | ${row.config.workload} | ${mine.length} | ${taken} | ${caught.length} | ${t === null ? '—' : t.toFixed(1)} | ${[...by].map(([c, n]) => `${c} ${n}`).join(', ') || '—'} | ${errors} |`,
    );
  }
  return lines.join('\n');
}
