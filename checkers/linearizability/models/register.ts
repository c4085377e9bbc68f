import { describe } from '../../../src/history/describe.js';
import type { Operation } from '../../../src/history/types.js';
import type { Model, ModelOptions, OpProblem } from '../types.js';
import { canonicalJson, show, valueEqual, valueHash } from './values.js';

/**
 * A read/write register, optionally with compare-and-set.
 * read: ok value = the value read; write v; cas [from, to] (ok iff state = from).
 * With nilRead 'unknown' a read of null/nil matches any state (Knossos' semantics);
 * with 'value' null is a value like any other (Porcupine's).
 */
/** the state after a write of a value no op of the partition can observe (see reduce) */
const UNREAD = Symbol('unread');

export function registerModel(opts: ModelOptions = {}, withCas = false): Model<unknown> {
  const nilUnknown = opts.nilRead === 'unknown';
  const initial = opts.initial === undefined ? null : opts.initial;
  return {
    name: withCas ? 'cas-register' : 'register',
    fs: withCas ? ['read', 'write', 'cas'] : ['read', 'write'],
    nilRead: nilUnknown ? 'unknown' : 'value',
    validate: validateRegisterOp,
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
    /**
     * Legality only ever compares the state with a read's output or a cas's `from`
     * (the observed values). A state holding any other value makes every read and
     * cas illegal (an info cas a no-op) and a write overwrites it, whatever it is;
     * so writing each unobserved value as one UNREAD value maps every order's
     * states through v ↦ (v observed ? v : UNREAD) and keeps exactly the same
     * orders legal, with fewer distinct states for the cache to tell apart.
     */
    reduce(ops) {
      // primitives by value in one set, objects by their canonical JSON (keys sorted,
      // as valueEqual ignores key order) in another
      const primitives = new Set<unknown>();
      const objects = new Set<string>();
      const observe = (v: unknown): void => {
        if (v !== null && typeof v === 'object') objects.add(canonicalJson(v));
        else primitives.add(v);
      };
      for (const op of ops) {
        if (op.f === 'read' && op.outcome === 'ok' && !(nilUnknown && op.output == null)) observe(op.output);
        else if (op.f === 'cas') observe(casArgs(op.input)[0]);
      }
      const map = (v: unknown): unknown => ((v !== null && typeof v === 'object' ? objects.has(canonicalJson(v)) : primitives.has(v)) ? v : UNREAD);
      let out: Operation[] | null = null; // copied on the first rewrite only
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i];
        let input: unknown;
        if (op.f === 'write') {
          input = map(op.input);
          if (input === op.input) continue;
        } else if (op.f === 'cas' && Array.isArray(op.input) && op.input.length === 2) {
          const to = map(op.input[1]);
          if (to === op.input[1]) continue;
          input = [op.input[0], to];
        } else continue;
        out ??= ops.slice();
        out[i] = { ...op, input, output: op.outcome === 'ok' ? input : op.output };
      }
      return out ?? ops;
    },
    // after reduce: in the unread state only writes (blind) and info cas (no-ops) are legal
    unreadWrite: (op) => op.f === 'write' && op.input === UNREAD,
    describeState: (s) => (s === UNREAD ? '(a value no read or cas observes)' : show(s)),
  };
}

/** A read's ok completion carries the value read; a write carries its value; a cas a [from, to] pair. */
function validateRegisterOp(op: Operation, input: unknown, output: unknown): OpProblem | undefined {
  switch (op.f) {
    case 'read':
      if (op.outcome === 'ok' && output === undefined)
        return { event: 'complete', message: 'expected the ok read to carry the value it read (nil for none); got no value' };
      return undefined;
    case 'write':
      if (input === undefined) return { event: 'invoke', message: 'expected the write to carry the value written; got no value' };
      return undefined;
    case 'cas':
      if (!Array.isArray(input) || input.length !== 2) {
        return { event: 'invoke', message: `expected the cas value to be a pair [from, to]; got ${describe(input)}` };
      }
      return undefined;
    default:
      return undefined;
  }
}

function casArgs(input: unknown): [unknown, unknown] {
  return Array.isArray(input) && input.length === 2 ? [input[0], input[1]] : [undefined, undefined];
}
