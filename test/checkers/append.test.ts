import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAppend } from '../../checkers/append.js';
import type { Op } from '../../src/history/types.js';

/** A tiny history builder: events get increasing times (10 ns apart). */
function history() {
  const ops: Op[] = [];
  const ev = (type: Op['type'], process: number, f: string, value: unknown): Op => {
    const op = { index: ops.length, time: ops.length * 10, type, process, f, value };
    ops.push(op);
    return op;
  };
  const append = (p: number, k: string, e: number, end: Op['type'] = 'ok') => {
    ev('invoke', p, 'append', [k, e]);
    ev(end, p, 'append', [k, e]);
  };
  const read = (p: number, k: string, xs: number[]) => {
    ev('invoke', p, 'read', [k, null]);
    ev('ok', p, 'read', [k, xs]);
  };
  return { ops, ev, append, read };
}

describe('checkAppend', () => {
  it('accepts lists that only grow, in one order, with every acknowledged append', () => {
    const h = history();
    h.append(0, 'a', 1);
    h.append(1, 'b', 2);
    h.ev('invoke', 2, 'append', ['a', 3]);
    h.ev('info', 2, 'append', ['a', 3]); // unknown outcome, later seen: recovered
    h.read(0, 'a', [1, 3]);
    h.ev('invoke', 3, 'append', ['a', 4]);
    h.ev('info', 3, 'append', ['a', 4]); // unknown outcome, never seen: fine
    h.read(1, 'b', [2]);
    h.read(0, 'a', [1, 3]);
    const r = checkAppend(h.ops);
    expect(r).toMatchObject({ valid: true, keys: 2, attempted: 4, acknowledged: 2, reads: 3, recovered: 1, duplicated: 0, lost: 0, stale: 0 });
    expect(r.firstAnomalyNs).toBeUndefined();
  });

  it('finds an element applied twice, with the read and the append', () => {
    const h = history();
    h.append(0, 'a', 1); // events 0-1
    h.append(0, 'a', 2); // events 2-3
    h.read(1, 'a', [1, 2, 2]); // events 4-5
    h.read(1, 'a', [1, 2, 2]); // the same copy again: one more read, the same element
    const r = checkAppend(h.ops);
    expect(r.valid).toBe(false);
    expect(r.duplicated).toBe(2);
    expect(r.duplicatedElements).toBe(1);
    expect(r.anomalies.duplicated).toEqual([{ key: 'a', read: 4, element: 2, append: 2 }]);
    expect(r.firstAnomalyNs).toBe(50);
  });

  it('finds reads in two orders (neither a prefix of the other)', () => {
    const h = history();
    h.ev('invoke', 0, 'append', ['a', 1]);
    h.ev('invoke', 1, 'append', ['a', 2]);
    h.ev('ok', 0, 'append', ['a', 1]);
    h.ev('ok', 1, 'append', ['a', 2]);
    h.read(2, 'a', [2, 1]);
    h.read(2, 'a', [1, 2, 3].slice(0, 2));
    const r = checkAppend(h.ops);
    expect(r.valid).toBe(false);
    expect(r.incompatible).toBe(1);
  });

  it('finds an element never appended, and a failed append that took effect', () => {
    const h = history();
    h.append(0, 'a', 1, 'fail');
    h.append(0, 'b', 5);
    h.read(1, 'a', [1, 5]); // 5 was appended to b, not a
    const r = checkAppend(h.ops);
    expect(r).toMatchObject({ valid: false, failedVisible: 1, unexpected: 1 });
    expect(r.anomalies.unexpected[0]).toMatchObject({ key: 'a', element: 5 });
  });

  it('finds a stale read and a lost append; an append concurrent with a read may be missing', () => {
    const h = history();
    h.append(0, 'a', 1);
    h.append(0, 'a', 2);
    h.read(1, 'a', [1, 2]);
    h.ev('invoke', 0, 'append', ['a', 3]);
    h.ev('invoke', 2, 'read', ['a', null]);
    h.ev('ok', 0, 'append', ['a', 3]);
    h.ev('ok', 2, 'read', ['a', [1, 2]]); // concurrent with 3's append: fine
    expect(checkAppend(h.ops)).toMatchObject({ valid: true, stale: 0, lost: 0 });
    h.read(1, 'a', [1, 2]); // the latest read misses 3: lost
    const r = checkAppend(h.ops);
    expect(r).toMatchObject({ valid: false, lost: 1, stale: 0 });
    expect(r.anomalies.lost[0]).toMatchObject({ key: 'a', element: 3 });
    const h2 = history();
    h2.append(0, 'a', 1);
    h2.append(0, 'a', 2);
    h2.read(1, 'a', [1]); // stale: 2 was acknowledged before the read began
    h2.read(1, 'a', [1, 2]);
    expect(checkAppend(h2.ops)).toMatchObject({ valid: false, stale: 1, lost: 0 });
  });

  it('says unknown without any ok read', () => {
    const h = history();
    h.append(0, 'a', 1);
    expect(checkAppend(h.ops).valid).toBe('unknown');
  });
});

/**
 * A sequential run of appends and reads on a few keys against a model of lists, with
 * some appends ending info (taken effect or not, at random): always valid. Injecting a
 * second copy of an acknowledged element into one read's list makes it invalid.
 */
const arbRun = fc.array(
  fc.record({ read: fc.boolean(), key: fc.constantFrom('a', 'b', 'c'), end: fc.constantFrom('ok', 'ok', 'ok', 'info', 'fail'), applied: fc.boolean() }),
  { minLength: 1, maxLength: 60 },
);

function sequential(steps: fc.Infer<typeof arbRun>) {
  const h = history();
  const lists = new Map<string, number[]>();
  let next = 1;
  steps.forEach((s, p) => {
    const l = lists.get(s.key) ?? [];
    lists.set(s.key, l);
    if (s.read) h.read(p, s.key, [...l]);
    else {
      const e = next++;
      if (s.end === 'ok' || (s.end === 'info' && s.applied)) l.push(e);
      h.append(p, s.key, e, s.end as Op['type']);
    }
  });
  // a final read of every key
  for (const [k, l] of lists) h.read(1000, k, [...l]);
  return h.ops;
}

describe('checkAppend: properties', () => {
  it('a valid sequential history is valid', () => {
    fc.assert(
      fc.property(arbRun, (steps) => {
        const r = checkAppend(sequential(steps));
        expect(r.valid).toBe(true);
        expect(r.duplicated + r.incompatible + r.unexpected + r.failedVisible + r.stale + r.lost).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a read showing an element twice makes it invalid', () => {
    fc.assert(
      fc.property(arbRun, fc.nat(), fc.nat(), (steps, pick, at) => {
        const ops = sequential(steps);
        const reads = ops.filter((o) => o.type === 'ok' && o.f === 'read' && (o.value as [string, number[]])[1].length > 0);
        fc.pre(reads.length > 0);
        const [, xs] = reads[pick % reads.length].value as [string, number[]];
        xs.splice(at % (xs.length + 1), 0, xs[pick % xs.length]); // a second copy, anywhere
        const r = checkAppend(ops);
        expect(r.valid).toBe(false);
        expect(r.duplicated).toBeGreaterThan(0);
        expect(r.firstAnomalyNs).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});
