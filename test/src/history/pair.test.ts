import { describe, expect, it } from 'vitest';
import { pairHistory } from '../../../src/history/pair.js';
import type { Op } from '../../../src/history/types.js';
import { InputError } from '../../../src/util/errors.js';

let idx = 0;
const op = (type: Op['type'], process: Op['process'], f: string, value: unknown = null, extra: Record<string, unknown> = {}): Op => {
  const i = idx++;
  return { index: i, time: i * 10, type, process, f, value, ...extra };
};

function pairError(ops: Op[], lines?: number[]): InputError {
  try {
    pairHistory(ops, 'h.jsonl', lines);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('pairHistory', () => {
  it('pairs per process, ids dense in invocation order', () => {
    idx = 0;
    const ops = [
      op('invoke', 0, 'write', 3),
      op('invoke', 1, 'read'),
      op('ok', 1, 'read', 3),
      op('invoke', 2, 'cas', [3, 4]),
      op('ok', 0, 'write', 3),
      op('fail', 2, 'cas', [3, 4], { error: 'precondition-failed' }),
      op('info', 'nemesis', 'start-partition', { n1: ['n2'] }),
      op('invoke', 1, 'write', 5, { key: 'k' }),
      op('info', 1, 'write', null),
      op('invoke', 3, 'read'),
    ];
    const { operations, nemesis } = pairHistory(ops);
    expect(nemesis).toEqual([ops[6]]);
    expect(operations.map((o) => [o.id, o.process, o.f, o.outcome])).toEqual([
      [0, 0, 'write', 'ok'],
      [1, 1, 'read', 'ok'],
      [2, 2, 'cas', 'fail'],
      [3, 1, 'write', 'info'],
      [4, 3, 'read', 'info'],
    ]);
    expect(operations[0]).toMatchObject({ input: 3, output: 3, call: 0, ret: 40, invokeIndex: 0, completeIndex: 4 });
    expect(operations[1]).toMatchObject({ input: null, output: 3, call: 10, ret: 20 });
    expect(operations[2]).toMatchObject({ error: 'precondition-failed', ret: 50 });
    expect(operations[3]).toMatchObject({ key: 'k', ret: Infinity, output: undefined, completeIndex: 8 });
    expect(operations[4]).toMatchObject({ ret: Infinity, completeIndex: -1 });
    expect(operations[0].key).toBeUndefined();
  });

  it('rejects a completion without an invocation, with its line', () => {
    idx = 0;
    const e = pairError([op('invoke', 0, 'read'), op('ok', 0, 'read', 1), op('ok', 0, 'read', 1)]);
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/^h\.jsonl:3: .*without an invocation/);
  });

  it('rejects a retired process invoking again', () => {
    idx = 0;
    const e = pairError([op('invoke', 4, 'write', 1), op('info', 4, 'write', 1), op('invoke', 4, 'read')], [7, 9, 12]);
    expect(e.line).toBe(12);
    expect(e.message).toMatch(/invokes again after its op ended info on line 9/);
  });

  it('rejects a process invoking while its op is open', () => {
    idx = 0;
    const e = pairError([op('invoke', 0, 'write', 1), op('invoke', 0, 'read')]);
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/has not completed/);
  });

  it('rejects an f mismatch between invocation and completion', () => {
    idx = 0;
    const e = pairError([op('invoke', 0, 'write', 1), op('ok', 0, 'read', 1)]);
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/expected a completion of write/);
  });

  it('pairs named (string) client processes but not the nemesis', () => {
    idx = 0;
    const { operations, nemesis } = pairHistory([
      op('invoke', 'nemesis', 'kill'),
      op('invoke', 'c1', 'read'),
      op('info', 'nemesis', 'kill', ['n1']),
      op('ok', 'c1', 'read', 2),
    ]);
    expect(nemesis).toHaveLength(2);
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ process: 'c1', output: 2, outcome: 'ok' });
  });
});

describe('pairHistory time order', () => {
  it('rejects a completion timed before its invocation', () => {
    const ops: Op[] = [
      { index: 0, time: 50, type: 'invoke', process: 0, f: 'read', value: null },
      { index: 1, time: 40, type: 'ok', process: 0, f: 'read', value: 1 },
    ];
    expect(() => pairHistory(ops, 'h.jsonl')).toThrow(/h\.jsonl:2: expected the completion's time 40 to be at or after its invocation's 50/);
  });
});
