import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinearizability } from '../../../checkers/linearizability/check.js';
import { getModel } from '../../../checkers/linearizability/models/index.js';
import type { Operation } from '../../../src/history/types.js';
import { arbKvHistory, bruteForce, op } from '../../support/histories.js';

const casRegister = () => getModel('cas-register', { nilRead: 'value' });

/** An op drawn at random: f and argument over a tiny value domain, so collisions happen. */
const arbRegisterCall = fc.record({
  f: fc.constantFrom('read', 'write', 'cas'),
  a: fc.integer({ min: 0, max: 2 }),
  b: fc.integer({ min: 0, max: 2 }),
});

const arbInterval = fc.record({ before: fc.integer({ min: 0, max: 40 }), after: fc.integer({ min: 0, max: 40 }) });

/**
 * (a) A sequential run of the register, with each op's interval stretched at random
 * around its linearization point, some ops made `info` (unknown outcome) and some
 * extra `fail` ops that never happened, is always linearizable.
 */
describe('a sequential run with overlapping intervals is linearizable', () => {
  it('holds for random cas-register runs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbRegisterCall, arbInterval, fc.integer({ min: 0, max: 9 })), { minLength: 1, maxLength: 60 }), (calls) => {
        let state: unknown = null;
        const ops: Operation[] = [];
        calls.forEach(([c, iv, dice], i) => {
          const t = i * 10 + 50; // the linearization point
          const call = t - iv.before;
          const ret = t + iv.after;
          if (dice === 0) {
            // a failed op: it did not happen, whatever it claims
            ops.push(op(ops.length, i, 'write', 100 + i, undefined, call, ret, 'fail'));
            return;
          }
          const info = dice === 1;
          if (c.f === 'read') {
            ops.push(op(ops.length, i, 'read', null, info ? undefined : state, call, ret, info ? 'info' : 'ok'));
          } else if (c.f === 'write') {
            state = c.a;
            ops.push(op(ops.length, i, 'write', c.a, c.a, call, ret, info ? 'info' : 'ok'));
          } else if (state === c.a) {
            state = c.b;
            ops.push(op(ops.length, i, 'cas', [c.a, c.b], [c.a, c.b], call, ret, info ? 'info' : 'ok'));
          } else {
            ops.push(op(ops.length, i, 'cas', [c.a, c.b], undefined, call, ret, info ? 'info' : 'fail'));
          }
        });
        // linearizable; unknown only when no op completed ok (nothing to check)
        expect(checkLinearizability(ops, casRegister()).valid).toBe(ops.some((o) => o.outcome === 'ok') ? true : 'unknown');
      }),
      { numRuns: 300 },
    );
  });
});

describe('agrees with a brute-force oracle on small random histories', () => {
  it('holds for cas-register histories of up to 7 ops', () => {
    const arbOp = fc.record({
      call: arbRegisterCall,
      start: fc.integer({ min: 0, max: 30 }),
      len: fc.integer({ min: 0, max: 30 }),
      outcome: fc.constantFrom<Operation['outcome']>('ok', 'ok', 'ok', 'info', 'fail'),
      read: fc.constantFrom(null, 0, 1, 2),
    });
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 1, maxLength: 7 }), (drawn) => {
        const ops = drawn.map((d, i) => {
          const { f, a, b } = d.call;
          const input = f === 'read' ? null : f === 'write' ? a : [a, b];
          const output = d.outcome !== 'ok' ? undefined : f === 'read' ? d.read : input;
          return op(i, i, f, input, output, d.start, d.start + d.len, d.outcome);
        });
        const model = casRegister();
        expect(checkLinearizability(ops, model).valid).toBe(bruteForce(ops, model));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('partitioned and unpartitioned checking agree', () => {
  it('holds for random kv histories over 3 keys', () => {
    fc.assert(
      fc.property(arbKvHistory({ fs: ['get', 'put', 'append'], keys: ['a', 'b', 'c'], maxLen: 20, maxOps: 12 }), (ops) => {
        const split = checkLinearizability(ops, getModel('kv'));
        const whole = checkLinearizability(ops, getModel('kv'), { partition: false });
        expect(whole.valid).toBe(split.valid);
      }),
      { numRuns: 800 },
    );
  });
});
