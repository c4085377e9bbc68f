import type { Operation } from '../../../src/history/types.js';
import type { Model, ModelOptions } from '../types.js';
import { show, valueEqual, valueHash } from './values.js';

/**
 * A read/write register, optionally with compare-and-set.
 * read: ok value = the value read; write v; cas [from, to] (ok iff state = from).
 * With nilRead 'unknown' a read of null/nil matches any state (Knossos' semantics);
 * with 'value' null is a value like any other (Porcupine's).
 */
export function registerModel(opts: ModelOptions = {}, withCas = false): Model<unknown> {
  const nilUnknown = opts.nilRead === 'unknown';
  const initial = opts.initial === undefined ? null : opts.initial;
  return {
    name: withCas ? 'cas-register' : 'register',
    fs: withCas ? ['read', 'write', 'cas'] : ['read', 'write'],
    init: () => initial,
    step(state: unknown, op: Operation): unknown {
      switch (op.f) {
        case 'read':
          if (op.outcome !== 'ok' || (nilUnknown && op.output == null)) return state;
          return valueEqual(state, op.output) ? state : undefined;
        case 'write':
          return op.input;
        case 'cas': {
          const [from, to] = casArgs(op.input);
          if (op.outcome === 'info') return valueEqual(state, from) ? to : state;
          return valueEqual(state, from) ? to : undefined;
        }
        default:
          return undefined;
      }
    },
    equal: valueEqual,
    hash: valueHash,
    // a read, or a cas from v to v: never changes the state (a write does, even of the current value)
    readOnly: (op) => {
      if (op.f === 'read') return true;
      if (op.f !== 'cas' || !Array.isArray(op.input) || op.input.length !== 2) return false;
      return valueEqual(op.input[0], op.input[1]);
    },
    isNoop: (op) => op.f === 'read' && (op.outcome !== 'ok' || (nilUnknown && op.output == null)),
    describeOp: (op) => {
      const info = op.outcome === 'info' ? ' (info)' : '';
      if (op.f === 'read') return `read() → ${op.outcome === 'ok' ? show(op.output) : '?'}${info}`;
      if (op.f === 'cas') {
        const [from, to] = casArgs(op.input);
        return `cas(${show(from)}, ${show(to)})${info}`;
      }
      return `${op.f}(${show(op.input)})${info}`;
    },
    describeState: (s) => show(s),
  };
}

function casArgs(input: unknown): [unknown, unknown] {
  return Array.isArray(input) && input.length === 2 ? [input[0], input[1]] : [undefined, undefined];
}
