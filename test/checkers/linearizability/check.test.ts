import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateConcurrentRegister } from '../../../bench/gen-history.js';
import { checkLinearizability, checkLinearizabilityAsync } from '../../../checkers/linearizability/check.js';
import { getModel, modelNames } from '../../../checkers/linearizability/models/index.js';
import type { Model } from '../../../checkers/linearizability/types.js';
import { pairHistory } from '../../../src/history/pair.js';
import { readHistory } from '../../../src/history/read.js';
import type { Operation } from '../../../src/history/types.js';
import { InputError, UsageError } from '../../../src/util/errors.js';
import { porcupineFixtures } from '../../support/fixtures.js';
import { op } from '../../support/histories.js';

const reg = () => getModel('cas-register', { nilRead: 'value' });

describe('checkLinearizability', () => {
  it('finds a stale read and explains it', () => {
    // write 1 completes, then write 2 completes, then a read returns 1: stale
    const ops = [op(0, 0, 'write', 1, 1, 0, 10), op(1, 1, 'write', 2, 2, 20, 30), op(2, 0, 'read', null, 1, 40, 50)];
    const r = checkLinearizability(ops, reg());
    expect(r.valid).toBe(false);
    expect(r.anomaly?.op.id).toBe(2);
    expect(r.anomaly?.prefix.map((o) => o.id)).toEqual([0, 1]);
    expect(r.anomaly?.state).toBe('2');
    expect(r.anomaly?.reason).toMatch(/not possible in state 2/);
    expect(r.partitionOps).toHaveLength(3);
    expect(r.firstAnomalyNs).toBe(50); // when the stale read completed
  });

  it('accepts the same read when it overlaps the second write', () => {
    const ops = [op(0, 0, 'write', 1, 1, 0, 10), op(1, 1, 'write', 2, 2, 20, 45), op(2, 0, 'read', null, 1, 40, 50)];
    expect(checkLinearizability(ops, reg()).valid).toBe(true);
  });

  it('lets an info write take effect late or never', () => {
    const late = [op(0, 0, 'write', 1, undefined, 0, 0, 'info'), op(1, 1, 'read', null, null, 5, 6), op(2, 1, 'read', null, 1, 100, 101)];
    expect(checkLinearizability(late, reg()).valid).toBe(true);
    const never = [op(0, 0, 'write', 1, undefined, 0, 0, 'info'), op(1, 1, 'read', null, null, 100, 101)];
    expect(checkLinearizability(never, reg()).valid).toBe(true);
  });

  it('ignores failed ops: they did not happen', () => {
    const ops = [op(0, 0, 'write', 5, undefined, 0, 10, 'fail'), op(1, 1, 'read', null, null, 20, 30)];
    expect(checkLinearizability(ops, reg()).valid).toBe(true);
  });

  it('treats a nil read as unknown under Knossos semantics', () => {
    const ops = [op(0, 0, 'write', 3, 3, 0, 10), op(1, 1, 'read', null, null, 20, 30)];
    expect(checkLinearizability(ops, getModel('cas-register', { nilRead: 'value' })).valid).toBe(false);
    expect(checkLinearizability(ops, getModel('cas-register', { nilRead: 'unknown' })).valid).toBe(true);
  });

  it('uses --initial', () => {
    const ops = [op(0, 0, 'read', null, 7, 0, 10)];
    expect(checkLinearizability(ops, getModel('cas-register', { initial: 7 })).valid).toBe(true);
    expect(checkLinearizability(ops, getModel('cas-register', { initial: 0 })).valid).toBe(false);
  });

  it('splits independent [key, value] histories by key', () => {
    const ops = [
      op(0, 0, 'write', ['a', 1], ['a', 1], 0, 10),
      op(1, 1, 'write', ['b', 2], ['b', 2], 0, 10),
      op(2, 0, 'cas', ['a', [1, 3]], ['a', [1, 3]], 20, 30),
      op(3, 1, 'read', ['b', null], ['b', 2], 20, 30),
      op(4, 2, 'read', ['a', null], ['a', 1], 40, 50),
    ];
    const r = checkLinearizability(ops, reg());
    expect(r.partitions).toBe(2);
    expect(r.valid).toBe(false);
    expect(r.anomaly?.key).toBe('a');
    expect(r.anomaly?.op.description).toBe('"a": read() → 1');
  });

  it('rejects an op the model does not know, naming it', () => {
    expect(() => checkLinearizability([op(0, 0, 'enqueue', 1, 1, 0, 1)], reg())).toThrow(InputError);
  });

  it('rejects an unknown model name, listing the known ones', () => {
    expect(() => getModel('nope')).toThrow(UsageError);
    expect(modelNames()).toEqual(expect.arrayContaining(['register', 'cas-register', 'kv', 'mutex', 'fifo-queue', 'set']));
  });

  it('checks mutex, fifo-queue and set histories', () => {
    const mutex = getModel('mutex');
    expect(checkLinearizability([op(0, 0, 'acquire', null, null, 0, 10), op(1, 1, 'acquire', null, null, 20, 30)], mutex).valid).toBe(false);
    expect(
      checkLinearizability([op(0, 0, 'acquire', null, null, 0, 10), op(1, 0, 'release', null, null, 20, 30), op(2, 1, 'acquire', null, null, 25, 40)], mutex)
        .valid,
    ).toBe(true);
    const q = getModel('fifo-queue');
    const enq = [op(0, 0, 'enqueue', 1, null, 0, 10), op(1, 1, 'enqueue', 2, null, 0, 10)];
    expect(checkLinearizability([...enq, op(2, 2, 'dequeue', null, 2, 20, 30), op(3, 2, 'dequeue', null, 1, 40, 50)], q).valid).toBe(true);
    const seq = [op(0, 0, 'enqueue', 1, null, 0, 10), op(1, 1, 'enqueue', 2, null, 20, 30)];
    expect(checkLinearizability([...seq, op(2, 2, 'dequeue', null, 2, 40, 50)], q).valid).toBe(false);
    const set = getModel('set');
    expect(checkLinearizability([op(0, 0, 'add', 1, null, 0, 10), op(1, 1, 'read', null, [], 20, 30)], set).valid).toBe(false);
    expect(checkLinearizability([op(0, 0, 'add', 1, null, 0, 30), op(1, 1, 'read', null, [], 20, 30)], set).valid).toBe(true);
  });

  it('supports nondeterministic models written with stepAll', () => {
    // a register whose write may be lost (nondeterministically): reads of the old value stay legal
    const lossy: Model<number> = {
      name: 'lossy',
      init: () => 0,
      stepAll: (s, o) => (o.f === 'write' ? [o.input as number, s] : o.output === s ? [s] : []),
      equal: (a, b) => a === b,
      hash: (s) => s,
      describeOp: (o) => o.f,
      describeState: (s) => String(s),
    };
    const ok = [op(0, 0, 'write', 1, 1, 0, 10), op(1, 1, 'read', null, 0, 20, 30)];
    expect(checkLinearizability(ok, lossy).valid).toBe(true);
    const bad = [op(0, 0, 'write', 1, 1, 0, 10), op(1, 1, 'read', null, 2, 20, 30)];
    expect(checkLinearizability(bad, lossy).valid).toBe(false);
  });
});

