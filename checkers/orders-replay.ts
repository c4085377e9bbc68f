import type { OrderRecord, Side } from './orders-types.js';

/** A trade as price-time priority says it must happen. */
export interface ExpectedTrade {
  buyOrderId: string;
  sellOrderId: string;
  price: number;
  qty: number;
}

interface Resting {
  order: OrderRecord;
  left: number;
  gone: boolean;
}

/**
 * The checker's own reference matcher, deliberately apart from the node's matching
 * code: replays committed submits and cancels in log order. Each book side is an
 * array kept sorted best-first (price, then log index); cancels mark entries gone and
 * the front skips them, so a replay is O(n log n) plus array moves.
 */
export function replayTrades(orders: readonly OrderRecord[]): ExpectedTrade[] {
  const events: { at: number; cancel: boolean; order: OrderRecord }[] = [];
  for (const o of orders) {
    events.push({ at: o.logIndex, cancel: false, order: o });
    if (o.cancelledAt !== undefined) events.push({ at: o.cancelledAt, cancel: true, order: o });
  }
  events.sort((a, b) => a.at - b.at);
  const books = new Map<string, Record<Side, Resting[]>>();
  const byId = new Map<string, Resting>();
  const out: ExpectedTrade[] = [];
  for (const e of events) {
    if (e.cancel) {
      const r = byId.get(e.order.orderId);
      if (r) r.gone = true;
      continue;
    }
    const taker = e.order;
    let book = books.get(taker.symbol);
    if (!book) books.set(taker.symbol, (book = { buy: [], sell: [] }));
    const opposite = book[taker.side === 'buy' ? 'sell' : 'buy'];
    let left = taker.qty;
    while (left > 0 && opposite.length > 0) {
      const maker = opposite[0];
      if (maker.gone || maker.left === 0) {
        opposite.shift();
        continue;
      }
      if (taker.side === 'buy' ? maker.order.price > taker.price : maker.order.price < taker.price) break;
      const qty = Math.min(left, maker.left);
      out.push({
        buyOrderId: taker.side === 'buy' ? taker.orderId : maker.order.orderId,
        sellOrderId: taker.side === 'sell' ? taker.orderId : maker.order.orderId,
        price: maker.order.price,
        qty,
      });
      left -= qty;
      maker.left -= qty;
    }
    if (left > 0) {
      const r: Resting = { order: taker, left, gone: false };
      byId.set(taker.orderId, r);
      insertSorted(book[taker.side], r, taker.side);
    }
  }
  return out;
}

/** better-first: higher bids, lower asks; at one price the earlier log index first */
function before(a: OrderRecord, b: OrderRecord, side: Side): boolean {
  if (a.price !== b.price) return side === 'buy' ? a.price > b.price : a.price < b.price;
  return a.logIndex < b.logIndex;
}

function insertSorted(side: Resting[], r: Resting, s: Side): void {
  let lo = 0;
  let hi = side.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(side[mid].order, r.order, s)) lo = mid + 1;
    else hi = mid;
  }
  side.splice(lo, 0, r);
}
