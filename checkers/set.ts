import { pairHistory } from '../src/history/pair.js';
import type { Op } from '../src/history/types.js';
import type { CheckerResult } from './types.js';

export interface SetResult extends CheckerResult {
  attempted: number;
  acknowledged: number;
  /** acknowledged adds missing from the final read */
  lost: unknown[];
  /** elements read that were never added */
  unexpected: unknown[];
  /** adds of unknown outcome that the final read shows took effect */
  recovered: number;
  /** reads that missed an element acknowledged before the read began */
  stale: { read: number; missing: unknown[] }[];
  finalRead: boolean;
}

/**
 * Jepsen's set checker: every acknowledged add must be in the final read (else
 * lost), nothing may appear that was never added; reads during the run must not
 * miss an add acknowledged before they began (stale). Needs a successful final read.
 */
export function checkSet(ops: readonly Op[]): SetResult {
  const { operations } = pairHistory(ops, 'history.jsonl');
  const adds = operations.filter((o) => o.f === 'add');
  const reads = operations.filter((o) => o.f === 'read' && o.outcome === 'ok');
  const final = reads.length > 0 ? reads.reduce((a, b) => (b.ret > a.ret ? b : a)) : null;
  const attempted = new Set(adds.map((a) => JSON.stringify(a.input)));
  const acked = adds.filter((a) => a.outcome === 'ok');
  const result: SetResult = { valid: 'unknown', attempted: adds.length, acknowledged: acked.length, lost: [], unexpected: [], recovered: 0, stale: [], finalRead: final !== null };
  if (!final) return result;
  const seen = new Set((final.output as unknown[]).map((e) => JSON.stringify(e)));
  result.lost = acked.filter((a) => !seen.has(JSON.stringify(a.input))).map((a) => a.input);
  result.unexpected = [...seen].filter((e) => !attempted.has(e)).map((e) => JSON.parse(e));
  result.recovered = adds.filter((a) => a.outcome === 'info' && seen.has(JSON.stringify(a.input))).length;
  // stale reads: sort acknowledged adds by completion, sweep reads by invocation
  const byRet = [...acked].sort((a, b) => a.ret - b.ret);
  for (const r of reads) {
    const got = new Set((r.output as unknown[]).map((e) => JSON.stringify(e)));
    const missing: unknown[] = [];
    for (const a of byRet) {
      if (a.ret >= r.call) break;
      if (!got.has(JSON.stringify(a.input))) missing.push(a.input);
    }
    if (missing.length > 0) result.stale.push({ read: r.invokeIndex, missing: missing.slice(0, 10) });
  }
  result.valid = result.lost.length === 0 && result.unexpected.length === 0 && result.stale.length === 0;
  return result;
}
