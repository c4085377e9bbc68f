import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Entry } from '../../../../systems/exchange/raft/types.js';
import { AppliedChain } from '../../../../systems/exchange/replica/applied-chain.js';

const entry = (index: number, term: number, data = `c${index}`): Entry => ({ index, term, kind: 'command', data });
const applyAll = (c: AppliedChain, es: readonly Entry[]): AppliedChain => {
  for (const e of es) c.add(e);
  return c;
};
const log = (n: number, term = 1): Entry[] => Array.from({ length: n }, (_, i) => entry(i + 1, term));

describe('the applied-entry hash chain', () => {
  it('checkpoints every N-th index, the same heads for the same entries', () => {
    const a = applyAll(new AppliedChain(10), log(35));
    const b = applyAll(new AppliedChain(10), log(35));
    expect(a.checkpoints().map(([i]) => i)).toEqual([10, 20, 30]);
    expect(a.checkpoints()).toEqual(b.checkpoints());
    expect(a.checkpoints()[0][1]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs from the first index where the applied entries differ: data, term or kind', () => {
    const base = log(30);
    const heads = (es: Entry[]) => applyAll(new AppliedChain(10), es).checkpoints();
    for (const changed of [
      { ...base[14], data: 'other' },
      { ...base[14], term: 2 },
      { ...base[14], kind: 'noop' as const },
    ]) {
      const h = heads(base.map((e) => (e.index === 15 ? changed : e)));
      const ref = heads(base);
      expect(h[0]).toEqual(ref[0]); // index 10: before the difference
      expect(h[1][1]).not.toBe(ref[1][1]);
      expect(h[2][1]).not.toBe(ref[2][1]); // and every head after it
    }
  });

  it('continues from a snapshot head as if it had applied the prefix itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), (at) => {
        const full = applyAll(new AppliedChain(10), log(60));
        const prefix = applyAll(new AppliedChain(10), log(at));
        const restored = new AppliedChain(10);
        restored.reset(at, prefix.headHex());
        applyAll(restored, log(60).slice(at));
        expect(restored.headHex()).toBe(full.headHex());
        expect(restored.checkpoints()).toEqual(full.checkpoints().filter(([i]) => i > at));
      }),
    );
  });

  it('stops checkpointing when it cannot know the prefix: an unknown snapshot head, or a gap', () => {
    const unknown = new AppliedChain(10);
    unknown.reset(5, null);
    applyAll(unknown, log(30).slice(5));
    expect(unknown.checkpoints()).toEqual([]);
    const gap = applyAll(new AppliedChain(10), [...log(12), entry(14, 1)]);
    applyAll(gap, log(30).slice(14));
    expect(gap.checkpoints().map(([i]) => i)).toEqual([10]);
    expect(gap.headHex()).toBeNull();
  });

  it('keeps the latest 512 checkpoints', () => {
    const c = applyAll(new AppliedChain(1), log(600));
    expect(c.checkpoints().length).toBe(512);
    expect(c.checkpoints()[0][0]).toBe(89);
    expect(c.checkpoints()[511][0]).toBe(600);
  });
});
