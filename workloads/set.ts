import { checkSet } from '../checkers/set.js';
import { fn, mix, repeat, untilOk } from './generator.js';
import type { Workload } from './workload.js';

export interface SetOptions {
  /** share of reads among the load's ops */
  readShare: number;
}

export const SET_DEFAULTS: SetOptions = { readShare: 0.1 };

/** Unique adds to a grow-only set, periodic reads, and a final read after healing (Jepsen's set-full). */
export function setGenerator(o: SetOptions = SET_DEFAULTS) {
  let next = 1;
  return mix([fn(() => ({ f: 'add', value: next++ })), repeat({ f: 'read', value: null })], [1 - o.readShare, o.readShare]);
}

/** Ops: `add v`; `read null` → ok `[v, ...]`, every element added so far (a linearizable read). */
export function setWorkload(opts: Partial<SetOptions> = {}): Workload {
  const o = { ...SET_DEFAULTS, ...opts };
  return {
    name: 'set',
    generator: () => setGenerator(o),
    final: () => untilOk(repeat({ f: 'read', value: null })),
    checkers: { set: (ops) => checkSet(ops) },
  };
}
