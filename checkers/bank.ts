import { pairHistory } from '../src/history/pair.js';
import type { Op } from '../src/history/types.js';
import { RUN_FILES } from '../src/store/layout.js';
import { type CheckerResult, opTimeNs } from './types.js';

export interface BankResult extends CheckerResult {
  reads: number;
  /** reads whose balances do not add up to the total */
  wrongTotal: { index: number; total: number }[];
  /** reads showing a negative balance */
  negative: { index: number; account: string; balance: number }[];
  expectedTotal: number;
}

/**
 * Jepsen's bank checker: transfers move money between accounts and never create or
 * destroy it, so every read of all balances must add up to the initial total and
 * show no negative balance. A read that is not a snapshot (a torn read) fails this too.
 */
export function checkBank(ops: readonly Op[], expectedTotal: number): BankResult {
  const { operations } = pairHistory(ops, RUN_FILES.history);
  const reads = operations.filter((o) => o.f === 'read' && o.outcome === 'ok');
  const result: BankResult = { valid: true, reads: reads.length, wrongTotal: [], negative: [], expectedTotal };
  for (const r of reads) {
    const balances = r.output as Record<string, number>;
    let total = 0;
    let bad = false;
    for (const [account, balance] of Object.entries(balances)) {
      total += balance;
      if (balance < 0) {
        result.negative.push({ index: r.invokeIndex, account, balance });
        bad = true;
      }
    }
    if (total !== expectedTotal) {
      result.wrongTotal.push({ index: r.invokeIndex, total });
      bad = true;
    }
    if (bad) result.firstAnomalyNs = Math.min(result.firstAnomalyNs ?? Infinity, opTimeNs(r));
  }
  result.wrongTotal = result.wrongTotal.slice(0, 20);
  result.negative = result.negative.slice(0, 20);
  if (result.wrongTotal.length > 0 || result.negative.length > 0) result.valid = false;
  else if (reads.length === 0) result.valid = 'unknown';
  return result;
}
