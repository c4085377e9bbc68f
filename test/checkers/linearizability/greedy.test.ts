import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateConcurrentRegister } from '../../../bench/gen-history.js';
import { checkLinearizability } from '../../../checkers/linearizability/check.js';
import { getModel } from '../../../checkers/linearizability/models/index.js';
import type { Model } from '../../../checkers/linearizability/types.js';
import type { Operation } from '../../../src/history/types.js';
import { arbKvHistory, bruteForce, op } from '../../support/histories.js';

/**
 * The greedy pass (read-only ops linearized as soon as they are legal, with no
 * backtracking point) and model.reduce (a register's unobserved values merged) must
 * not change any verdict: same answer with them on and off, and the same as an
 * exhaustive oracle on small histories.
 */

type Drawn = { f: string; a: number; b: number; w: number; lin: number; before: number; after: number; outcome: Operation['outcome']; lie: number | null };

const arbDrawn = fc.record({
  f: fc.constantFrom('read', 'read', 'read', 'write', 'write', 'cas', 'cas-same'),
  a: fc.integer({ min: 0, max: 2 }),
  b: fc.integer({ min: 0, max: 4 }),
  // written values range wider than read ones, so some are never read (model.reduce merges those)
  w: fc.integer({ min: 0, max: 5 }),
  lin: fc.integer({ min: 0, max: 100 }),
  before: fc.integer({ min: 0, max: 60 }),
  after: fc.integer({ min: 0, max: 60 }),
  outcome: fc.constantFrom<Operation['outcome']>('ok', 'ok', 'ok', 'ok', 'info', 'fail'),
  // a read that returns something else than what it saw: histories that may be invalid
  lie: fc.option(fc.constantFrom(null, 0, 1, 2), { freq: 4 }),
});

/**
 * A cas-register run: each op takes effect at `lin` (in that order) and its interval is
 * stretched around it, so many ops overlap; some are info (may or may not have
 * happened), some fail (did not happen), and some reads lie (the history may be invalid).
 */
function registerHistory(drawn: Drawn[], key?: (i: number) => string): Operation[] {
  const order = drawn.map((_, i) => i).sort((x, y) => drawn[x].lin - drawn[y].lin || x - y);
  let state: number | null = null;
  const ops: Operation[] = new Array(drawn.length);
  for (const i of order) {
    const d = drawn[i];
    const call = d.lin - d.before;
    const ret = d.lin + d.after + 1;
    let input: unknown;
    let output: unknown;
    let f = d.f;
    if (f === 'read') {
      input = null;
      output = d.lie !== null ? d.lie : state;
    } else if (f === 'write') {
      input = d.w;
      output = d.w;
      if (d.outcome !== 'fail') state = d.w;
    } else {
      const to = f === 'cas-same' ? d.a : d.b;
      f = 'cas';
      input = [d.a, to];
      output = input;
      if (d.outcome !== 'fail' && state === d.a) state = to;
      else if (d.outcome === 'ok') output = undefined; // a cas that did not apply: made to fail below
    }
    const outcome = f === 'cas' && output === undefined && d.outcome === 'ok' ? 'fail' : d.outcome;
    if (key) {
      const k = key(i);
      input = [k, input];
      output = output === undefined ? undefined : [k, output];
    }
    ops[i] = op(i, i, f, input, outcome === 'ok' ? output : undefined, call, ret, outcome);
  }
  return ops;
}

/** the verdicts with the greedy pass and reduce on, and with both off; each half-on must agree too */
function verdicts(ops: Operation[], model: () => Model<unknown>, partition = true): [unknown, unknown] {
  const on = checkLinearizability(ops, model(), { greedy: true, reduce: true, partition }).valid;
  const off = checkLinearizability(ops, model(), { greedy: false, reduce: false, partition }).valid;
  expect(checkLinearizability(ops, model(), { greedy: true, reduce: false, partition }).valid).toBe(off);
  expect(checkLinearizability(ops, model(), { greedy: false, reduce: true, partition }).valid).toBe(off);
  return [on, off];
}

