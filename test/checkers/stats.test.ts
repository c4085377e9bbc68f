import { describe, expect, it } from 'vitest';
import { checkStats } from '../../checkers/stats.js';
import type { Op } from '../../src/history/types.js';

const op = (index: number, type: Op['type'], f: string, process: number | string = 0): Op => ({ index, time: index, type, process, f, value: null });

describe('checkStats', () => {
  it('counts completions per function and outcome, ignoring the nemesis', () => {
    const r = checkStats([
      op(0, 'invoke', 'read'),
      op(1, 'ok', 'read'),
      op(2, 'invoke', 'write'),
      op(3, 'info', 'write'),
      op(4, 'invoke', 'write', 1),
      op(5, 'ok', 'write', 1),
      op(6, 'info', 'start-kill', 'nemesis'),
    ]);
    expect(r).toMatchObject({ valid: true, count: 3, ok: 2, info: 1, fail: 0, neverOk: [] });
    expect(r.byF.write).toEqual({ count: 2, ok: 1, fail: 0, info: 1 });
  });

  it('is invalid when some function never succeeded', () => {
    const r = checkStats([op(0, 'invoke', 'read'), op(1, 'ok', 'read'), op(2, 'invoke', 'cas'), op(3, 'fail', 'cas')]);
    expect(r.valid).toBe(false);
    expect(r.neverOk).toEqual(['cas']);
  });

  it('is unknown for an empty history', () => {
    expect(checkStats([]).valid).toBe('unknown');
  });
});
