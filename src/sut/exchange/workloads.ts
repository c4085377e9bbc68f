import type { AccountSpec, Workload } from '../../../workloads/workload.js';
import type { Completion, OpContext, SutNode, WorkloadClient } from '../types.js';
import type { Command, Query } from './api.js';
import type { NodeClient, Outcome } from './client.js';

type Url = (n: SutNode) => string;

/** A node's answer as a completion: on ok, `value` is what the history records. */
function complete(outcome: Outcome, value: (body: any) => unknown): Completion {
  if (outcome.type !== 'ok') return outcome;
  return { type: 'ok', value: value(outcome.body), node: outcome.body?.node };
}

/**
 * The exchange node's implementation of each workload's ops (the op contracts are
 * documented in workloads/<name>.ts). Writes are commands through the Raft log with
 * a client session (clientId = the Jepsen process, seq = its op number), so a retried
 * command is applied once; reads are queries answered per the node's read mode.
 */
export function exchangeWorkloadClient(client: NodeClient, url: Url, w: Workload): WorkloadClient {
  const command = (ctx: OpContext, c: Command): Promise<Outcome> => client.command(url(ctx.node), `p${ctx.process}`, ctx.seq, c);
  const query = (ctx: OpContext, q: Query): Promise<Outcome> => client.query(url(ctx.node), q);
  const setup = w.accounts ? (node: SutNode) => createAccounts(client, url(node), `${w.name}-setup`, w.accounts ?? []) : undefined;
  switch (w.name) {
    case 'register':
      return {
        async invoke(ctx, op) {
          const [key, v] = op.value as [string, unknown];
          if (op.f === 'read') return complete(await query(ctx, { type: 'kv.read', key }), (b) => [key, b.result.value]);
          const [from, to] = op.f === 'cas' ? (v as [unknown, unknown]) : [undefined, undefined];
          const c: Command = op.f === 'write' ? { type: 'kv.write', key, value: v } : { type: 'kv.cas', key, from, to };
          return complete(await command(ctx, c), () => op.value);
        },
      };
    case 'set':
      return {
        async invoke(ctx, op) {
          if (op.f === 'read') return complete(await query(ctx, { type: 'set.read' }), (b) => b.result.elements);
          return complete(await command(ctx, { type: 'set.add', element: op.value }), () => op.value);
        },
      };
    case 'append':
      return {
        async invoke(ctx, op) {
          const [key, element] = op.value as [string, unknown];
          if (op.f === 'read') return complete(await query(ctx, { type: 'list.read', key }), (b) => [key, b.result.elements]);
          return complete(await command(ctx, { type: 'kv.append', key, element }), () => op.value);
        },
      };
    case 'bank':
      return {
        setup,
        async invoke(ctx, op) {
          if (op.f === 'read') return complete(await query(ctx, { type: 'bank.read' }), (b) => b.result.balances);
          const { from, to, amount } = op.value as { from: string; to: string; amount: number };
          return complete(await command(ctx, { type: 'bank.transfer', from, to, amount }), () => op.value);
        },
      };
    case 'orders':
      return {
        setup,
        async invoke(ctx, op) {
          if (op.f === 'state') return complete(await query(ctx, { type: 'exchange.state' }), (b) => b.result.state);
          if (op.f === 'cancel')
            return complete(await command(ctx, { type: 'order.cancel', orderId: (op.value as { orderId: string }).orderId }), () => op.value);
          return complete(
            await command(ctx, { type: 'order.submit', ...(op.value as Omit<Extract<Command, { type: 'order.submit' }>, 'type'>) }),
            () => op.value,
          );
        },
      };
    default:
      throw new Error(`the exchange adapter has no client for workload ${w.name}`);
  }
}

/**
 * Creates accounts once, retrying through elections: an account that already exists
 * (a retried create that had taken effect) counts as created.
 */
async function createAccounts(client: NodeClient, url: string, clientId: string, accounts: readonly AccountSpec[]): Promise<void> {
  for (const [i, a] of accounts.entries()) {
    for (let attempt = 0; ; attempt++) {
      const r = await client.command(url, clientId, i + 1, { type: 'account.create', ...a });
      if (r.type === 'ok' || (r.type === 'fail' && r.error === 'account-exists')) break;
      if (attempt >= 50) throw new Error(`could not create account ${a.account}: ${r.type} ${'error' in r ? r.error : ''}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}
