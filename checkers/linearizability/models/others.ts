import type { Operation } from '../../../src/history/types.js';
import type { Model } from '../types.js';
import { show, stringHash, valueEqual, valueHash } from './values.js';

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

/**
 * A set: add v; read → every element (in any order). State is the canonical
 * (sorted JSON) text of the elements, so it interns and compares as a string.
 */
export function setModel(): Model<string> {
  const elements = (s: string): string[] => (s === '' ? [] : s.split('\u0000'));
  const canon = (values: unknown[]): string => [...new Set(values.map((v) => JSON.stringify(v)))].sort().join('\u0000');
  return {
    name: 'set',
    fs: ['add', 'read'],
    init: () => '',
    step(state, op) {
      if (op.f === 'add') {
        const e = JSON.stringify(op.input);
        const all = elements(state);
        if (all.includes(e)) return state;
        return [...all, e].sort().join('\u0000');
      }
      if (op.f !== 'read') return undefined;
      if (op.outcome !== 'ok') return state;
      if (!Array.isArray(op.output)) return undefined;
      return canon(op.output) === state ? state : undefined;
    },
    equal: (a, b) => a === b,
    hash: stringHash,
    readOnly: (op) => op.f === 'read',
    isNoop: (op) => op.f === 'read' && op.outcome !== 'ok',
    describeOp: (op) =>
      op.f === 'read' ? `read() → ${op.outcome === 'ok' ? show(op.output) : '?'}` : `add(${show(op.input)})${op.outcome === 'info' ? ' (info)' : ''}`,
    describeState: (s) => `#{${elements(s).join(' ')}}`,
  };
}
