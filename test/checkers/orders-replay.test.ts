import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replayTrades } from '../../checkers/orders-replay.js';
import type { Command, ExchangeState, OrderRecord } from '../../systems/exchange/machine/commands.js';
import { ExchangeStateMachine } from '../../systems/exchange/machine/machine.js';

const rec = (orderId: string, side: 'buy' | 'sell', price: number, qty: number, logIndex: number, cancelledAt?: number): OrderRecord => ({
  orderId,
  account: 'a',
  symbol: 'X',
  side,
  price,
  qty,
  filled: 0,
  status: 'open',
  logIndex,
  ...(cancelledAt ? { cancelledAt } : {}),
});

describe('replayTrades (the checker reference matcher)', () => {
  it('fills the best price first, then the earliest at that price, at the resting price', () => {
    const trades = replayTrades([rec('s1', 'sell', 11, 2, 1), rec('s2', 'sell', 10, 1, 2), rec('s3', 'sell', 10, 1, 3), rec('b', 'buy', 12, 3, 4)]);
    expect(trades).toEqual([
      { buyOrderId: 'b', sellOrderId: 's2', price: 10, qty: 1 },
      { buyOrderId: 'b', sellOrderId: 's3', price: 10, qty: 1 },
      { buyOrderId: 'b', sellOrderId: 's1', price: 11, qty: 1 },
    ]);
  });

  it('skips cancelled orders and does not cross the limit', () => {
    const trades = replayTrades([rec('s1', 'sell', 10, 5, 1, 2), rec('s2', 'sell', 13, 5, 3), rec('b', 'buy', 12, 3, 4)]);
    expect(trades).toEqual([]);
  });

  it('agrees with the exchange on random order flows (property)', () => {
    const order = fc.record({
      side: fc.constantFrom('buy' as const, 'sell' as const),
      price: fc.integer({ min: 95, max: 105 }),
      qty: fc.integer({ min: 1, max: 10 }),
      cancel: fc.integer({ min: -1, max: 30 }),
    });
    fc.assert(
      fc.property(fc.array(order, { maxLength: 60 }), (orders) => {
        const m = new ExchangeStateMachine();
        let index = 0;
        m.apply(++index, { type: 'account.create', account: 'a', cash: 1e9, positions: { X: 1e6 } });
        m.apply(++index, { type: 'account.create', account: 'b', cash: 1e9, positions: { X: 1e6 } });
        orders.forEach((o, i) => {
          const c: Command = { type: 'order.submit', orderId: `o${i}`, account: i % 2 ? 'a' : 'b', symbol: 'X', side: o.side, price: o.price, qty: o.qty };
          m.apply(++index, c);
          if (o.cancel >= 0 && o.cancel < i) m.apply(++index, { type: 'order.cancel', orderId: `o${o.cancel}` });
        });
        const state = (m.query({ type: 'exchange.state' }) as { state: ExchangeState }).state;
        const expected = replayTrades(Object.values(state.orders));
        expect(expected).toEqual(state.trades.map((t) => ({ buyOrderId: t.buyOrderId, sellOrderId: t.sellOrderId, price: t.price, qty: t.qty })));
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
