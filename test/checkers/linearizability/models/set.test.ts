import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSetHistory } from '../../../../bench/gen-history.js';
import { checkLinearizability } from '../../../../checkers/linearizability/check.js';
import { getModel } from '../../../../checkers/linearizability/models/index.js';
import type { Model } from '../../../../checkers/linearizability/types.js';
import type { Operation } from '../../../../src/history/types.js';
import { bruteForce, op } from '../../../support/histories.js';

/** the set model without its ordering constraints and reduce: plain Wing & Gong over its states */
const plainSet = (): Model<unknown> => ({ ...getModel('set'), mustFollow: undefined, reduce: undefined });

const arbSetOp = fc.record({
  f: fc.constantFrom('add', 'read', 'read'),
  v: fc.integer({ min: 0, max: 3 }),
  seen: fc.subarray([0, 1, 2, 3]),
  start: fc.integer({ min: 0, max: 40 }),
  len: fc.integer({ min: 0, max: 30 }),
  outcome: fc.constantFrom<Operation['outcome']>('ok', 'ok', 'info', 'fail'),
});

function setOps(drawn: fc.RecordValue<any>[]): Operation[] {
  return drawn.map((d, i) =>
    op(i, i, d.f, d.f === 'add' ? d.v : null, d.outcome !== 'ok' ? undefined : d.f === 'read' ? d.seen : d.v, d.start, d.start + d.len, d.outcome),
  );
}

describe('set model', () => {
  it('property: with its ordering constraints and reduce = without them = brute force', () => {
    const seen = { true: 0, false: 0, unknown: 0 };
    fc.assert(
      fc.property(fc.array(arbSetOp, { minLength: 1, maxLength: 9 }), (drawn) => {
        const ops = setOps(drawn);
        const on = checkLinearizability(ops, getModel('set')).valid;
        expect(checkLinearizability(ops, plainSet()).valid).toBe(on);
        expect(checkLinearizability(ops, getModel('set'), { greedy: false }).valid).toBe(on);
        expect(on).toBe(bruteForce(ops, getModel('set')));
        seen[String(on) as 'true']++;
      }),
      { numRuns: 1500 },
    );
    expect(seen.true).toBeGreaterThan(150);
    expect(seen.false).toBeGreaterThan(150);
  });

  it('an info add that no read observes changes nothing; one that a read observes took effect', () => {
    const unobserved = [op(0, 0, 'add', 1, undefined, 0, 0, 'info'), op(1, 1, 'read', null, [], 10, 20), op(2, 1, 'read', null, [], 30, 40)];
    expect(checkLinearizability(unobserved, getModel('set')).valid).toBe(true);
    const observed = [op(0, 0, 'add', 1, undefined, 0, 0, 'info'), op(1, 1, 'read', null, [1], 10, 20), op(2, 1, 'read', null, [], 30, 40)];
    expect(checkLinearizability(observed, getModel('set')).valid).toBe(false);
  });

  it('an ok read that lacks an element must come before its add', () => {
    const m = getModel('set');
    const ops = [op(0, 0, 'add', 1, 1, 0, 100), op(1, 1, 'read', null, [], 10, 20), op(2, 2, 'read', null, [1], 30, 40)];
    expect(m.mustFollow?.(ops)).toEqual([[1], undefined, undefined]);
    expect(checkLinearizability(ops, m).valid).toBe(true);
  });

  it('a record-like set history (2,300 ops, 10 clients, info and failed adds) is decided, not left running', () => {
    const ops = generateSetHistory({ ops: 2300, clients: 10, readRate: 0.1, infoRate: 0.02, failRate: 0.3, seed: 1 });
    const r = checkLinearizability(ops, getModel('set'), { memoryBytes: 256 << 20, timeoutMs: 60_000 });
    expect(r.valid).toBe(true);
  });

  it('without the reductions the same history ends at the memory budget, holding no more than it', () => {
    const ops = generateSetHistory({ ops: 2300, clients: 10, readRate: 0.1, infoRate: 0.02, failRate: 0.3, seed: 1 });
    const budget = 48 << 20;
    const r = checkLinearizability(ops, plainSet(), { memoryBytes: budget, timeoutMs: 120_000 });
    expect(r.valid).toBe('unknown');
    expect(r.unknownReason).toBe('memory');
    expect(r.memoryBytes).toBeGreaterThan(budget / 2); // it counts what it really holds...
    expect(r.memoryBytes).toBeLessThan(budget * 1.25); // ...and stops at the budget
  });
});
