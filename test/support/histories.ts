import fc from 'fast-check';
import type { Model } from '../../checkers/linearizability/types.js';
import type { Operation } from '../../src/history/types.js';

export { mulberry32 as prng } from '../../src/controller/random.js';

export function op(
  id: number,
  process: number,
  f: string,
  input: unknown,
  output: unknown,
  call: number,
  ret: number,
  outcome: Operation['outcome'] = 'ok',
): Operation {
  return { id, process, f, input, output, outcome, call, ret: outcome === 'info' ? Infinity : ret, invokeIndex: -1, completeIndex: -1 };
}

/**
 * Random kv histories (get, put, append with empty appends) over `keys`: each op a
 * random interval, puts and appends possibly `info`. `fs` weights the fs by repetition.
 */
export function arbKvHistory(o: { fs: string[]; keys: string[]; maxLen: number; maxOps: number }): fc.Arbitrary<Operation[]> {
  const arbOp = fc.record({
    f: fc.constantFrom(...o.fs),
    key: fc.constantFrom(...o.keys),
    v: fc.constantFrom('x', 'y', ''),
    start: fc.integer({ min: 0, max: 40 }),
    len: fc.integer({ min: 0, max: o.maxLen }),
    info: fc.boolean(),
  });
  return fc.array(arbOp, { minLength: 1, maxLength: o.maxOps }).map((drawn) =>
    drawn.map((d, i) => {
      const outcome = d.info && d.f !== 'get' ? 'info' : 'ok';
      const x = op(i, i, d.f, d.f === 'get' ? null : d.v, d.f === 'get' ? d.v : undefined, d.start, d.start + d.len, outcome);
      x.key = d.key;
      return x;
    }),
  );
}

/**
 * Exhaustive oracle for small histories: some order of the ops (info ops optional)
 * respects real time and the model. A history where no op completed ok has nothing
 * to check: 'unknown', as the checker says.
 */
export function bruteForce(ops: Operation[], model: Model<unknown>): boolean | 'unknown' {
  if (!ops.some((o) => o.outcome === 'ok')) return 'unknown';
  const live = ops.filter((o) => o.outcome !== 'fail');
  const used = new Array<boolean>(live.length).fill(false);
  const search = (state: unknown): boolean => {
    if (!live.some((o, i) => !used[i] && o.outcome !== 'info')) return true;
    for (let i = 0; i < live.length; i++) {
      if (used[i]) continue;
      // i may go next only if no unused op returned before i was called
      if (live.some((o, j) => j !== i && !used[j] && o.ret < live[i].call)) continue;
      const next = model.step!(state, live[i]);
      if (next === undefined) continue;
      used[i] = true;
      if (search(next)) return true;
      used[i] = false;
    }
    return false;
  };
  return search(model.init());
}
