import { describe, expect, it } from 'vitest';
import { checkOrders } from '../../checkers/orders.js';
import type { Op } from '../../src/history/types.js';
import type { Command, ExchangeState } from '../../systems/exchange/machine/commands.js';
import { ExchangeStateMachine } from '../../systems/exchange/machine/machine.js';

const INITIAL = { cash: 2000, shares: { X: 20 } };

/** A history of submits (all acknowledged) and the final state the real exchange reaches. */
function scenario(): { ops: Op[]; state: ExchangeState } {
  const m = new ExchangeStateMachine();
  let index = 0;
  m.apply(++index, { type: 'account.create', account: 'a', cash: 1000, positions: { X: 10 } });
  m.apply(++index, { type: 'account.create', account: 'b', cash: 1000, positions: { X: 10 } });
  const orders: Extract<Command, { type: 'order.submit' }>[] = [
    { type: 'order.submit', orderId: 's1', account: 'a', symbol: 'X', side: 'sell', price: 11, qty: 2 },
    { type: 'order.submit', orderId: 's2', account: 'a', symbol: 'X', side: 'sell', price: 10, qty: 2 },
    { type: 'order.submit', orderId: 'b1', account: 'b', symbol: 'X', side: 'buy', price: 12, qty: 3 },
  ];
  const ops: Op[] = [];
  let t = 0;
  orders.forEach((c, p) => {
    ops.push({ index: ops.length, time: t++, type: 'invoke', process: p, f: 'submit', value: c });
    m.apply(++index, c);
    ops.push({ index: ops.length, time: t++, type: 'ok', process: p, f: 'submit', value: c });
  });
  const state = (m.query({ type: 'exchange.state' }) as { state: ExchangeState }).state;
  ops.push({ index: ops.length, time: t++, type: 'invoke', process: 9, f: 'state', value: null });
  ops.push({ index: ops.length, time: t++, type: 'ok', process: 9, f: 'state', value: state });
  return { ops, state };
}

describe('checkOrders', () => {
  it('accepts what the exchange really did', () => {
    const r = checkOrders(scenario().ops, INITIAL);
    expect(r).toMatchObject({ valid: true, acknowledged: 3, missing: [], conserved: true, priorityViolation: null });
  });

  it('finds a lost acknowledged order', () => {
    const { ops, state } = scenario();
    delete state.orders.s1;
    const r = checkOrders(ops, INITIAL);
    expect(r.valid).toBe(false);
    expect(r.missing).toEqual(['s1']);
    expect(r.firstAnomalyNs).toBe(1); // s1's acknowledged submit
  });

  it('finds an overfill, a trade outside the limits and money created', () => {
    const { ops, state } = scenario();
    state.orders.s2.filled = 5;
    state.trades[0].price = 13;
    state.accounts.a.cash += 1;
    const r = checkOrders(ops, INITIAL);
    expect(r.overfilled).toEqual(['s2']);
    expect(r.outsideLimits).toEqual([state.trades[0].tradeId]);
    expect(r.conserved).toBe(false);
    expect(r.valid).toBe(false);
  });

  it('finds a trade that breaks price-time priority', () => {
    const { ops, state } = scenario();
    // the buy must take s2 (better price) first; pretend it took s1 first
    [state.trades[0].sellOrderId, state.trades[1].sellOrderId] = [state.trades[1].sellOrderId, state.trades[0].sellOrderId];
    const r = checkOrders(ops, INITIAL);
    expect(r.priorityViolation).toMatch(/trade #1/);
    expect(r.valid).toBe(false);
  });
});

describe('checkOrders: exactly once', () => {
  it('finds an order in the state that was never submitted, and one applied with other terms', () => {
    const { ops, state } = scenario();
    state.orders.zz = { ...state.orders.s1, orderId: 'zz' };
    state.orders.b1.price = 99;
    const r = checkOrders(ops, INITIAL);
    expect(r.phantom).toEqual(['zz']);
    expect(r.mismatched).toContain('b1');
    expect(r.valid).toBe(false);
  });

  it('finds fills that do not add up to an order (a submit applied twice)', () => {
    const { ops, state } = scenario();
    state.trades.push({ ...state.trades[0], tradeId: 99 });
    const r = checkOrders(ops, INITIAL);
    expect(r.mismatched.length).toBeGreaterThan(0);
    expect(r.valid).toBe(false);
  });

  it('a submit that definitely failed must not be in the state', () => {
    const { ops } = scenario();
    const i = ops.findIndex((o) => o.type === 'ok' && o.f === 'submit');
    ops[i] = { ...ops[i], type: 'fail' };
    const r = checkOrders(ops, INITIAL);
    expect(r.phantom).toEqual([(ops[i].value as { orderId: string }).orderId]);
  });
});
