import type { Operation } from '../../src/history/types.js';

export { mulberry32 as prng } from '../../src/controller/random.js';

export function op(id: number, process: number, f: string, input: unknown, output: unknown, call: number, ret: number, outcome: Operation['outcome'] = 'ok'): Operation {
  return { id, process, f, input, output, outcome, call, ret: outcome === 'info' ? Infinity : ret, invokeIndex: -1, completeIndex: -1 };
}
