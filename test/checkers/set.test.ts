import { describe, expect, it } from 'vitest';
import { checkSet } from '../../checkers/set.js';
import type { Op } from '../../src/history/types.js';

/** A tiny history builder: events get increasing times. */
function history() {
  const ops: Op[] = [];
  const ev = (type: Op['type'], process: number, f: string, value: unknown): Op => {
    const op = { index: ops.length, time: ops.length * 10, type, process, f, value };
    ops.push(op);
    return op;
  };
  return { ops, ev };
}

describe('checkSet (set-full)', () => {
  it('accepts a history whose reads show every acknowledged add', () => {
    const { ops, ev } = history();
    ev('invoke', 0, 'add', 1);
    ev('ok', 0, 'add', 1);
    ev('invoke', 1, 'add', 2);
    ev('info', 1, 'add', 2); // unknown outcome, later seen: recovered
    ev('invoke', 0, 'read', null);
    ev('ok', 0, 'read', [1, 2]);
    ev('invoke', 0, 'read', null);
    ev('ok', 0, 'read', [1, 2]);
    const r = checkSet(ops);
    expect(r).toMatchObject({ valid: true, ok: 2, recovered: 1, lost: [], stale: [], unexpected: [], acknowledged: 1, attempted: 2 });
  });

  it('finds a lost element: acknowledged, then missing from the latest read', () => {
    const { ops, ev } = history();
    ev('invoke', 0, 'add', 1);
    ev('ok', 0, 'add', 1);
    ev('invoke', 0, 'add', 2);
    ev('ok', 0, 'add', 2);
    ev('invoke', 1, 'read', null);
    ev('ok', 1, 'read', [1, 2]);
    ev('invoke', 1, 'read', null);
    ev('ok', 1, 'read', [1]); // 2 vanished
    const r = checkSet(ops);
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([2]);
    expect(r.ok).toBe(1);
    expect(r.firstAnomalyNs).toBe(70); // the read that first missed 2 completed at event 7
  });

  it('an element known only from a read, then gone, is lost too', () => {
    const { ops, ev } = history();
    ev('invoke', 0, 'add', 7);
    ev('info', 0, 'add', 7);
    ev('invoke', 1, 'read', null);
    ev('ok', 1, 'read', [7]);
    ev('invoke', 1, 'read', null);
    ev('ok', 1, 'read', []);
    expect(checkSet(ops).lost).toEqual([7]);
  });

  it('finds unexpected elements and stale reads', () => {
    const { ops, ev } = history();
    ev('invoke', 0, 'add', 1);
    ev('ok', 0, 'add', 1);
    ev('invoke', 1, 'read', null);
    ev('ok', 1, 'read', []); // began after 1 was acknowledged: stale
    ev('invoke', 1, 'read', null);
    ev('ok', 1, 'read', [1, 99]); // 99 was never added
    const r = checkSet(ops);
    expect(r.valid).toBe(false);
    expect(r.stale).toEqual([1]);
    expect(r.staleReads).toEqual([{ element: 1, read: 2 }]);
    expect(r.unexpected).toEqual([99]);
    expect(r.lost).toEqual([]);
    // without linearizable reads, a stale read alone is allowed (but 99 still is not)
    expect(checkSet(ops, { linearizable: false }).valid).toBe(false);
  });

  it('a read concurrent with the add may miss it; no read after the add is never-read', () => {
    const { ops, ev } = history();
    ev('invoke', 0, 'add', 1);
    ev('invoke', 1, 'read', null); // concurrent with the add
    ev('ok', 0, 'add', 1);
    ev('ok', 1, 'read', []);
    const r = checkSet(ops);
    expect(r.neverRead).toEqual([1]);
    expect(r.valid).toBe(true);
  });

  it('cannot judge without a successful read', () => {
    const { ops, ev } = history();
    ev('invoke', 0, 'add', 1);
    ev('ok', 0, 'add', 1);
    ev('invoke', 1, 'read', null);
    ev('fail', 1, 'read', null);
    expect(checkSet(ops).valid).toBe('unknown');
  });

  it('handles a large history in linear time', () => {
    const { ops, ev } = history();
    const present: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      ev('invoke', 0, 'add', i);
      ev('ok', 0, 'add', i);
      present.push(i);
      if (i % 50 === 49) {
        ev('invoke', 1, 'read', null);
        ev('ok', 1, 'read', [...present]);
      }
    }
    const t = performance.now();
    const r = checkSet(ops);
    expect(r.valid).toBe(true);
    expect(r.ok).toBe(20_000);
    expect(performance.now() - t).toBeLessThan(3000);
  });
});
