import { checkSet } from '../checkers/set.js';
import type { Workload } from './workload.js';

/** Unique adds to a grow-only set, periodic reads, and a final read after healing. */
export function setWorkload(): Workload {
  let next = 1;
  return {
    name: 'set',
    generate(rand) {
      return rand() < 0.9 ? { f: 'add', value: next++ } : { f: 'read', value: null };
    },
    async invoke(ctx, inv) {
      if (inv.f === 'read') {
        const outcome = await ctx.client.query(ctx.url, { type: 'set.read' });
        return { outcome, value: outcome.type === 'ok' ? outcome.body.result.elements : null };
      }
      const outcome = await ctx.client.command(ctx.url, ctx.clientId, ctx.seq, { type: 'set.add', element: inv.value });
      return { outcome, value: inv.value };
    },
    finalReads: () => [{ f: 'read', value: null }],
    check: (ops) => ({ set: checkSet(ops) }),
  };
}
