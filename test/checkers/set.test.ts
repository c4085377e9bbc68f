import { describe, expect, it } from 'vitest';
import { checkSet } from '../../checkers/set.js';
import type { Op } from '../../src/history/types.js';

let t = 0;
const ev = (type: Op['type'], process: number, f: string, value: unknown): Op => ({ index: t, time: t++, type, process, f, value });

describe('checkSet', () => {
  it('accepts a history whose final read holds every acknowledged add', () => {
    t = 0;
    const ops = [ev('invoke', 0, 'add', 1), ev('ok', 0, 'add', 1), ev('invoke', 1, 'add', 2), ev('info', 1, 'add', 2), ev('invoke', 0, 'read', null), ev('ok', 0, 'read', [1, 2])];
    const r = checkSet(ops);
    expect(r.valid).toBe(true);
    expect(r.recovered).toBe(1);
  });

  it('finds a lost write, an unexpected element and a stale read', () => {
    t = 0;
    const ops = [
      ev('invoke', 0, 'add', 1), ev('ok', 0, 'add', 1),
      ev('invoke', 1, 'read', null), ev('ok', 1, 'read', []), // stale: misses 1, acknowledged before
      ev('invoke', 0, 'add', 2), ev('ok', 0, 'add', 2),
      ev('invoke', 1, 'read', null), ev('ok', 1, 'read', [1, 99]), // final: 2 lost, 99 never added
    ];
    const r = checkSet(ops);
    expect(r.valid).toBe(false);
    expect(r.lost).toEqual([2]);
    expect(r.unexpected).toEqual([99]);
    expect(r.stale).toHaveLength(2);
  });

  it('cannot judge without a successful read', () => {
    t = 0;
    expect(checkSet([ev('invoke', 0, 'add', 1), ev('ok', 0, 'add', 1)]).valid).toBe('unknown');
  });
});
