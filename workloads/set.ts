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

export function setWorkload(opts: Partial<SetOptions> = {}): Workload {
  const o = { ...SET_DEFAULTS, ...opts };
  return {
    name: 'set',
    generator: () => setGenerator(o),
    final: () => untilOk(repeat({ f: 'read', value: null })),
    async invoke(ctx, op) {
      if (op.f === 'read') {
        const outcome = await ctx.client.query(ctx.url, { type: 'set.read' });
        return { outcome, value: outcome.type === 'ok' ? outcome.body.result.elements : null };
      }
      return { outcome: await ctx.client.command(ctx.url, ctx.clientId, ctx.seq, { type: 'set.add', element: op.value }), value: op.value };
    },
    checkers: { set: (ops) => checkSet(ops) },
  };
}
