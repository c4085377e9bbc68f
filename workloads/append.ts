import { checkAppend } from '../checkers/append.js';
import { fn, type GenOp } from './generator.js';
import { finalReads } from './register.js';
import type { Workload } from './workload.js';

export interface AppendOptions {
  /** lists in use at a time */
  keys: number;
  /** ops per key before the clients move on to fresh keys (keeps each read's list short) */
  opsPerKey: number;
  /** share of reads; the rest is appends */
  readShare: number;
}

export const APPEND_DEFAULTS: AppendOptions = { keys: 3, opsPerKey: 200, readShare: 0.5 };

/**
 * Ops (what an adapter implements): `append [k, e]` → ok `[k, e]`, appends element `e`
 * to key k's list; `read [k, null]` → ok `[k, [e, ...]]`, the whole list (`[]`: never
 * appended to).
 *
 * Jepsen's append workload, one key per op: unique integer elements appended to a few
 * lists at a time, and reads of whole lists. An append applied twice (a retried command
 * a node did not deduplicate) shows its element twice in every later read of the key,
 * so the final read of every key used sees it even if no read fell between the two.
 * Like register, the clients move on to fresh keys every `opsPerKey × keys` ops.
 */
export function appendGenerator(o: AppendOptions = APPEND_DEFAULTS, used: Set<string> = new Set()) {
  let next = 1;
  let count = 0;
  return fn((ctx): GenOp => {
    const generation = Math.floor(count++ / (o.opsPerKey * o.keys));
    const key = `l${generation}-${Math.floor(ctx.rand() * o.keys)}`;
    used.add(key);
    return ctx.rand() < o.readShare ? { f: 'read', value: [key, null] } : { f: 'append', value: [key, next++] };
  });
}

export function appendWorkload(opts: Partial<AppendOptions> = {}): Workload {
  const o = { ...APPEND_DEFAULTS, ...opts };
  const used = new Set<string>();
  return {
    name: 'append',
    generator: () => appendGenerator(o, used),
    final: () => finalReads(used),
    checkers: { append: (ops) => checkAppend(ops) },
  };
}
