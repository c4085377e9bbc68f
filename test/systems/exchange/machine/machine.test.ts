import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command, ExchangeState } from '../../../../systems/exchange/machine/commands.js';
import { ExchangeStateMachine } from '../../../../systems/exchange/machine/machine.js';

function setup(): { m: ExchangeStateMachine; apply: (c: Command) => ReturnType<ExchangeStateMachine['apply']>; state: () => ExchangeState } {
  const m = new ExchangeStateMachine();
  let index = 0;
  const apply = (c: Command) => m.apply(++index, c);
  apply({ type: 'account.create', account: 'alice', cash: 10_000, positions: { X: 100 } });
  apply({ type: 'account.create', account: 'bob', cash: 10_000, positions: { X: 100 } });
  apply({ type: 'account.create', account: 'carol', cash: 10_000, positions: { X: 100 } });
  const state = () => (m.query({ type: 'exchange.state' }) as { state: ExchangeState }).state;
  return { m, apply, state };
}

const order = (orderId: string, account: string, side: 'buy' | 'sell', price: number, qty: number): Command => ({
  type: 'order.submit',
  orderId,
  account,
  symbol: 'X',
  side,
  price,
  qty,
});

describe('ExchangeStateMachine: matching', () => {
  it('matches by price, then time, at the resting price', () => {
    const { apply } = setup();
    apply(order('s1', 'alice', 'sell', 101, 5));
    apply(order('s2', 'bob', 'sell', 100, 5)); // better price: first
    apply(order('s3', 'carol', 'sell', 100, 5)); // same price, later: second
    const r = apply(order('b1', 'alice', 'buy', 105, 12));
    expect(r.ok).toBe(true);
    if (!r.ok || r.result.type !== 'order.submit') throw new Error('expected a submit result');
    expect(r.result.fills.map((f) => [f.sellOrderId, f.price, f.qty])).toEqual([
      ['s2', 100, 5],
      ['s3', 100, 5],
      ['s1', 101, 2],
    ]);
    expect(r.result.order).toMatchObject({ filled: 12, status: 'filled' });
  });

  it('moves cash and shares, releases reservations, and gives the taker the price improvement', () => {
    const { apply, state } = setup();
    apply(order('s1', 'bob', 'sell', 90, 10));
    apply(order('b1', 'alice', 'buy', 100, 4)); // reserves 400, pays 360
    const s = state();
    expect(s.accounts.alice).toMatchObject({ cash: 10_000 - 360, reservedCash: 0, positions: { X: 104 } });
    expect(s.accounts.bob).toMatchObject({ cash: 10_000 + 360, positions: { X: 96 }, reservedPositions: { X: 6 } });
    expect(s.orders.s1).toMatchObject({ filled: 4, status: 'open' });
  });

  it('rests the unfilled remainder and cancels it, releasing what it reserved', () => {
    const { apply, state } = setup();
    apply(order('b1', 'alice', 'buy', 50, 10));
    expect(state().accounts.alice.reservedCash).toBe(500);
    expect(apply({ type: 'order.cancel', orderId: 'b1' }).ok).toBe(true);
    expect(state().accounts.alice.reservedCash).toBe(0);
    expect(apply({ type: 'order.cancel', orderId: 'b1' })).toMatchObject({ ok: false, code: 'order-closed' });
    expect(apply({ type: 'order.cancel', orderId: 'nope' })).toMatchObject({ ok: false, code: 'unknown-order' });
    // the cancelled order no longer matches
    const r = apply(order('s1', 'bob', 'sell', 40, 1));
    expect(r.ok && r.result.type === 'order.submit' && r.result.fills).toEqual([]);
  });

  it('rejects what cannot be reserved, duplicates and nonsense', () => {
    const { apply } = setup();
    expect(apply(order('b1', 'alice', 'buy', 2000, 10))).toMatchObject({ ok: false, code: 'insufficient-funds' });
    expect(apply(order('s1', 'alice', 'sell', 10, 101))).toMatchObject({ ok: false, code: 'insufficient-funds' });
    apply(order('s2', 'alice', 'sell', 10, 1));
    expect(apply(order('s2', 'alice', 'sell', 10, 1))).toMatchObject({ ok: false, code: 'duplicate-order' });
    expect(apply(order('s3', 'alice', 'sell', 0, 1))).toMatchObject({ ok: false, code: 'invalid-command' });
    expect(apply(order('s4', 'zed', 'sell', 5, 1))).toMatchObject({ ok: false, code: 'unknown-account' });
  });

  it('keeps kv compare-and-set and transfers', () => {
    const { apply, m } = setup();
    expect(apply({ type: 'kv.cas', key: 'k', from: null, to: 1 }).ok).toBe(true);
    expect(apply({ type: 'kv.cas', key: 'k', from: null, to: 2 })).toMatchObject({ ok: false, code: 'precondition-failed' });
    expect(apply({ type: 'bank.transfer', from: 'alice', to: 'bob', amount: 20_000 })).toMatchObject({ ok: false, code: 'insufficient-funds' });
    expect(apply({ type: 'bank.transfer', from: 'alice', to: 'bob', amount: 100 }).ok).toBe(true);
    expect(m.query({ type: 'bank.read' })).toEqual({ type: 'bank.read', balances: { alice: 9_900, bob: 10_100, carol: 10_000 } });
  });
});

