import { verdictName } from '../../checkers/types.js';
import { describeNemesis } from '../controller/config.js';
import { LINK_ORDER, nodeLogRel, RUN_FILES } from '../store/layout.js';
import { appliedFromHistory, type RunDirContents } from '../store/read.js';

export type { RunDirContents };

/** What the index shows of one directory of the results store. */
export type Verdict = 'valid' | 'invalid' | 'unknown' | 'incomplete';

export interface RunRecord {
  /** a test run (test.json) or a campaign (campaign.json) */
  kind: 'run' | 'campaign';
  test: string;
  stamp: string;
  /** when it started (ISO), from test.json / campaign.json, or null */
  started: string | null;
  workload: string | null;
  /** the nemesis asked for: the scenario, or the fault families */
  nemesis: string | null;
  /** the faults the history says were applied, per family (null: not known) */
  applied: Record<string, number> | null;
  nodes: number | null;
  nodeOpts: string;
  /** completed client ops (ok + fail + info), or for a campaign the number of runs */
  ops: number | null;
  opsPerSecond: number | null;
  verdict: Verdict;
  /** a run in progress: its live status is fresh and it has no results yet */
  live: boolean;
  /** for filtering: the workloads and nemesis words a row stands for (a campaign: those of its runs) */
  workloads: string[];
  faults: string[];
  /** files and directories to link, relative to the run's directory, in display order */
  links: string[];
}

type Json = Record<string, unknown>;
export const obj = (x: unknown): Json | null => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : null);
export const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
export const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

export function verdictOf(valid: unknown, present: boolean): Verdict {
  return present ? verdictName(valid) : 'incomplete';
}

/** A status older than this while the run has no results: the controller is gone (a crash, a SIGKILL). */
export const STALE_STATUS_MS = 30_000;

/** Is this run going on now: a live status that is not final, updated recently, and no results yet? */
export function isLive(c: Pick<RunDirContents, 'statusJson' | 'resultsJson'>, now = Date.now()): boolean {
  const s = obj(c.statusJson);
  if (!s || c.resultsJson !== undefined) return false;
  const phase = str(s.phase);
  const updated = Date.parse(str(s.updated) ?? '');
  return phase !== 'done' && phase !== 'aborted' && Number.isFinite(updated) && now - updated < STALE_STATUS_MS;
}

/** `partition×3 kill×1`, or `none` */
export function describeApplied(applied: Record<string, number> | null): string | null {
  if (!applied) return null;
  const xs = Object.entries(applied).filter(([, n]) => n > 0);
  return xs.length ? xs.map(([f, n]) => `${f}×${n}`).join(' ') : 'none';
}

function linksOf(c: RunDirContents): string[] {
  const linked = new Set<string>();
  const links: string[] = [];
  const add = (name: string): void => {
    if (!linked.has(name)) links.push(name);
    linked.add(name);
  };
  for (const name of LINK_ORDER) if (c.entries.includes(name)) add(name);
  for (const name of [...c.entries].sort()) if (!name.endsWith('/') && !name.startsWith('.') && name !== RUN_FILES.status) add(name);
  for (const node of c.nodeLogs) add(nodeLogRel(node));
  if (c.entries.includes(`${RUN_FILES.nodes}/`)) add(`${RUN_FILES.nodes}/`);
  return links;
}

/** The options of the system under test as `k=v ...` (test.json's sutOpts; nodeOpts in older runs). */
export function optionsOf(t: Json | null): string {
  const opts = obj(t?.sutOpts) ?? obj(t?.nodeOpts);
  const sut = str(t?.sut);
  return [...(sut && sut !== 'exchange' ? [`sut=${sut}`] : []), ...(opts ? Object.entries(opts).map(([k, v]) => `${k}=${String(v)}`) : [])].join(' ');
}

/**
 * A run record from what a run directory holds: configuration from test.json, verdict
 * and counts from results.json (missing: incomplete, or live while its status is
 * fresh), the faults applied from results.json (or, for older runs and runs in
 * progress, from the history); for a campaign directory, the merged expectation verdict.
 */
