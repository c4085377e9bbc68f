import { describe, expect, it } from 'vitest';
import { checkBank } from '../../checkers/bank.js';
import type { Op } from '../../src/history/types.js';

let t = 0;
const ev = (type: Op['type'], process: number, f: string, value: unknown): Op => ({ index: t, time: t++, type, process, f, value });

describe('checkBank', () => {
  it('accepts reads that conserve the total', () => {
    t = 0;
    const ops = [
      ev('invoke', 0, 'transfer', { from: 'a', to: 'b', amount: 5 }),
      ev('ok', 0, 'transfer', null),
      ev('invoke', 1, 'read', null),
      ev('ok', 1, 'read', { a: 95, b: 105 }),
    ];
    expect(checkBank(ops, 200).valid).toBe(true);
    expect(checkBank(ops, 200).firstAnomalyNs).toBeUndefined();
  });

  it('finds a read whose total is wrong and a negative balance', () => {
    t = 0;
    const ops = [ev('invoke', 1, 'read', null), ev('ok', 1, 'read', { a: 95, b: 100 }), ev('invoke', 1, 'read', null), ev('ok', 1, 'read', { a: -5, b: 205 })];
    const r = checkBank(ops, 200);
    expect(r.valid).toBe(false);
    expect(r.wrongTotal).toEqual([{ index: 0, total: 195 }]);
    expect(r.negative).toEqual([{ index: 2, account: 'a', balance: -5 }]);
    expect(r.firstAnomalyNs).toBe(1); // the first bad read's completion
  });
});
