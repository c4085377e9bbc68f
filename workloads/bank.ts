import { checkBank } from '../checkers/bank.js';
import type { NodeClient } from '../src/controller/client.js';
import type { Workload } from './workload.js';

/** Transfers between a few accounts and reads of all balances; totals must be conserved. */
export function bankWorkload(accounts = 5, initial = 100): Workload {
  const names = Array.from({ length: accounts }, (_, i) => `acct${i}`);
  return {
    name: 'bank',
    async setup(client: NodeClient, url: string) {
      for (const [i, account] of names.entries()) {
        for (let attempt = 0; ; attempt++) {
          const r = await client.command(url, 'bank-setup', i + 1, { type: 'account.create', account, cash: initial });
          if (r.type === 'ok' || (r.type === 'fail' && r.error === 'account-exists')) break;
          if (attempt > 50) throw new Error(`could not create ${account}: ${r.type} ${'error' in r ? r.error : ''}`);
          await new Promise((res) => setTimeout(res, 100));
        }
      }
    },
    generate(rand) {
      if (rand() < 0.4) return { f: 'read', value: null };
      const from = names[Math.floor(rand() * accounts)];
      let to = names[Math.floor(rand() * accounts)];
      if (to === from) to = names[(names.indexOf(from) + 1) % accounts];
      return { f: 'transfer', value: { from, to, amount: 1 + Math.floor(rand() * 5) } };
    },
    async invoke(ctx, inv) {
      if (inv.f === 'read') {
        const outcome = await ctx.client.query(ctx.url, { type: 'bank.read' });
        return { outcome, value: outcome.type === 'ok' ? outcome.body.result.balances : null };
      }
      const { from, to, amount } = inv.value as { from: string; to: string; amount: number };
      const outcome = await ctx.client.command(ctx.url, ctx.clientId, ctx.seq, { type: 'bank.transfer', from, to, amount });
      return { outcome, value: inv.value };
    },
    finalReads: () => [{ f: 'read', value: null }],
    check: (ops) => ({ bank: checkBank(ops, accounts * initial) }),
  };
}
