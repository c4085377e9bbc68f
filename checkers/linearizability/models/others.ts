import type { Operation } from '../../../src/history/types.js';
import type { Model } from '../types.js';
import { show, valueEqual, valueHash } from './values.js';

/** A lock: acquire succeeds only when free, release only when held. */
export function mutexModel(): Model<boolean> {
  return {
    name: 'mutex',
    fs: ['acquire', 'release'],
    init: () => false,
    step(held: boolean, op: Operation) {
      if (op.f === 'acquire') return held ? undefined : true;
      if (op.f === 'release') return held ? false : undefined;
      return undefined;
    },
    equal: (a, b) => a === b,
    hash: (s) => (s ? 1 : 0),
    describeOp: (op) => `${op.f}()${op.outcome === 'info' ? ' (info)' : ''}`,
    describeState: (s) => (s ? 'held' : 'free'),
  };
}

/** A FIFO queue: enqueue v; dequeue → the oldest value (null/nil when empty). */
export function fifoQueueModel(): Model<readonly unknown[]> {
  return {
    name: 'fifo-queue',
    fs: ['enqueue', 'dequeue'],
    validate(op, input, output) {
      if (op.f === 'enqueue' && input === undefined) return { event: 'invoke', message: 'expected the enqueue to carry the value enqueued; got no value' };
      if (op.f === 'dequeue' && op.outcome === 'ok' && output === undefined) {
        return { event: 'complete', message: 'expected the ok dequeue to carry the value dequeued (nil when empty); got no value' };
      }
      return undefined;
    },
    init: () => [],
    step(queue, op) {
      if (op.f === 'enqueue') return [...queue, op.input];
      if (op.f !== 'dequeue') return undefined;
      if (op.outcome === 'info') return queue.length === 0 ? queue : queue.slice(1);
      if (queue.length === 0) return op.output == null ? queue : undefined;
      return valueEqual(queue[0], op.output) ? queue.slice(1) : undefined;
    },
    equal: (a, b) => a.length === b.length && a.every((v, i) => valueEqual(v, b[i])),
    hash: (q) => valueHash(q),
    describeOp: (op) =>
      op.f === 'dequeue' ? `dequeue() → ${op.outcome === 'ok' ? show(op.output) : '?'}` : `enqueue(${show(op.input)})${op.outcome === 'info' ? ' (info)' : ''}`,
    describeState: (q) => show(q),
  };
}