describe('budgets end in unknown, not a crash', () => {
  async function hard() {
    const file = path.join(porcupineFixtures, 'kv', 'c50-ok.txt');
    const { ops, lines } = await readHistory(file);
    return pairHistory(ops, file, lines).operations;
  }
  it('answers unknown (timeout) when the time budget runs out', async () => {
    const r = checkLinearizability(await hard(), getModel('kv'), { partition: false, timeoutMs: 50 });
    expect(r.valid).toBe('unknown');
    expect(r.unknownReason).toBe('timeout');
  });
  it('answers unknown (memory) when the memory budget runs out', async () => {
    const r = checkLinearizability(await hard(), getModel('kv'), { partition: false, memoryBytes: 64 * 1024 });
    expect(r.valid).toBe('unknown');
    expect(r.unknownReason).toBe('memory');
  });
});

describe('budgets hold whatever one step costs', () => {
  /** a register whose every step busy-waits `ms` (a model with very costly steps) */
  function slowRegister(ms: number): Model<unknown> {
    const base = getModel('register', { nilRead: 'value' });
    return {
      ...base,
      readOnly: undefined,
      reduce: undefined,
      unreadWrite: undefined,
      step(state, o) {
        const until = performance.now() + ms;
        while (performance.now() < until);
        return base.step!(state, o);
      },
    };
  }
  /** concurrent writes of distinct values, then reads that no order explains: the search must try every order */
  function hopeless(writes: number): Operation[] {
    const ops: Operation[] = [];
    for (let i = 0; i < writes; i++) ops.push(op(i, i, 'write', i, i, 0, 100));
    ops.push(op(writes, writes, 'read', null, -1, 200, 210));
    return ops;
  }

  it('the clock is looked at between steps: a 300 ms budget ends near 300 ms with 40 ms steps', () => {
    const t = performance.now();
    const r = checkLinearizability(hopeless(12), slowRegister(40), { timeoutMs: 300 });
    const took = performance.now() - t;
    expect(r.valid).toBe('unknown');
    expect(r.unknownReason).toBe('timeout');
    expect(took).toBeLessThan(1500); // 300 ms plus a step or two (measured ~350 ms); generous for a busy machine
  });

  it('without --timeout the memory budget still ends a check', () => {
    const ops = generateConcurrentRegister({ clients: 64, keys: 4, keysAtOnce: 1, readRate: 0.2, casRate: 0.2, infoRate: 0.05, seed: 3 });
    const r = checkLinearizability(ops, getModel('cas-register', { nilRead: 'value' }), { greedy: false, reduce: false, memoryBytes: 8 << 20 });
    expect(r.valid).toBe('unknown');
    expect(r.unknownReason).toBe('memory');
    expect(r.unknownDetail).toMatch(/memory budget \(8\.0 MB\) ran out/);
  });

  it('an aborted signal stops the async check: unknown (interrupted), with the partitions decided so far', async () => {
    const slow = hopeless(12).map((o) => ({ ...o, input: ['slow', o.input], output: ['slow', o.output] }));
    const fast = [op(100, 100, 'write', ['fast', 1], ['fast', 1], 0, 10), op(101, 101, 'read', ['fast', null], ['fast', 1], 20, 30)];
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const progress: number[] = [];
    const t = performance.now();
    const r = await checkLinearizabilityAsync([...slow, ...fast], slowRegister(5), { signal: ac.signal, onProgress: (p) => progress.push(p.decided) });
    expect(performance.now() - t).toBeLessThan(5000);
    expect(r.valid).toBe('unknown');
    expect(r.unknownReason).toBe('interrupted');
    expect(r.partitionResults.map((p) => [p.key, p.valid])).toEqual(
      expect.arrayContaining([
        ['fast', true],
        ['slow', 'unknown'],
      ]),
    );
  });

  it('reports progress about once a second', async () => {
    const progress: { decided: number; elapsedMs: number; bytes: number }[] = [];
    const r = await checkLinearizabilityAsync(hopeless(12), slowRegister(5), { timeoutMs: 2500, onProgress: (p) => progress.push(p) });
    expect(r.unknownReason).toBe('timeout');
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThanOrEqual(3);
    expect(progress[0].elapsedMs).toBeGreaterThanOrEqual(1000);
  });
});

