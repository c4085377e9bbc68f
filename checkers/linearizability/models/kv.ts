import type { Operation } from '../../../src/history/types.js';
import type { Model } from '../types.js';
import { isKeyValuePair, show, stringHash } from './values.js';

/**
 * Porcupine's key-value store: get / put / append on string values, "" initially.
 * The key is the op's `key` field (Porcupine's kv files) or the first element of
 * a `[key, value]` input (Jepsen's independent form). Partitioned by key.
 */
export function kvModel(): Model<string> {
  return {
    name: 'kv',
    fs: ['get', 'put', 'append'],
    init: () => '',
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
    step(state: string, op: Operation): string | undefined {
      switch (op.f) {
        case 'get':
          if (op.outcome !== 'ok') return state;
          return state === (op.output ?? '') ? state : undefined;
        case 'put':
          return String(op.input ?? '');
        case 'append':
          return state + String(op.input ?? '');
        default:
          return undefined;
      }
    },
    equal: (a, b) => a === b,
    hash: stringHash,
    isNoop: (op) => op.f === 'get' && op.outcome !== 'ok',
    describeOp: (op) => {
      const key = op.key !== undefined ? `${show(op.key)}, ` : '';
      if (op.f === 'get') return `get(${key.replace(/, $/, '')}) → ${op.outcome === 'ok' ? show(op.output ?? '') : '?'}`;
      return `${op.f}(${key}${show(op.input)})${op.outcome === 'info' ? ' (info)' : ''}`;
    },
    describeState: (s) => show(s),
  };
}