describe('greedy read-only linearization keeps every verdict', () => {
  it('cas-register: on = off = brute force, valid and invalid histories with info and failed ops', () => {
    const seen = { true: 0, false: 0 };
    const model = () => getModel('cas-register', { nilRead: 'value' });
    fc.assert(
      fc.property(fc.array(arbDrawn, { minLength: 1, maxLength: 9 }), (drawn) => {
        const ops = registerHistory(drawn);
        const [on, off] = verdicts(ops, model);
        expect(on).toBe(off);
        expect(on).toBe(bruteForce(ops, model()));
        seen[String(on) as 'true' | 'false']++;
      }),
      { numRuns: 2500 },
    );
    // both kinds of history were drawn, in numbers
    expect(seen.true).toBeGreaterThan(300);
    expect(seen.false).toBeGreaterThan(300);
  });

  it('cas-register: on = off on larger, more concurrent histories', () => {
    const model = () => getModel('cas-register', { nilRead: 'value' });
    fc.assert(
      fc.property(fc.array(arbDrawn, { minLength: 10, maxLength: 24 }), (drawn) => {
        const [on, off] = verdicts(registerHistory(drawn), model);
        expect(on).toBe(off);
      }),
      { numRuns: 600 },
    );
  });

  it('cas-register with nil reads as unknown (Knossos): on = off = brute force', () => {
    const model = () => getModel('cas-register', { nilRead: 'unknown' });
    fc.assert(
      fc.property(fc.array(arbDrawn, { minLength: 1, maxLength: 9 }), (drawn) => {
        const ops = registerHistory(drawn);
        const [on, off] = verdicts(ops, model);
        expect(on).toBe(off);
        expect(on).toBe(bruteForce(ops, model()));
      }),
      { numRuns: 800 },
    );
  });

  it('independent [key, value] histories, partitioned and as one map state: on = off', () => {
    const model = () => getModel('cas-register', { nilRead: 'value' });
    fc.assert(
      fc.property(fc.array(fc.tuple(arbDrawn, fc.constantFrom('x', 'y')), { minLength: 1, maxLength: 14 }), (pairs) => {
        const ops = registerHistory(
          pairs.map(([d]) => d),
          (i) => pairs[i][1],
        );
        const [on, off] = verdicts(ops, model);
        expect(on).toBe(off);
        const [wholeOn, wholeOff] = verdicts(ops, model, false);
        expect(wholeOn).toBe(wholeOff);
        expect(wholeOn).toBe(on);
      }),
      { numRuns: 600 },
    );
  });

  it('kv (get, put, append including empty appends), partitioned and not: on = off', () => {
    fc.assert(
      fc.property(arbKvHistory({ fs: ['get', 'get', 'put', 'append'], keys: ['a', 'b'], maxLen: 30, maxOps: 10 }), (ops) => {
        const [on, off] = verdicts(ops, () => getModel('kv'));
        expect(on).toBe(off);
        const [wholeOn, wholeOff] = verdicts(ops, () => getModel('kv'), false);
        expect(wholeOn).toBe(wholeOff);
      }),
      { numRuns: 800 },
    );
  });

  it('set (add, read): on = off = brute force', () => {
    const arbOp = fc.record({
      f: fc.constantFrom('add', 'read', 'read'),
      v: fc.integer({ min: 0, max: 2 }),
      seen: fc.subarray([0, 1, 2]),
      start: fc.integer({ min: 0, max: 40 }),
      len: fc.integer({ min: 0, max: 30 }),
      outcome: fc.constantFrom<Operation['outcome']>('ok', 'ok', 'info', 'fail'),
    });
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 1, maxLength: 8 }), (drawn) => {
        const ops = drawn.map((d, i) =>
          op(i, i, d.f, d.f === 'add' ? d.v : null, d.outcome !== 'ok' ? undefined : d.f === 'read' ? d.seen : d.v, d.start, d.start + d.len, d.outcome),
        );
        const [on, off] = verdicts(ops, () => getModel('set'));
        expect(on).toBe(off);
        expect(on).toBe(bruteForce(ops, getModel('set')));
      }),
      { numRuns: 800 },
    );
  });
});

