import { describe, expect, it } from 'vitest';
import { checkLinearizability } from '../../../checkers/linearizability/check.js';
import { getModel } from '../../../checkers/linearizability/models/index.js';
import { pairHistory } from '../../../src/history/pair.js';
import type { Op, Operation } from '../../../src/history/types.js';
import { InputError } from '../../../src/util/errors.js';
import { op } from '../../support/histories.js';

/** The InputError checking throws (or fails the test). */
function refusal(ops: Operation[], model: string, source?: Parameters<typeof checkLinearizability>[2]): InputError {
  try {
    const r = checkLinearizability(ops, getModel(model, { nilRead: 'value' }), source);
    throw new Error(`expected an InputError, got the verdict ${String(r.valid)}`);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
}

describe('each model refuses ops it cannot read, before any verdict', () => {
  it.each([
    ['a cas whose value is not a [from, to] pair', 'cas-register', [op(0, 0, 'cas', 5, 5, 0, 1)], /expected the cas value to be a pair \[from, to\]; got 5/],
    ['a cas of three values', 'cas-register', [op(0, 0, 'cas', [1, 2, 3], [1, 2, 3], 0, 1)], /pair \[from, to\]; got \[1,2,3\]/],
    ['an ok read with no value', 'cas-register', [op(0, 0, 'read', null, undefined, 0, 1)], /expected the ok read to carry the value it read/],
    ['a write with no value', 'register', [op(0, 0, 'write', undefined, undefined, 0, 1)], /expected the write to carry the value written; got no value/],
    ['a set read that is not a list', 'set', [op(0, 0, 'read', null, 3, 0, 1)], /expected the ok read to carry the set read, a list; got 3/],
    ['a set read with no value', 'set', [op(0, 0, 'read', null, undefined, 0, 1)], /a list; got no value/],
    ['an add with no value', 'set', [op(0, 0, 'add', undefined, undefined, 0, 1)], /expected the add to carry the element added/],
    ['a kv op with no key', 'kv', [op(0, 0, 'put', 'x', 'x', 0, 1)], /expected a kv op to name its key/],
    [
      'a kv put of a number',
      'kv',
      [Object.assign(op(0, 0, 'put', 5, 5, 0, 1), { key: 'k' })],
      /expected the put to carry a string \(kv values are strings\); got 5/,
    ],
    ['a kv get returning a number', 'kv', [Object.assign(op(0, 0, 'get', null, 5, 0, 1), { key: 'k' })], /expected the ok get to carry the string read/],
    ['an enqueue with no value', 'fifo-queue', [op(0, 0, 'enqueue', undefined, undefined, 0, 1)], /expected the enqueue to carry the value enqueued/],
    ['an ok dequeue with no value', 'fifo-queue', [op(0, 0, 'dequeue', null, undefined, 0, 1)], /expected the ok dequeue to carry the value dequeued/],
  ])('%s', (_, model, ops, message) => {
    expect(refusal(ops as Operation[], model).message).toMatch(message);
  });

  it('a failed or info read needs no value; a read invocation needs none either', () => {
    const m = getModel('cas-register', { nilRead: 'value' });
    expect(() => checkLinearizability([op(0, 0, 'read', undefined, undefined, 0, 1, 'info'), op(1, 1, 'write', 1, 1, 2, 3)], m)).not.toThrow();
    expect(() => checkLinearizability([op(0, 0, 'read', undefined, undefined, 0, 1, 'fail'), op(1, 1, 'write', 1, 1, 2, 3)], m)).not.toThrow();
  });

  it('names the file and the line of the event at fault (the completion for an ok read without value)', () => {
    const events: Op[] = [
      { index: 0, time: 0, type: 'invoke', process: 0, f: 'write', value: 1 },
      { index: 1, time: 1, type: 'ok', process: 0, f: 'write', value: 1 },
      { index: 2, time: 2, type: 'invoke', process: 1, f: 'read', value: null },
      { index: 3, time: 3, type: 'ok', process: 1, f: 'read', value: undefined },
    ];
    const { operations, source } = pairHistory(events, 'h.jsonl', [1, 2, 5, 9]);
    const err = refusal(operations, 'cas-register', { source });
    expect(err.file).toBe('h.jsonl');
    expect(err.line).toBe(9);
    expect(err.message).toMatch(/^h\.jsonl:9: expected the ok read to carry the value it read .*a read of process 1/);
    expect(err.exitCode).toBe(254);
  });

  it('an unknown f names the file and the invocation line, not <history>', () => {
    const events: Op[] = [
      { index: 0, time: 0, type: 'invoke', process: 0, f: 'enqueue', value: 1 },
      { index: 1, time: 1, type: 'ok', process: 0, f: 'enqueue', value: 1 },
    ];
    const { operations, source } = pairHistory(events, 'q.jsonl', [3, 4]);
    const err = refusal(operations, 'cas-register', { source });
    expect(err.message).toMatch(/^q\.jsonl:3: "enqueue" is not an operation of the cas-register model; expected one of read, write, cas/);
    // without a source the message says which event, never <history>
    expect(refusal(operations, 'cas-register').message).not.toMatch(/<history>/);
  });

  it('a malformed cas in an independent history is refused, not read as a plain history', () => {
    const ops = [
      op(0, 0, 'write', ['k', 1], ['k', 1], 0, 1),
      op(1, 1, 'cas', ['k', 5], ['k', 5], 2, 3), // [key, 5]: 5 is not [from, to]
      op(2, 2, 'read', ['k', null], ['k', 1], 4, 5),
    ];
    expect(refusal(ops, 'cas-register').message).toMatch(/expected the cas value to be a pair \[from, to\]; got 5/);
  });

  it('an op not in [key, value] form inside an independent history is refused', () => {
    const ops = [op(0, 0, 'write', ['k', 1], ['k', 1], 0, 1), op(1, 1, 'write', ['j', 2], ['j', 2], 2, 3), op(2, 2, 'write', 7, 7, 4, 5, 'fail')];
    expect(refusal(ops, 'cas-register').message).toMatch(/expected \[key, value\] as in the rest of this independent history; got 7/);
  });
});
