import { checkLinearizability } from '../checkers/linearizability/check.js';
import { getModel } from '../checkers/linearizability/models/index.js';
import { pairHistory } from '../src/history/pair.js';
import { RUN_FILES } from '../src/store/layout.js';
import { fn, type Generator, type GenOp, PENDING } from './generator.js';
import type { Workload } from './workload.js';

export interface RegisterOptions {
  /** registers in use at a time (few keys → many concurrent ops per key) */
  keys: number;
  /** ops per key before the clients move on to fresh keys */
  opsPerKey: number;
  /** share of reads; the rest is writes and compare-and-set (3:2) */
  readShare: number;
  /** the linearizability checker's time budget */
  checkTimeoutMs: number;
}

export const REGISTER_DEFAULTS: RegisterOptions = { keys: 3, opsPerKey: 150, readShare: 0.5, checkTimeoutMs: 120_000 };

/**
 * Ops (what an adapter implements): `read [k, null]` → ok `[k, v]` (`null`: never
 * written); `write [k, v]`; `cas [k, [from, to]]`, which ends `fail` with
 * `precondition-failed` when the register does not hold `from`.
 *
 * Reads, unique writes and compare-and-set on a few independent registers at a time
 * (Jepsen's independent form: value = [key, v]), checked for linearizability per key
 * with the cas-register model. Like Jepsen's independent concurrent generator the
 * clients move on to fresh keys every `opsPerKey × keys` ops, so each key's history
 * stays short enough to check.
 */
export function registerGenerator(o: RegisterOptions = REGISTER_DEFAULTS, used: Set<string> = new Set()) {
  let nextValue = 1;
  let count = 0;
  // the last values written to each key: a cas expects one of them, so it has a fair
  // chance to succeed (Jepsen draws from a small range; our writes are unique instead)
  const recent = new Map<string, number[]>();
  return fn((ctx): GenOp => {
    const generation = Math.floor(count++ / (o.opsPerKey * o.keys));
    const key = `r${generation}-${Math.floor(ctx.rand() * o.keys)}`;
    used.add(key);
    const r = ctx.rand();
    if (r < o.readShare) return { f: 'read', value: [key, null] };
    let last = recent.get(key);
    if (!last) recent.set(key, (last = []));
    const cas = last.length > 0 && r >= o.readShare + (1 - o.readShare) * 0.6;
    const from = cas ? last[Math.floor(ctx.rand() * last.length)] : 0;
    const value = nextValue++;
    last.push(value);
    if (last.length > 3) last.shift();
    return cas ? { f: 'cas', value: [key, [from, value]] } : { f: 'write', value: [key, value] };
  });
}

/**
 * The final phase: one ok read of every key the load used, after healing (each read
 * tried again, up to `tries` times, if it did not end ok). Keys go out of use every few
 * seconds, and a replica that diverged while a key was in use (a follower that kept
 * entries it should have dropped, and leads later) is seen only if someone reads that
 * key again: the final reads do, on whichever node leads at the end.
 */
export function finalReads(keys: Iterable<string>, tries = 3): Generator {
  const queue = [...keys].map((key) => ({ key, left: tries }));
  const inflight = new Map<number, { key: string; left: number }>();
  return {
    next(ctx) {
      const k = queue.shift();
      if (!k) return inflight.size > 0 ? PENDING : null;
      inflight.set(ctx.thread, k);
      return { f: 'read', value: [k.key, null] };
    },
    update(e) {
      const k = inflight.get(e.thread);
      inflight.delete(e.thread);
      if (k && e.type !== 'ok' && --k.left > 0) queue.push(k);
    },
  };
}

export function registerWorkload(opts: Partial<RegisterOptions> = {}): Workload {
  const o = { ...REGISTER_DEFAULTS, ...opts };
  const used = new Set<string>();
  return {
    name: 'register',
    generator: () => registerGenerator(o, used),
    final: () => finalReads(used),
    checkers: {
      linearizable(ops) {
        const { operations, source } = pairHistory(ops, RUN_FILES.history);
        return checkLinearizability(operations, getModel('cas-register', { nilRead: 'value' }), { timeoutMs: o.checkTimeoutMs, source });
      },
    },
  };
}
