import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAppend } from '../../../../checkers/append.js';
import { checkBank } from '../../../../checkers/bank.js';
import { checkSet } from '../../../../checkers/set.js';
import { AppendOnline, BankOnline, onlineCheck, RegisterOnline, SetOnline } from '../../../../src/controller/live/online.js';
import type { Op } from '../../../../src/history/types.js';
import { makeWorkload } from '../../../../workloads/index.js';
import { registerWorkload } from '../../../../workloads/register.js';
import { prng } from '../../../support/histories.js';

const S = 1e9;

/** Builds a history from [process, f, value-in, value-out, type, t-invoke, t-complete] rows, in time order. */
function history(rows: [number, string, unknown, unknown, Op['type'], number, number][]): Op[] {
  const events = rows.flatMap(([p, f, vin, vout, type, t0, t1]) => [
    { time: t0, type: 'invoke' as const, process: p, f, value: vin },
    { time: t1, type, process: p, f, value: type === 'ok' ? vout : vin },
  ]);
  events.sort((a, b) => a.time - b.time);
  return events.map((e, index) => ({ ...e, index }));
}

function feed(c: { ingest(op: Op): void }, ops: readonly Op[]): void {
  for (const op of ops) c.ingest(op);
}

describe('online checks', () => {
  it('register: a stale read on a key is found once the key has gone quiet, not before; a key with an op in flight waits', () => {
    const ops = history([
      [0, 'write', ['k1', 1], ['k1', 1], 'ok', 0, 1],
      [1, 'write', ['k1', 2], ['k1', 2], 'ok', 2, 3],
      [2, 'read', ['k1', null], ['k1', 1], 'ok', 4, 5],
      [3, 'write', ['k2', 5], ['k2', 5], 'ok', 0, 1],
      [4, 'read', ['k2', null], ['k2', 5], 'ok', 2, 3],
    ]);
    const c = new RegisterOnline(2 * S);
    feed(c, ops);
    expect(c.check(5)).toEqual([]); // not idle yet
    const found = c.check(3 * S);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ checker: 'linearizable', index: ops.find((o) => o.process === 2 && o.type === 'invoke')?.index });
    expect(found[0].text).toMatch(/^not linearizable at key k1: /);
    expect(c.check(10 * S)).toEqual([]); // each key once, until it gets new ops
    expect(c.progress()).toBe('2 key checks (5 ops) of 2 keys seen');

    const open = new RegisterOnline(2 * S);
    feed(
      open,
      ops.filter((o) => !(o.process === 2 && o.type !== 'invoke')),
    ); // the stale read never completed
    expect(open.check(10 * S)).toEqual([]);
  });

  it('set: a read missing an acknowledged element, and one showing an element never added', () => {
    const c = new SetOnline();
    feed(
      c,
      history([
        [0, 'add', 1, 1, 'ok', 0, 1],
        [1, 'add', 2, 2, 'ok', 0, 5], // acknowledged after the read below began: may be missing
        [2, 'read', null, [2], 'ok', 2, 3],
        [3, 'read', null, [1, 2, 9], 'ok', 6, 7],
      ]),
    );
    expect(c.check().map((a) => a.text)).toEqual([
      'a read that began at 0.00 s misses 1 element known present before it (1): stale or lost',
      'a read shows 1 element never added (9)',
    ]);
  });

  it('append: a read showing an element twice, and one missing an acknowledged append; the final checker agrees', () => {
    const c = new AppendOnline();
    const ops = history([
      [0, 'append', ['k', 1], ['k', 1], 'ok', 0, 1],
      [1, 'append', ['k', 2], ['k', 2], 'ok', 0, 5], // acknowledged after the read below began: may be missing
      [2, 'read', ['k', null], ['k', [1]], 'ok', 2, 3],
      [3, 'read', ['k', null], ['k', [1, 2, 2]], 'ok', 6, 7],
      [4, 'read', ['j', null], ['j', []], 'ok', 6, 7],
      [5, 'read', ['k', null], ['k', [1]], 'ok', 8, 9],
    ]);
    feed(c, ops);
    expect(c.check().map((a) => a.text)).toEqual([
      'a read of "k" shows 1 element twice (2): applied twice',
      'a read of "k" that began at 0.00 s misses 1 append acknowledged before it (2): stale or lost',
    ]);
    expect(checkAppend(ops)).toMatchObject({ valid: false, duplicated: 1, lost: 1 });
    expect(onlineCheck(makeWorkload('append'))).toBeInstanceOf(AppendOnline);
  });

  it('bank: a read whose total is off or with a negative balance', () => {
    const c = new BankOnline(100);
    feed(
      c,
      history([
        [0, 'read', null, { a: 50, b: 50 }, 'ok', 0, 1],
        [1, 'read', null, { a: 60, b: 50 }, 'ok', 2, 3],
        [2, 'read', null, { a: 110, b: -10 }, 'ok', 4, 5],
      ]),
    );
    expect(c.check().map((a) => a.text)).toEqual(['the read at history index 2 adds up to 110, not 100', 'the read at history index 4 shows b at -10']);
  });

  it('orders has none, and says why', () => {
    expect(onlineCheck(makeWorkload('orders'))).toBeNull();
    expect(onlineCheck(makeWorkload('bank'))).toBeInstanceOf(BankOnline);
  });
});

