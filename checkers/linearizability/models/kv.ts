import type { Operation } from '../../../src/history/types.js';
import type { Model } from '../types.js';
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

const EMPTY: KvState = { s: '', h: 0 };

/**
 * Porcupine's key-value store: get / put / append on string values, "" initially.
 * The key is the op's `key` field (Porcupine's kv files) or the first element of
 * a `[key, value]` input (Jepsen's independent form). Partitioned by key.
 */
export function kvModel(): Model<KvState> {
  return {
    name: 'kv',
    fs: ['get', 'put', 'append'],
    init: () => EMPTY,
    split(op: Operation) {
      if (op.key !== undefined) return { key: op.key, op };
      const input = op.input;
      const output = op.output;
      if (!isKeyValuePair(input)) return { key: null, op };
      return {
        key: input[0],
        op: { ...op, input: input[1], output: isKeyValuePair(output) ? output[1] : output },
      };
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
