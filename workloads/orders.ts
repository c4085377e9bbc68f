import { checkOrders } from '../checkers/orders.js';
import type { NodeClient } from '../src/controller/client.js';
import type { Workload } from './workload.js';

const AGENTS = ['mm0', 'mm1', 'mo0', 'mo1', 'nz0', 'nz1'];
const CASH = 1_000_000;
const SHARES = 10_000;

/**
 * Trading agents on one symbol: market makers quote both sides around a fair
 * price, momentum traders chase a drifting trend, noise traders trade at random;
 * all cancel some of their resting orders. Checked against the final exchange
 * state (checkers/orders.ts).
 */
export function ordersWorkload(): Workload {
  let next = 1;
  let fair = 100;
  let trend = 1;
  const placed: string[] = [];
  return {
    name: 'orders',
    async setup(client: NodeClient, url: string) {
      for (const [i, account] of AGENTS.entries()) {
        for (let attempt = 0; ; attempt++) {
          const r = await client.command(url, 'orders-setup', i + 1, { type: 'account.create', account, cash: CASH, positions: { X: SHARES } });
          if (r.type === 'ok' || (r.type === 'fail' && r.error === 'account-exists')) break;
          if (attempt > 50) throw new Error(`could not create ${account}`);
          await new Promise((res) => setTimeout(res, 100));
        }
      }
    },
    generate(rand) {
      if (placed.length > 0 && rand() < 0.15) {
        return { f: 'cancel', value: { orderId: placed[Math.floor(rand() * placed.length)] } };
      }
      fair = Math.max(60, Math.min(140, fair + (rand() < 0.5 ? -1 : 1)));
      if (rand() < 0.05) trend = -trend;
      const agent = AGENTS[Math.floor(rand() * AGENTS.length)];
      const orderId = `o${next++}`;
      placed.push(orderId);
      let side: 'buy' | 'sell';
      let price: number;
      if (agent.startsWith('mm')) {
        side = rand() < 0.5 ? 'buy' : 'sell';
        price = side === 'buy' ? fair - 1 - Math.floor(rand() * 2) : fair + 1 + Math.floor(rand() * 2);
      } else if (agent.startsWith('mo')) {
        side = trend > 0 ? 'buy' : 'sell';
        price = fair + trend * (1 + Math.floor(rand() * 3)); // crosses the spread
      } else {
        side = rand() < 0.5 ? 'buy' : 'sell';
        price = fair - 3 + Math.floor(rand() * 7);
      }
      return { f: 'submit', value: { orderId, account: agent, symbol: 'X', side, price, qty: 1 + Math.floor(rand() * 20) } };
    },
    async invoke(ctx, inv) {
      if (inv.f === 'state') {
        const outcome = await ctx.client.query(ctx.url, { type: 'exchange.state' });
        return { outcome, value: outcome.type === 'ok' ? outcome.body.result.state : null };
      }
      if (inv.f === 'cancel') {
        const { orderId } = inv.value as { orderId: string };
        return { outcome: await ctx.client.command(ctx.url, ctx.clientId, ctx.seq, { type: 'order.cancel', orderId }), value: inv.value };
      }
      const o = inv.value as { orderId: string; account: string; symbol: string; side: 'buy' | 'sell'; price: number; qty: number };
      return { outcome: await ctx.client.command(ctx.url, ctx.clientId, ctx.seq, { type: 'order.submit', ...o }), value: inv.value };
    },
    finalReads: () => [{ f: 'state', value: null }],
    check: (ops) => ({ orders: checkOrders(ops, { cash: CASH * AGENTS.length, shares: { X: SHARES * AGENTS.length } }) }),
  };
}
