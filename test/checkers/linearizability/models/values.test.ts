import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinearizability } from '../../../../checkers/linearizability/check.js';
import { getModel } from '../../../../checkers/linearizability/models/index.js';
import { canonicalJson, valueEqual, valueHash } from '../../../../checkers/linearizability/models/values.js';
import { op } from '../../../support/histories.js';
import { opValueArb } from '../../../support/op-arbitrary.js';

/** the same value with every map's keys in reverse order */
function reordered(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reordered);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).reverse()) out[k] = reordered((v as Record<string, unknown>)[k]);
  return out;
}

describe('value equality ignores the order of map keys', () => {
  it('property: a value equals itself with its keys reordered, with the same hash and canonical text', () => {
    fc.assert(
      fc.property(opValueArb, (v) => {
        const w = reordered(v);
        expect(valueEqual(v, w)).toBe(true);
        expect(valueHash(v)).toBe(valueHash(w));
        expect(canonicalJson(v)).toBe(canonicalJson(w));
      }),
      { numRuns: 500 },
    );
  });

  it('property: values equal by valueEqual are equal as JSON data (deep equality), and only those', () => {
    fc.assert(
      fc.property(opValueArb, opValueArb, (a, b) => {
        let deep = true;
        try {
          expect(a).toEqual(b);
        } catch {
          deep = false;
        }
        expect(valueEqual(a, b)).toBe(deep);
        if (deep) expect(valueHash(a)).toBe(valueHash(b));
      }),
      { numRuns: 500 },
    );
  });

  it('tells apart what differs: arrays by order, strings from numbers, extra keys', () => {
    expect(valueEqual([1, 2], [2, 1])).toBe(false);
    expect(valueEqual({ a: 1 }, { a: '1' })).toBe(false);
    expect(valueEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(valueEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(valueEqual(0, -0)).toBe(true);
    expect(valueHash(0)).toBe(valueHash(-0));
  });

  it('a write of {"a":1,"b":2} then a read of {"b":2,"a":1} is linearizable, in every model that compares values', () => {
    const written = { a: 1, b: 2 };
    const read = { b: 2, a: 1 };
    for (const name of ['register', 'cas-register']) {
      const ops = [op(0, 0, 'write', written, written, 0, 10), op(1, 1, 'read', null, read, 20, 30)];
      expect(checkLinearizability(ops, getModel(name)).valid).toBe(true);
      // with reduce on and off: the register's set of observed values ignores key order too
      expect(checkLinearizability(ops, getModel(name), { reduce: false }).valid).toBe(true);
    }
    const cas = [op(0, 0, 'write', written, written, 0, 10), op(1, 1, 'cas', [read, 3], [read, 3], 20, 30), op(2, 2, 'read', null, 3, 40, 50)];
    expect(checkLinearizability(cas, getModel('cas-register')).valid).toBe(true);
    const set = [op(0, 0, 'add', written, written, 0, 10), op(1, 1, 'read', null, [read], 20, 30)];
    expect(checkLinearizability(set, getModel('set')).valid).toBe(true);
    const queue = [op(0, 0, 'enqueue', written, null, 0, 10), op(1, 1, 'dequeue', null, read, 20, 30)];
    expect(checkLinearizability(queue, getModel('fifo-queue')).valid).toBe(true);
  });

  it('the register reduce keeps a written map that a read observes in another key order', () => {
    // a write of {a,b} observed only as {b,a}: if reduce took it for unread, the read would fail
    const ops = [op(0, 0, 'write', { a: 1, b: 2 }, { a: 1, b: 2 }, 0, 10), op(1, 0, 'write', 7, 7, 11, 12), op(2, 1, 'read', null, { b: 2, a: 1 }, 5, 30)];
    expect(checkLinearizability(ops, getModel('cas-register'), { reduce: true }).valid).toBe(true);
    expect(checkLinearizability(ops, getModel('cas-register'), { reduce: false }).valid).toBe(true);
  });
});