const arbCommand: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    type: fc.constant('order.submit' as const),
    orderId: fc.integer({ min: 1, max: 60 }).map((i) => `o${i}`),
    account: fc.constantFrom('alice', 'bob', 'carol'),
    symbol: fc.constant('X'),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    price: fc.integer({ min: 95, max: 105 }),
    qty: fc.integer({ min: 1, max: 30 }),
  }),
  fc.record({ type: fc.constant('order.cancel' as const), orderId: fc.integer({ min: 1, max: 60 }).map((i) => `o${i}`) }),
  fc.record({
    type: fc.constant('bank.transfer' as const),
    from: fc.constantFrom('alice', 'bob'),
    to: fc.constantFrom('bob', 'carol'),
    amount: fc.integer({ min: 1, max: 500 }),
  }),
);

describe('ExchangeStateMachine: properties', () => {
  it('conserves cash and shares, never goes negative, never overfills, trades within both limits', () => {
    fc.assert(
      fc.property(fc.array(arbCommand, { maxLength: 120 }), (cmds) => {
        const { apply, state } = setup();
        for (const c of cmds) apply(c);
        const s = state();
        const accounts = Object.values(s.accounts);
        expect(accounts.reduce((a, x) => a + x.cash, 0)).toBe(30_000);
        expect(accounts.reduce((a, x) => a + (x.positions.X ?? 0), 0)).toBe(300);
        for (const a of accounts) {
          expect(a.cash - a.reservedCash).toBeGreaterThanOrEqual(0);
          expect((a.positions.X ?? 0) - (a.reservedPositions.X ?? 0)).toBeGreaterThanOrEqual(0);
        }
        for (const o of Object.values(s.orders)) expect(o.filled).toBeLessThanOrEqual(o.qty);
        for (const t of s.trades) {
          expect(t.price).toBeLessThanOrEqual(s.orders[t.buyOrderId].price);
          expect(t.price).toBeGreaterThanOrEqual(s.orders[t.sellOrderId].price);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: same commands, same snapshot bytes; restore midway then continue = apply all', () => {
    fc.assert(
      fc.property(fc.array(arbCommand, { maxLength: 80 }), fc.nat(), (cmds, cut) => {
        const a = setup();
        const b = setup();
        for (const c of cmds) {
          a.apply(c);
          b.apply(c);
        }
        expect(Buffer.from(a.m.snapshot()).equals(Buffer.from(b.m.snapshot()))).toBe(true);
        const k = cmds.length === 0 ? 0 : cut % cmds.length;
        const c = setup();
        for (const x of cmds.slice(0, k)) c.apply(x);
        const restored = new ExchangeStateMachine();
        restored.restore(c.m.snapshot());
        expect(Buffer.from(restored.snapshot()).equals(Buffer.from(c.m.snapshot()))).toBe(true);
        let index = 3 + k;
        for (const x of cmds.slice(k)) restored.apply(++index, x);
        expect(Buffer.from(restored.snapshot()).equals(Buffer.from(a.m.snapshot()))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('ExchangeStateMachine: append lists', () => {
  const read = (m: ExchangeStateMachine, key: string): unknown[] => (m.query({ type: 'list.read', key }) as { elements: unknown[] }).elements;

  it('appends per key in apply order, apart from the register of the same key, and keeps a duplicate', () => {
    const { m, apply } = setup();
    expect(read(m, 'a')).toEqual([]);
    expect(apply({ type: 'kv.append', key: 'a', element: 1 })).toEqual({ ok: true, result: { type: 'kv.append' } });
    apply({ type: 'kv.append', key: 'b', element: 2 });
    apply({ type: 'kv.append', key: 'a', element: 3 });
    apply({ type: 'kv.write', key: 'a', value: 9 });
    apply({ type: 'kv.append', key: 'a', element: 1 }); // the same command applied twice shows twice
    expect(read(m, 'a')).toEqual([1, 3, 1]);
    expect(read(m, 'b')).toEqual([2]);
    expect(m.query({ type: 'kv.read', key: 'a' })).toEqual({ type: 'kv.read', value: 9 });
    const copy = read(m, 'a');
    copy.push(99); // a read is a copy
    expect(read(m, 'a')).toEqual([1, 3, 1]);
  });

  it('snapshots lists in key order, restores them, and leaves a list-free snapshot as it was', () => {
    const x = new ExchangeStateMachine();
    const y = new ExchangeStateMachine();
    expect(Buffer.from(x.snapshot()).toString()).not.toContain('lists');
    x.apply(1, { type: 'kv.append', key: 'b', element: 1 });
    x.apply(2, { type: 'kv.append', key: 'a', element: 2 });
    y.apply(1, { type: 'kv.append', key: 'a', element: 2 });
    y.apply(2, { type: 'kv.append', key: 'b', element: 1 });
    expect(Buffer.from(x.snapshot()).equals(Buffer.from(y.snapshot()))).toBe(true); // same lists, other creation order
    const z = new ExchangeStateMachine();
    z.restore(x.snapshot());
    expect(read(z, 'a')).toEqual([2]);
    z.apply(3, { type: 'kv.append', key: 'a', element: 5 });
    expect(read(z, 'a')).toEqual([2, 5]);
    const old = new ExchangeStateMachine();
    old.restore(Buffer.from(JSON.stringify({ kv: [], set: [], exchange: { accounts: {}, orders: {}, trades: [] } }))); // before lists existed
    expect(read(old, 'a')).toEqual([]);
  });

  it('is deterministic with appends: same commands, same bytes; restore midway then continue = apply all', () => {
    const arbAppend = fc.record({ type: fc.constant('kv.append' as const), key: fc.constantFrom('a', 'b', 'c'), element: fc.integer({ min: 0, max: 20 }) });
    fc.assert(
      fc.property(fc.array(fc.oneof(arbAppend, arbCommand), { maxLength: 60 }), fc.nat(), (cmds, cut) => {
        const a = setup();
        for (const c of cmds) a.apply(c);
        const k = cmds.length === 0 ? 0 : cut % cmds.length;
        const c = setup();
        for (const x of cmds.slice(0, k)) c.apply(x);
        const restored = new ExchangeStateMachine();
        restored.restore(c.m.snapshot());
        let index = 3 + k;
        for (const x of cmds.slice(k)) restored.apply(++index, x);
        expect(Buffer.from(restored.snapshot()).equals(Buffer.from(a.m.snapshot()))).toBe(true);
        for (const key of ['a', 'b', 'c']) expect(read(a.m, key)).toEqual(cmds.flatMap((x) => (x.type === 'kv.append' && x.key === key ? [x.element] : [])));
      }),
      { numRuns: 200 },
    );
  });
});
