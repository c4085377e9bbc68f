import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLinearizability } from '../../../checkers/linearizability/check.js';
import { getModel, modelNames } from '../../../checkers/linearizability/models/index.js';
import type { Model } from '../../../checkers/linearizability/types.js';
import { pairHistory } from '../../../src/history/pair.js';
import { readHistory } from '../../../src/history/read.js';
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
      checkLinearizability([op(0, 0, 'acquire', null, null, 0, 10), op(1, 0, 'release', null, null, 20, 30), op(2, 1, 'acquire', null, null, 25, 40)], mutex).valid,
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
