import type { Op } from '../src/history/types.js';
import type { CheckerResult } from './types.js';

export interface OutcomeCounts {
  count: number;
  ok: number;
  fail: number;
  info: number;
}

export interface StatsResult extends CheckerResult, OutcomeCounts {
  byF: Record<string, OutcomeCounts>;
  /** functions that were attempted but never succeeded */
  neverOk: string[];
}

/**
 * Jepsen's stats checker: completions per function and outcome. A function that
 * never once succeeded makes the run invalid: a test whose writes all failed proves
 * nothing about lost writes. Nemesis events are not counted.
 */
export function checkStats(ops: readonly Op[]): StatsResult {
  const byF: Record<string, OutcomeCounts> = {};
  const total: OutcomeCounts = { count: 0, ok: 0, fail: 0, info: 0 };
  for (const op of ops) {
    if (op.process === 'nemesis' || op.type === 'invoke') continue;
    const c = (byF[op.f] ??= { count: 0, ok: 0, fail: 0, info: 0 });
    c.count++;
    c[op.type]++;
    total.count++;
    total[op.type]++;
  }
  const neverOk = Object.keys(byF).filter((f) => byF[f].ok === 0);
  return { valid: total.count === 0 ? 'unknown' : neverOk.length === 0, ...total, byF, neverOk };
}