/** A register store whose reads are sometimes stale, and whose ops sometimes end info. */
function registerRun(seed: number, n: number): Op[] {
  const rand = prng(seed);
  const rows: [number, string, unknown, unknown, Op['type'], number, number][] = [];
  const values = new Map<string, number[]>();
  let next = 1;
  const busyUntil = new Map<number, number>();
  const active = [0, 1, 2, 3];
  let procs = 4;
  for (let i = 0; i < n; i++) {
    const slot = Math.floor(rand() * active.length);
    const p = active[slot];
    const t0 = Math.max(i * 10, busyUntil.get(p) ?? 0);
    const t1 = t0 + 1 + Math.floor(rand() * 30);
    const key = `k${Math.floor(i / 25)}`;
    const hist = values.get(key) ?? [0];
    values.set(key, hist);
    const r = rand();
    if (r < 0.5) {
      const stale = rand() < 0.03 && hist.length > 1;
      const v = stale ? hist[hist.length - 2] : hist[hist.length - 1];
      rows.push([p, 'read', [key, null], [key, v === 0 ? null : v], 'ok', t0, t1]);
    } else {
      const v = next++;
      const info = rand() < 0.05;
      hist.push(v);
      rows.push([p, 'write', [key, v], [key, v], info ? 'info' : 'ok', t0, t1]);
      // Jepsen's rule: a process whose op ended info is retired, its worker continues as a new one
      if (info) active[slot] = procs++;
    }
    busyUntil.set(p, t1 + 1);
  }
  return history(rows.map(([p, f, a, b, type, t0, t1]) => [p, f, a, b, type, t0 * 1e6, t1 * 1e6]));
}

describe('online checks are sound: what they report, the final check reports', () => {
  it('register (random histories with stale reads)', () => {
    const final = registerWorkload().checkers.linearizable;
    let caught = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (seed) => {
        const ops = registerRun(seed, 120);
        const c = new RegisterOnline(0);
        const found: unknown[] = [];
        // check as the run goes, every 20 ops, then at the end
        ops.forEach((op, i) => {
          c.ingest(op);
          if (i % 20 === 19) found.push(...c.check(op.time));
        });
        found.push(...c.check(Infinity));
        if (found.length > 0) {
          caught++;
          expect(final(ops).valid).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
    expect(caught).toBeGreaterThan(5); // the property saw anomalies, not only clean runs
  });

  it('set and bank', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), (seed) => {
        const rand = prng(seed);
        const rows: [number, string, unknown, unknown, Op['type'], number, number][] = [];
        const present: number[] = [];
        for (let i = 0; i < 60; i++) {
          const t0 = i * 10;
          if (rand() < 0.7) {
            present.push(i);
            rows.push([i % 3, 'add', i, i, 'ok', t0, t0 + 5]);
          } else rows.push([i % 3, 'read', null, present.filter(() => rand() > 0.02), 'ok', t0, t0 + 5]);
        }
        const ops = history(rows.map(([p, f, a, b, type, t0, t1]) => [p, f, a, b, type, t0 * 1e6, t1 * 1e6]));
        const c = new SetOnline();
        feed(c, ops);
        if (c.check().length > 0) expect(checkSet(ops).valid).toBe(false);

        const bankRows: [number, string, unknown, unknown, Op['type'], number, number][] = [];
        for (let i = 0; i < 20; i++) bankRows.push([i % 2, 'read', null, { a: 50 + (rand() < 0.1 ? 1 : 0), b: 50 }, 'ok', i * 10, i * 10 + 5]);
        const bankOps = history(bankRows);
        const b = new BankOnline(100);
        feed(b, bankOps);
        if (b.check().length > 0) expect(checkBank(bankOps, 100).valid).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