describe('nothing checked is never valid', () => {
  it('no client operations: unknown (empty), saying so', () => {
    const r = checkLinearizability([], reg());
    expect(r.valid).toBe('unknown');
    expect(r.unknownReason).toBe('empty');
    expect(r.unknownDetail).toMatch(/no client operations/);
  });

  it('no client operation completed ok (all failed or info): unknown (empty)', () => {
    const ops = [op(0, 0, 'write', 1, undefined, 0, 10, 'fail'), op(1, 1, 'write', 2, undefined, 0, 10, 'info')];
    const r = checkLinearizability(ops, reg());
    expect(r.valid).toBe('unknown');
    expect(r.unknownReason).toBe('empty');
    expect(r.unknownDetail).toMatch(/none of its 2 client operations completed ok/);
  });
});

describe('--initial', () => {
  it('kv starts every key with it; a non-string is refused', () => {
    const ops = [
      Object.assign(op(0, 0, 'get', null, 'x', 0, 10), { key: 'a' }),
      Object.assign(op(1, 1, 'append', 'y', 'y', 20, 30), { key: 'a' }),
      Object.assign(op(2, 0, 'get', null, 'xy', 40, 50), { key: 'a' }),
    ];
    expect(checkLinearizability(ops, getModel('kv', { initial: 'x' })).valid).toBe(true);
    expect(checkLinearizability(ops, getModel('kv')).valid).toBe(false);
    expect(checkLinearizability(ops, getModel('kv', { initial: 'x' }), { partition: false }).valid).toBe(true);
    expect(() => getModel('kv', { initial: 5 })).toThrow(/--initial for the kv model to be a JSON string/);
  });

  it('the models that always start the same way refuse it instead of ignoring it', () => {
    for (const name of ['set', 'mutex', 'fifo-queue'])
      expect(() => getModel(name, { initial: [] })).toThrow(new RegExp(`--initial does not apply to the ${name} model`));
    expect(() => getModel('set')).not.toThrow();
  });
});

describe('checkLinearizabilityAsync', () => {
  it('explains a violation as the synchronous check does (its explanation loads only then)', async () => {
    const ops = [op(0, 0, 'write', 1, 1, 0, 10), op(1, 1, 'write', 2, 2, 20, 30), op(2, 0, 'read', null, 1, 40, 50)];
    const sync = checkLinearizability(ops, reg());
    const async = await checkLinearizabilityAsync(ops, reg());
    expect(async.valid).toBe(false);
    expect(async.anomaly).toEqual(sync.anomaly);
    expect(async.partitionOps).toEqual(sync.partitionOps);
    const quiet = await checkLinearizabilityAsync(ops, reg(), { explain: false });
    expect(quiet.anomaly).toBeUndefined();
    expect(quiet.partitionOps).toHaveLength(3);
  });
});
