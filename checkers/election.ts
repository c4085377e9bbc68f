import type { Op } from '../src/history/types.js';
import type { CheckerResult } from './types.js';

/** a node seen leading a term (from its own health), first seen at `atNs` (history time) */
export interface LeaderClaim {
  node: string;
  term: number;
  atNs: number;
}

export interface ElectionResult extends CheckerResult {
  /** distinct (node, term) leaderships seen */
  claims: number;
  terms: number;
  /** terms in which two or more nodes were seen leading, with when each was first seen (ns) */
  twoLeaders: { term: number; leaders: { node: string; atNs: number }[] }[];
  /** claims left out: the node's data had been damaged by the nemesis (corrupt) before */
  exempt: number;
}

/**
 * Raft's election safety, from the outside: at most one node leads any term. The
 * controller polls every node's health while the test runs; a node reporting itself
 * leader with its current term is a claim, and two nodes claiming one term is a
 * violation however far apart the claims were seen (a term has one leader for ever).
 * Only for systems whose health reports the role and the current term together (the
 * adapter says so). A node whose data files the nemesis damaged may have lost a vote it
 * had cast without being able to tell (README, "What it cannot see"): its claims after
 * the damage are left out, not judged. Pure: O(claims).
 */
export function checkElectionSafety(claims: readonly LeaderClaim[], damagedAtNs: ReadonlyMap<string, number> = new Map()): ElectionResult {
  const byTerm = new Map<number, Map<string, number>>();
  let exempt = 0;
  let distinct = 0;
  for (const c of claims) {
    const damaged = damagedAtNs.get(c.node);
    if (damaged !== undefined && c.atNs >= damaged) {
      exempt++;
      continue;
    }
    const leaders = byTerm.get(c.term) ?? new Map<string, number>();
    byTerm.set(c.term, leaders);
    const seen = leaders.get(c.node);
    if (seen === undefined) distinct++;
    if (seen === undefined || c.atNs < seen) leaders.set(c.node, c.atNs);
  }
  const twoLeaders: ElectionResult['twoLeaders'] = [];
  let first = Infinity;
  for (const [term, leaders] of [...byTerm].sort((a, b) => a[0] - b[0])) {
    if (leaders.size < 2) continue;
    const list = [...leaders].map(([node, atNs]) => ({ node, atNs })).sort((a, b) => a.atNs - b.atNs);
    twoLeaders.push({ term, leaders: list });
    first = Math.min(first, list[1].atNs); // the term had two leaders once the second was seen
  }
  return {
    valid: twoLeaders.length === 0,
    claims: distinct,
    terms: byTerm.size,
    twoLeaders,
    exempt,
    ...(first < Infinity ? { firstAnomalyNs: first } : {}),
  };
}

/**
 * node → the history time its data files were first damaged by the corrupt fault (from
 * the nemesis events), for the nodes that ran on damaged data. A node the stop of the
 * corrupt fault repaired (the exact bytes put back) never did: it refused to start on
 * the damage, or stayed down until the repair, so it is not left out.
 */
export function damagedNodes(ops: readonly Op[]): Map<string, number> {
  const out = new Map<string, number>();
  const pending = new Map<string, number>();
  for (const op of ops) {
    if (op.process !== 'nemesis') continue;
    const v = op.value as { node?: unknown; corruption?: unknown; repaired?: unknown } | null;
    if (op.f === 'start-corrupt' && typeof v?.node === 'string' && v.corruption !== undefined && !pending.has(v.node)) pending.set(v.node, op.time);
    if (op.f === 'stop-corrupt') {
      const repaired = new Set(Array.isArray(v?.repaired) ? (v.repaired as unknown[]) : []);
      for (const [node, at] of pending) if (!repaired.has(node) && !out.has(node)) out.set(node, at);
      pending.clear();
    }
  }
  for (const [node, at] of pending) if (!out.has(node)) out.set(node, at);
  return out;
}
