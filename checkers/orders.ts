import { pairHistory } from '../src/history/pair.js';
import type { Op } from '../src/history/types.js';
import type { ExchangeState, OrderRecord } from '../src/exchange/commands.js';
import type { CheckerResult } from './types.js';

export interface OrdersResult extends CheckerResult {
  acknowledged: number;
  /** acknowledged submits missing from the final state */
  missing: string[];
  /** definitely failed submits that are in the final state anyway */
  phantom: string[];
  overfilled: string[];
  outsideLimits: number[];
  conserved: boolean;
  /** the first trade that differs from a price-time replay of the committed orders */
  priorityViolation: string | null;
  finalRead: boolean;
}

interface Replayed {
  buyOrderId: string;
  sellOrderId: string;
  price: number;
  qty: number;
}

/**
 * Checks an orders history against the final exchange state: every acknowledged
 * order is present (exactly once: ids are keys), no order filled beyond its
 * quantity, cash and shares conserved, every trade within both limit prices, and
 * the trades equal to what a separate, simple price-time matcher produces when the
 * committed submits and cancels are replayed in log order.
 */
export function checkOrders(ops: readonly Op[], initial: { cash: number; shares: Record<string, number> }): OrdersResult {
  const { operations } = pairHistory(ops, 'history.jsonl');
  const reads = operations.filter((o) => o.f === 'state' && o.outcome === 'ok');
  const final = reads.length > 0 ? (reads[reads.length - 1].output as ExchangeState) : null;
  const submits = operations.filter((o) => o.f === 'submit');
  const r: OrdersResult = {
    valid: 'unknown',
    acknowledged: submits.filter((o) => o.outcome === 'ok').length,
    missing: [],
    phantom: [],
    overfilled: [],
    outsideLimits: [],
    conserved: true,
    priorityViolation: null,
    finalRead: final !== null,
  };
  if (!final) return r;
  for (const o of submits) {
    const id = (o.input as { orderId: string }).orderId;
    if (o.outcome === 'ok' && !final.orders[id]) r.missing.push(id);
    if (o.outcome === 'fail' && final.orders[id]) r.phantom.push(id);
  }
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
  r.valid = r.missing.length === 0 && r.phantom.length === 0 && r.overfilled.length === 0 && r.outsideLimits.length === 0 && r.conserved && r.priorityViolation === null;
  return r;
}

/** Replays submits and cancels in log order through a reference matcher; returns the first mismatch. */
function comparePriority(state: ExchangeState): string | null {
  const events: { at: number; kind: 'submit' | 'cancel'; order: OrderRecord }[] = [];
  for (const o of Object.values(state.orders)) {
    events.push({ at: o.logIndex, kind: 'submit', order: o });
    if (o.cancelledAt !== undefined) events.push({ at: o.cancelledAt, kind: 'cancel', order: o });
  }
  events.sort((a, b) => a.at - b.at);
  const resting: { order: OrderRecord; left: number }[] = [];
  const expected: Replayed[] = [];
  for (const e of events) {
    if (e.kind === 'cancel') {
      const i = resting.findIndex((x) => x.order.orderId === e.order.orderId);
      if (i >= 0) resting.splice(i, 1);
      continue;
    }
    const taker = e.order;
    let left = taker.qty;
    for (;;) {
      const candidates = resting.filter(
        (x) => x.order.symbol === taker.symbol && x.order.side !== taker.side && (taker.side === 'buy' ? x.order.price <= taker.price : x.order.price >= taker.price),
      );
      if (left === 0 || candidates.length === 0) break;
      candidates.sort((a, b) => (taker.side === 'buy' ? a.order.price - b.order.price : b.order.price - a.order.price) || a.order.logIndex - b.order.logIndex);
      const maker = candidates[0];
      const qty = Math.min(left, maker.left);
      expected.push({
        buyOrderId: taker.side === 'buy' ? taker.orderId : maker.order.orderId,
        sellOrderId: taker.side === 'sell' ? taker.orderId : maker.order.orderId,
        price: maker.order.price,
        qty,
      });
      left -= qty;
      maker.left -= qty;
      if (maker.left === 0) resting.splice(resting.indexOf(maker), 1);
    }
    if (left > 0) resting.push({ order: taker, left });
  }
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
