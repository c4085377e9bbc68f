import { checkStats } from '../../checkers/stats.js';
import { type CheckerResult, mergeValid, type Valid } from '../../checkers/types.js';
import type { Workload } from '../../workloads/workload.js';
import type { Op } from '../history/types.js';

export interface Checked {
  valid: Valid;
  results: Record<string, CheckerResult>;
}

/**
 * Runs the workload's checkers and Jepsen's stats checker over the history and
 * merges their verdicts (false > unknown > true). A checker that throws is a bug in
 * faultline, reported as that checker's unknown verdict with the error, so the other
 * verdicts and the history still reach results.json.
 */
export function runCheckers(workload: Workload, ops: readonly Op[]): Checked {
  const results: Record<string, CheckerResult> = {};
  const checkers = { ...workload.checkers, stats: checkStats };
  for (const [name, check] of Object.entries(checkers)) {
    try {
      results[name] = check(ops);
    } catch (err) {
      results[name] = { valid: 'unknown', error: `checker failed: ${(err as Error).stack ?? err}` };
    }
  }
  let valid: Valid = true;
  for (const r of Object.values(results)) valid = mergeValid(valid, r.valid);
  return { valid, results };
}
