import { checkLinearizability } from '../checkers/linearizability/check.js';
import { getModel } from '../checkers/linearizability/models/index.js';
import { pairHistory } from '../src/history/pair.js';
import type { Workload } from './workload.js';

/**
 * Reads, unique writes and compare-and-set on a few independent registers at a
 * time (Jepsen's independent form: value = [key, v]), checked for linearizability
 * per key. Like Jepsen's concurrent generator, the clients move on to fresh keys
 * every `opsPerKey × keys` ops, so each key's history stays short enough to check.
 */
export function registerWorkload(keys = 3, opsPerKey = 150): Workload {
  let nextValue = 1;
  let count = 0;
  return {
    name: 'register',
    generate(rand) {
      const generation = Math.floor(count++ / (opsPerKey * keys));
      const key = `r${generation}-${Math.floor(rand() * keys)}`;
      const r = rand();
      if (r < 0.5) return { f: 'read', value: [key, null] };
      if (r < 0.8) return { f: 'write', value: [key, nextValue++] };
      return { f: 'cas', value: [key, [Math.floor(rand() * nextValue), nextValue++]] };
    },
    async invoke(ctx, inv) {
      const [key, v] = inv.value as [string, unknown];
      if (inv.f === 'read') {
        const outcome = await ctx.client.query(ctx.url, { type: 'kv.read', key });
        return { outcome, value: outcome.type === 'ok' ? [key, outcome.body.result.value] : inv.value };
      }
      const command = inv.f === 'write' ? { type: 'kv.write' as const, key, value: v } : { type: 'kv.cas' as const, key, from: (v as number[])[0], to: (v as number[])[1] };
      const outcome = await ctx.client.command(ctx.url, ctx.clientId, ctx.seq, command);
      return { outcome, value: inv.value };
    },
    check(ops) {
      const { operations } = pairHistory(ops, 'history.jsonl');
      const result = checkLinearizability(operations, getModel('cas-register', { nilRead: 'value' }), { timeoutMs: 120_000 });
      return { linearizable: result };
    },
  };
}