describe('what counts as read-only', () => {
  it('a read and a cas from v to v are read-only; a write is not, even of the current value', () => {
    const m = getModel('cas-register');
    expect(m.readOnly?.(op(0, 0, 'read', null, 1, 0, 1))).toBe(true);
    expect(m.readOnly?.(op(0, 0, 'cas', [1, 1], [1, 1], 0, 1))).toBe(true);
    expect(m.readOnly?.(op(0, 0, 'cas', [1, 2], [1, 2], 0, 1))).toBe(false);
    expect(m.readOnly?.(op(0, 0, 'write', 1, 1, 0, 1))).toBe(false);
  });

  it('does not take a write of the current value early (it may be needed later)', () => {
    // write 1; then write 2 and write 1 overlap; a read after both sees 1: only the
    // order write 1, write 2, write 1 explains it
    const ops = [op(0, 0, 'write', 1, 1, 0, 10), op(1, 1, 'write', 2, 2, 20, 100), op(2, 2, 'write', 1, 1, 20, 100), op(3, 0, 'read', null, 1, 110, 120)];
    expect(checkLinearizability(ops, getModel('cas-register', { nilRead: 'value' })).valid).toBe(true);
  });

  it('a set of states (a nondeterministic model) gets no greedy pass: a read narrows it', () => {
    const lossy: Model<number> = {
      name: 'lossy',
      init: () => 0,
      stepAll: (s, o) => (o.f === 'write' ? [o.input as number, s] : o.output === s ? [s] : []),
      equal: (a, b) => a === b,
      hash: (s) => s,
      readOnly: (o) => o.f === 'read',
      describeOp: (o) => o.f,
      describeState: (s) => String(s),
    };
    // the write of 1 may be lost; one read sees it, a later one does not: not linearizable
    const ops = [op(0, 0, 'write', 1, 1, 0, 10), op(1, 1, 'read', null, 1, 20, 30), op(2, 1, 'read', null, 0, 40, 50)];
    expect(checkLinearizability(ops, lossy, { greedy: true }).valid).toBe(false);
    expect(checkLinearizability(ops, lossy, { greedy: false }).valid).toBe(false);
  });
});

describe('a high-concurrency register history (64 clients, ~20 ops overlapping per key, half reads)', () => {
  const gen = (staleReads: number) =>
    generateConcurrentRegister({ clients: 64, keys: 6, keysAtOnce: 3, readRate: 0.5, casRate: 0.2, infoRate: 0.01, staleReads, seed: 7 });
  const model = () => getModel('cas-register', { nilRead: 'value' });

  it('is decided valid (without the greedy pass it runs out of memory)', () => {
    const ops = gen(0);
    expect(ops.length).toBe(720);
    const r = checkLinearizability(ops, model(), { memoryBytes: 256 * 2 ** 20, timeoutMs: 60_000 });
    expect(r.valid).toBe(true);
    // what it used to be: a small budget is exhausted without an answer
    const off = checkLinearizability(ops, model(), { greedy: false, reduce: false, memoryBytes: 16 * 2 ** 20, timeoutMs: 20_000, explain: false });
    expect(off.valid).toBe('unknown');
  });

  it('with 20% reads (most writes never read, so reads cannot pin their order) is decided valid, and invalid with a stale read', () => {
    const mk = (staleReads: number) =>
      generateConcurrentRegister({ clients: 64, keys: 6, keysAtOnce: 3, readRate: 0.2, casRate: 0.2, infoRate: 0.01, staleReads, seed: 11 });
    expect(checkLinearizability(mk(0), model(), { memoryBytes: 256 * 2 ** 20, timeoutMs: 60_000 }).valid).toBe(true);
    expect(checkLinearizability(mk(1), model(), { memoryBytes: 256 * 2 ** 20, timeoutMs: 60_000 }).valid).toBe(false);
    // without the unread-value merge and its greedy writes, a small budget is exhausted
    const off = checkLinearizability(mk(0), model(), { reduce: false, memoryBytes: 16 * 2 ** 20, timeoutMs: 20_000, explain: false });
    expect(off.valid).toBe('unknown');
  });

  it('is decided invalid when a read is stale, naming a stale read', () => {
    const ops = gen(1);
    const r = checkLinearizability(ops, model(), { memoryBytes: 256 * 2 ** 20, timeoutMs: 60_000 });
    expect(r.valid).toBe(false);
    expect(r.anomaly?.op.f).toBe('read');
  });
});
