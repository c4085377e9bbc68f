import { describe } from '../../../src/history/describe.js';
import type { Operation } from '../../../src/history/types.js';
import { UsageError } from '../../../src/util/errors.js';
import type { Model, OpProblem } from '../types.js';
import { isKeyValuePair, show } from './values.js';

/**
 * A value with a rolling hash kept up to date on append, so interning a new state
 * costs O(1) instead of hashing a string that grows with every append.
 */
export interface KvState {
  s: string;
  h: number;
}

const B = 0x01000193;

function rolling(h: number, v: string): number {
  for (let i = 0; i < v.length; i++) h = (Math.imul(h, B) + v.charCodeAt(i)) | 0;
  return h;
}

/**
 * Porcupine's key-value store: get / put / append on string values, "" initially
 * (or `initial`, a string, for every key). The key is the op's `key` field
 * (Porcupine's kv files) or the first element of a `[key, value]` input (Jepsen's
 * independent form). Partitioned by key.
 */
export function kvModel(initial: unknown = ''): Model<KvState> {
  if (typeof initial !== 'string') {
    throw new UsageError(`expected --initial for the kv model to be a JSON string (every key starts with it; kv values are strings); got ${describe(initial)}`);
  }
  const start: KvState = { s: initial, h: rolling(0, initial) };
  const split = (op: Operation): { key: unknown; op: Operation } => {
    if (op.key !== undefined) return { key: op.key, op };
    const input = op.input;
    const output = op.output;
    if (!isKeyValuePair(input)) return { key: null, op };
    return {
      key: input[0],
      op: { ...op, input: input[1], output: isKeyValuePair(output) ? output[1] : output },
    };
  };
  return {
    name: 'kv',
    fs: ['get', 'put', 'append'],
    init: () => start,
    split,
    validate(op, input, output) {
      if (op.key !== undefined) return hasKey(op) ? validateKvOp(op, input, output) : noKey(op);
      if (!isKeyValuePair(input)) return noKey(op);
      return validateKvOp(op, input[1], isKeyValuePair(output) ? output[1] : output);
    },
    step(state: KvState, op: Operation): KvState | undefined {
      switch (op.f) {
        case 'get':
          if (op.outcome !== 'ok') return state;
          return state.s === (op.output ?? '') ? state : undefined;
        case 'put': {
          const v = String(op.input ?? '');
          return { s: v, h: rolling(0, v) };
        }
        case 'append': {
          const v = String(op.input ?? '');
          return { s: state.s + v, h: rolling(state.h, v) };
        }
        default:
          return undefined;
      }
    },
    equal: (a, b) => a.h === b.h && a.s === b.s,
    stateBytes: (state) => 48 + state.s.length,
    hash: (state) => state.h,
    readOnly: (op) => op.f === 'get' || (op.f === 'append' && String(op.input ?? '') === ''),
    isNoop: (op) => op.f === 'get' && op.outcome !== 'ok',
    describeOp: (op) => {
      const key = op.key !== undefined ? `${show(op.key)}, ` : '';
      if (op.f === 'get') return `get(${key.replace(/, $/, '')}) → ${op.outcome === 'ok' ? show(op.output ?? '') : '?'}`;
      return `${op.f}(${key}${show(op.input)})${op.outcome === 'info' ? ' (info)' : ''}`;
    },
    describeState: (state) => show(state.s),
  };
}

function hasKey(op: Operation): boolean {
  return typeof op.key === 'string' || typeof op.key === 'number';
}

function noKey(op: Operation): OpProblem {
  return { event: 'invoke', message: `expected a kv op to name its key (a "key" field, or the value as [key, value]); got ${describe(op.input)}` };
}

/** put and append carry a string; an ok get the string read (nil: the empty string). */
function validateKvOp(op: Operation, input: unknown, output: unknown): OpProblem | undefined {
  if (op.f === 'get') {
    if (op.outcome === 'ok' && output !== null && typeof output !== 'string') {
      return { event: 'complete', message: `expected the ok get to carry the string read (nil for none); got ${describe(output)}` };
    }
    return undefined;
  }
  if ((op.f === 'put' || op.f === 'append') && typeof input !== 'string') {
    return { event: 'invoke', message: `expected the ${op.f} to carry a string (kv values are strings); got ${describe(input)}` };
  }
  return undefined;
}
