import { verdictName } from '../../checkers/types.js';
import { describeNemesis } from '../controller/config.js';
import { LINK_ORDER, nodeLogRel, RUN_FILES } from '../store/layout.js';
import type { RunDirContents } from '../store/read.js';

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
  nemesis: string | null;
  nodes: number | null;
  nodeOpts: string;
  /** completed client ops (ok + fail + info), or for a campaign the number of runs */
  ops: number | null;
  opsPerSecond: number | null;
  verdict: Verdict;
  /** files and directories to link, relative to the run's directory, in display order */
  links: string[];
}

type Json = Record<string, unknown>;
const obj = (x: unknown): Json | null => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : null);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

export function verdictOf(valid: unknown, present: boolean): Verdict {
  return present ? verdictName(valid) : 'incomplete';
}

/**
 * A run record from what a run directory holds (no I/O): configuration from
 * test.json, verdict and counts from results.json (missing: incomplete), or, for a
 * campaign directory, the merged expectation verdict from campaign.json.
 */
export function toRunRecord(c: RunDirContents): RunRecord {
  const linked = new Set<string>();
  const links: string[] = [];
  const add = (name: string): void => {
    if (!linked.has(name)) links.push(name);
    linked.add(name);
  };
  for (const name of LINK_ORDER) if (c.entries.includes(name)) add(name);
  for (const name of [...c.entries].sort()) if (!name.endsWith('/') && !name.startsWith('.')) add(name);
  for (const node of c.nodeLogs) add(nodeLogRel(node));
  if (c.entries.includes(`${RUN_FILES.nodes}/`)) add(`${RUN_FILES.nodes}/`);

  const campaign = obj(c.campaignJson);
  if (c.campaignJson !== undefined && c.testJson === undefined) {
    const runs = Array.isArray(campaign?.runs) ? campaign.runs : [];
    return {
      kind: 'campaign',
      test: c.test,
      stamp: c.stamp,
      started: str(campaign?.started),
      workload: null,
      nemesis: null,
      nodes: null,
      nodeOpts: '',
      ops: runs.length,
      opsPerSecond: null,
      // a campaign still running has no finished time yet
      verdict: verdictOf(campaign?.valid, campaign?.finished !== undefined && campaign?.finished !== null),
      links,
    };
  }
  const t = obj(c.testJson);
  const r = obj(c.resultsJson);
  const facts = obj(r?.run);
  const counts = obj(facts?.counts);
  const families = Array.isArray(t?.families) ? (t.families as unknown[]).map(String) : null;
  const nodeOpts = obj(t?.nodeOpts);
  const ops = counts ? (num(counts.ok) ?? 0) + (num(counts.fail) ?? 0) + (num(counts.info) ?? 0) : null;
  return {
    kind: 'run',
    test: c.test,
    stamp: c.stamp,
    started: str(t?.started),
    workload: str(t?.workload),
    nemesis: families ? describeNemesis({ scenario: str(t?.scenario) ?? undefined, families }) : null,
    nodes: num(t?.nodes),
    nodeOpts: nodeOpts ? Object.entries(nodeOpts).map(([k, v]) => `${k}=${String(v)}`).join(' ') : '',
    ops,
    opsPerSecond: num(obj(facts?.throughput)?.opsPerSecond),
    verdict: verdictOf(r?.valid, r !== null),
    links,
  };
}

/** Newest first: stamps are UTC times in one sortable format (store.ts), ties by name. */
export function newestFirst(a: RunRecord, b: RunRecord): number {
  return a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : a.test.localeCompare(b.test);
}
