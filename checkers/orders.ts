import { pairHistory } from '../src/history/pair.js';
import type { Op } from '../src/history/types.js';
import { RUN_FILES } from '../src/store/layout.js';
import { replayTrades } from './orders-replay.js';
import type { ExchangeState, OrderRecord } from './orders-types.js';
import { type CheckerResult, opTimeNs } from './types.js';

export interface OrdersResult extends CheckerResult {
  acknowledged: number;
  /** acknowledged submits missing from the final state */
  missing: string[];
  /** orders in the final state that were never submitted, or whose submit definitely failed */
  phantom: string[];
  /** acknowledged orders whose record differs from what was submitted, or whose fills do not add up to `filled` (applied twice?) */
  mismatched: string[];
  overfilled: string[];
  outsideLimits: number[];
  conserved: boolean;
  /** the first trade that differs from a price-time replay of the committed orders */
  priorityViolation: string | null;
  finalRead: boolean;
}

/**
 * Checks an orders history against the final exchange state: every acknowledged
 * order is present (exactly once: ids are keys), no order filled beyond its
 * quantity, cash and shares conserved, every trade within both limit prices, and
 * the trades equal to what a separate, simple price-time matcher produces when the
 * committed submits and cancels are replayed in log order.
 */
export function checkOrders(ops: readonly Op[], initial: { cash: number; shares: Record<string, number> }): OrdersResult {
  const { operations } = pairHistory(ops, RUN_FILES.history);
  const reads = operations.filter((o) => o.f === 'state' && o.outcome === 'ok');
  const final = reads.length > 0 ? (reads[reads.length - 1].output as ExchangeState) : null;
  const submits = operations.filter((o) => o.f === 'submit');
  const r: OrdersResult = {
    valid: 'unknown',
    acknowledged: submits.filter((o) => o.outcome === 'ok').length,
    missing: [],
    phantom: [],
    mismatched: [],
    overfilled: [],
    outsideLimits: [],
    conserved: true,
    priorityViolation: null,
    finalRead: final !== null,
  };
  if (!final) return r;
  const attempted = new Set<string>();
  const mismatched = new Set<string>();
  const filledBy = new Map<string, number>();
  for (const t of final.trades) {
    filledBy.set(t.buyOrderId, (filledBy.get(t.buyOrderId) ?? 0) + t.qty);
    filledBy.set(t.sellOrderId, (filledBy.get(t.sellOrderId) ?? 0) + t.qty);
  }
  for (const o of submits) {
    const s = o.input as OrderRecord;
    const id = s.orderId;
    attempted.add(id);
    const rec = final.orders[id];
    if (o.outcome === 'ok' && !rec) r.missing.push(id);
    if (o.outcome === 'fail' && rec) r.phantom.push(id);
    if (
      o.outcome === 'ok' &&
      rec &&
      (rec.account !== s.account || rec.side !== s.side || rec.price !== s.price || rec.qty !== s.qty || rec.symbol !== s.symbol)
    )
      mismatched.add(id);
  }
  for (const rec of Object.values(final.orders)) {
    if (!attempted.has(rec.orderId)) r.phantom.push(rec.orderId);
    if ((filledBy.get(rec.orderId) ?? 0) !== rec.filled) mismatched.add(rec.orderId);
  }
  r.mismatched = [...mismatched];
  for (const o of Object.values(final.orders)) if (o.filled > o.qty) r.overfilled.push(o.orderId);
  for (const t of final.trades) {
    const buy = final.orders[t.buyOrderId];
    const sell = final.orders[t.sellOrderId];
    if (!buy || !sell || t.price > buy.price || t.price < sell.price) r.outsideLimits.push(t.tradeId);
  }
  const accounts = Object.values(final.accounts);
  if (accounts.reduce((a, x) => a + x.cash, 0) !== initial.cash) r.conserved = false;
  for (const [sym, total] of Object.entries(initial.shares)) if (accounts.reduce((a, x) => a + (x.positions[sym] ?? 0), 0) !== total) r.conserved = false;
  r.priorityViolation = comparePriority(final);
  r.valid =
    r.missing.length === 0 &&
    r.phantom.length === 0 &&
    r.mismatched.length === 0 &&
    r.overfilled.length === 0 &&
    r.outsideLimits.length === 0 &&
    r.conserved &&
    r.priorityViolation === null;
  if (!r.valid) {
    // the earliest submit of an order found missing, phantom or mismatched; else the final read that showed the state
    const bad = new Set([...r.missing, ...r.phantom, ...r.mismatched]);
    let t = Infinity;
    for (const o of submits) if (bad.has((o.input as OrderRecord).orderId)) t = Math.min(t, opTimeNs(o));
    r.firstAnomalyNs = t < Infinity ? t : opTimeNs(reads[reads.length - 1]);
  }
  return r;
}

/** Replays the committed orders through the reference matcher; returns the first trade that differs. */
function comparePriority(state: ExchangeState): string | null {
  const expected = replayTrades(Object.values(state.orders));
  const actual = state.trades;
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const x = expected[i];
    const a = actual[i];
    if (!x || !a || x.buyOrderId !== a.buyOrderId || x.sellOrderId !== a.sellOrderId || x.price !== a.price || x.qty !== a.qty) {
      return `trade #${i + 1}: expected ${x ? `${x.qty}@${x.price} ${x.buyOrderId}/${x.sellOrderId}` : 'none'}, the exchange made ${a ? `${a.qty}@${a.price} ${a.buyOrderId}/${a.sellOrderId}` : 'none'}`;
    }
  }
  return null;
}
