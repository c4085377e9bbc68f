import type { CheckerResult } from './types.js';

/** One node's state digest after the final heal. */
export interface DigestReading {
  node: string;
  index: number;
  digest: string;
}

/** a node's reading, or why there is none */
export type Reading = DigestReading | { node: string; missing: string };

export interface ReplicasResult extends CheckerResult {
  /** the log position compared, and the nodes compared there */
  index: number | null;
  compared: string[];
  /** digest → nodes holding it; more than one group is divergence */
  groups: { digest: string; nodes: string[] }[];
  /** nodes left out: not at the compared position, no answer, or data damaged by the nemesis */
  leftOut: { node: string; why: string }[];
}

/**
 * State machine safety, from the outside: after the final heal, replicas that applied
 * the log to the same position must hold the same state. A node that kept entries it
 * should have dropped (or applied an entry later overwritten) answers reads from a
 * state no other node has; reads see it only while it leads, the digests always.
 * `readings` is one reading per node taken together while no client was writing;
 * nodes are compared at the position most of them report. A node whose data the
 * nemesis damaged is left out, as in the election checker. `atNs`: when the readings
 * were taken (history time), the anomaly's time. Pure.
 */
export function checkReplicas(readings: readonly Reading[], atNs: number, damaged: ReadonlySet<string> = new Set()): ReplicasResult {
  const leftOut: { node: string; why: string }[] = [];
  const byIndex = new Map<number, DigestReading[]>();
  for (const r of readings) {
    if (damaged.has(r.node)) leftOut.push({ node: r.node, why: 'data damaged by the nemesis' });
    else if ('missing' in r) leftOut.push({ node: r.node, why: r.missing });
    else byIndex.set(r.index, [...(byIndex.get(r.index) ?? []), r]);
  }
  let best: DigestReading[] = [];
  for (const rs of byIndex.values()) if (rs.length > best.length || (rs.length === best.length && rs[0].index > best[0].index)) best = rs;
  for (const rs of byIndex.values()) if (rs !== best) for (const r of rs) leftOut.push({ node: r.node, why: `at position ${r.index}, not ${best[0].index}` });
  if (best.length < 2) return { valid: 'unknown', index: null, compared: [], groups: [], leftOut, reason: 'fewer than two nodes at one log position' };
  const groups = new Map<string, string[]>();
  for (const r of best) groups.set(r.digest, [...(groups.get(r.digest) ?? []), r.node]);
  const out = [...groups].map(([digest, nodes]) => ({ digest, nodes })).sort((a, b) => b.nodes.length - a.nodes.length);
  const valid = out.length === 1;
  return { valid, index: best[0].index, compared: best.map((r) => r.node), groups: out, leftOut, ...(valid ? {} : { firstAnomalyNs: atNs }) };
}