export function toRunRecord(c: RunDirContents): RunRecord {
  const links = linksOf(c);
  const campaign = obj(c.campaignJson);
  if (c.campaignJson !== undefined && c.testJson === undefined) {
    const runs = (Array.isArray(campaign?.runs) ? campaign.runs : []).map((r) => obj(r) ?? {});
    const configs = runs.map((r) => obj(r.config));
    return {
      kind: 'campaign',
      test: c.test,
      stamp: c.stamp,
      started: str(campaign?.started),
      workload: null,
      nemesis: null,
      applied: null,
      nodes: null,
      nodeOpts: '',
      ops: runs.length,
      opsPerSecond: null,
      // a campaign still running has no finished time yet
      verdict: verdictOf(campaign?.valid, campaign?.finished !== undefined && campaign?.finished !== null),
      live: false,
      workloads: [...new Set(runs.map((r) => str(r.workload)).filter((x): x is string => x !== null))],
      faults: [...new Set(configs.flatMap((cfg) => faultWords(cfg?.scenario, cfg?.families)))],
      links,
    };
  }
  const t = obj(c.testJson);
  const r = obj(c.resultsJson);
  const facts = obj(r?.run);
  const counts = obj(facts?.counts);
  const families = Array.isArray(t?.families) ? (t.families as unknown[]).map(String) : null;
  const ops = counts ? (num(counts.ok) ?? 0) + (num(counts.fail) ?? 0) + (num(counts.info) ?? 0) : null;
  const recorded = obj(facts?.applied);
  const applied = recorded
    ? (Object.fromEntries(Object.entries(recorded).map(([k, v]) => [k, num(v) ?? 0])) as Record<string, number>)
    : appliedFromHistory(c.dir);
  const workload = str(t?.workload);
  return {
    kind: 'run',
    test: c.test,
    stamp: c.stamp,
    started: str(t?.started),
    workload,
    nemesis: families ? describeNemesis({ scenario: str(t?.scenario) ?? undefined, families }) : null,
    applied,
    nodes: num(t?.nodes),
    nodeOpts: optionsOf(t),
    ops,
    opsPerSecond: num(obj(facts?.throughput)?.opsPerSecond),
    verdict: verdictOf(r?.valid, r !== null),
    live: isLive(c),
    workloads: workload ? [workload] : [],
    // filtering by nemesis finds the faults really applied, and the scenario asked for
    faults: [...Object.keys(applied ?? {}).filter((f) => (applied?.[f] ?? 0) > 0), ...faultWords(t?.scenario, undefined)],
    links,
  };
}

/** The nemesis words of a configuration: its scenario (other than chaos) and families. */
function faultWords(scenario: unknown, families: unknown): string[] {
  return [...(typeof scenario === 'string' && scenario !== 'chaos' ? [scenario] : []), ...(Array.isArray(families) ? families.map(String) : [])];
}

/** Newest first: stamps are UTC times in one sortable format (store.ts), ties by name. */
export function newestFirst(a: RunRecord, b: RunRecord): number {
  return a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : a.test.localeCompare(b.test);
}

export interface IndexFilter {
  verdict?: string;
  workload?: string;
  nemesis?: string;
  kind?: string;
}

/** The filter from the index's query string; empty values mean any. */
export function filterFromQuery(query: URLSearchParams): IndexFilter {
  const get = (k: string): string | undefined => query.get(k) || undefined;
  return { verdict: get('verdict'), workload: get('workload'), nemesis: get('nemesis'), kind: get('kind') };
}

/** Does a record pass the filter? `verdict=live` picks runs in progress; `nemesis=none` runs without a fault applied. */
export function matches(r: RunRecord, f: IndexFilter): boolean {
  if (f.kind && r.kind !== f.kind) return false;
  if (f.verdict && (f.verdict === 'live' ? !r.live : r.verdict !== f.verdict || r.live)) return false;
  if (f.workload && !r.workloads.includes(f.workload)) return false;
  if (f.nemesis && (f.nemesis === 'none' ? r.kind !== 'run' || r.faults.length > 0 : !r.faults.includes(f.nemesis))) return false;
  return true;
}
