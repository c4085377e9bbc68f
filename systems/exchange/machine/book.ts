import type { Side } from './commands.js';

interface Level {
  price: number;
  /** order ids in time priority (FIFO) */
  queue: string[];
}

/**
 * One symbol's limit order book: price levels kept sorted (bids high to low, asks
 * low to high) by binary-search insertion, each a FIFO queue of order ids.
 */
export class OrderBook {
  private readonly bids: Level[] = [];
  private readonly asks: Level[] = [];

  add(side: Side, price: number, orderId: string): void {
    const levels = side === 'buy' ? this.bids : this.asks;
    const better = side === 'buy' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (levels[mid].price === price) {
        levels[mid].queue.push(orderId);
        return;
      }
      if (better(levels[mid].price, price)) lo = mid + 1;
      else hi = mid;
    }
    levels.splice(lo, 0, { price, queue: [orderId] });
  }

  /** the best resting order on `side` (oldest at the best price), if any */
  best(side: Side): { price: number; orderId: string } | null {
    const level = (side === 'buy' ? this.bids : this.asks)[0];
    return level ? { price: level.price, orderId: level.queue[0] } : null;
  }

  /** removes the best order on `side` (after it is filled) */
  popBest(side: Side): void {
    const levels = side === 'buy' ? this.bids : this.asks;
    levels[0].queue.shift();
    if (levels[0].queue.length === 0) levels.shift();
  }

  remove(side: Side, price: number, orderId: string): void {
    const levels = side === 'buy' ? this.bids : this.asks;
    const i = levels.findIndex((l) => l.price === price);
    if (i < 0) return;
    const q = levels[i].queue;
    const j = q.indexOf(orderId);
    if (j >= 0) q.splice(j, 1);
    if (q.length === 0) levels.splice(i, 1);
  }
}
