import type { AccountSpec, Workload } from '../../../workloads/workload.js';
import type { Completion, SutNode, WorkloadClient } from '../types.js';
import type { Compare, KeyValue, RangeRequest } from './api.js';
import type { EtcdClient, Reply } from './client.js';
import { b64, decodeValue, encodeValue, prefixEnd, unb64 } from './codec.js';

type Url = (n: SutNode) => string;

export interface EtcdWorkloadOptions {
  /** reads with `serializable: true`: answered by the member asked, from its own state */
  serializable: boolean;
  /** tries of a bank transfer whose compare lost to a concurrent transfer */
  transferAttempts: number;
}

/** Keys of each workload: one prefix apiece, the workload's own names after it. */
export const PREFIX = { register: 'r/', set: 's/', bank: 'b/' } as const;

/** a range over every key with this prefix, one revision (a snapshot) */
const prefixRange = (prefix: string, extra: Partial<RangeRequest> = {}): RangeRequest => ({ key: b64(prefix), range_end: prefixEnd(prefix), ...extra });

/** a failed reply as the op's completion; `node`: the member asked */
const failed = (r: Extract<Reply<unknown>, { ok: false }>, node: string): Completion => ({ type: r.type, error: r.error, node });

/**
 * etcd's implementation of each workload's ops (their contracts: workloads/<name>.ts),
 * over the v3 JSON gateway. Values are stored as their JSON text, so equal values
 * have equal bytes and a compare on the value is a compare-and-set.
 * - register: read = range of `r/<key>`; write = put; cas = a txn whose compare is
 *   the value equal to `from` and whose success branch puts `to` (compare false →
 *   `fail precondition-failed`: the txn committed but changed nothing).
 * - set: add = put of `s/<element as JSON>`; read = one range over `s/` (keys only),
 *   so every read is one revision of the whole set.
 * - bank: accounts are `b/<account>` holding a balance; read = one range over `b/`
 *   (one revision: a snapshot of every balance); transfer = read both balances, then
 *   a txn that compares both accounts' mod revisions with what was read and puts the
 *   two new balances. Not enough money in `from` → `fail insufficient-funds`
 *   (nothing was written). A compare that fails means another transfer changed an
 *   account in between: nothing was written, so it is safe to try again from the
 *   read, up to `transferAttempts` times; after the last, `fail compare-failed`.
 *   Retrying inside the op (rather than failing at once) keeps transfers succeeding
 *   under contention — 5 accounts, many clients — while staying honest: every try
 *   but the last provably had no effect, and an indefinite error stops the op as `info`.
 */
export function etcdWorkloadClient(client: EtcdClient, url: Url, w: Workload, o: EtcdWorkloadOptions): WorkloadClient {
  const serializable = o.serializable ? { serializable: true } : {};
  switch (w.name) {
    case 'register':
      return {
        async invoke(ctx, op) {
          const [key, v] = op.value as [string, unknown];
          const k = b64(PREFIX.register + key);
          const node = ctx.node.id;
          if (op.f === 'read') {
            const r = await client.range(url(ctx.node), { key: k, ...serializable });
            if (!r.ok) return failed(r, node);
            const kv = r.body.kvs?.[0];
            return { type: 'ok', value: [key, kv ? decodeValue(kv.value) : null], node };
          }
          if (op.f === 'write') {
            const r = await client.put(url(ctx.node), k, encodeValue(v));
            return r.ok ? { type: 'ok', value: op.value, node } : failed(r, node);
          }
          const [from, to] = v as [unknown, unknown];
          const r = await client.txn(url(ctx.node), {
            compare: [{ key: k, target: 'VALUE', result: 'EQUAL', value: encodeValue(from) }],
            success: [{ request_put: { key: k, value: encodeValue(to) } }],
          });
          if (!r.ok) return failed(r, node);
          return r.body.succeeded ? { type: 'ok', value: op.value, node } : { type: 'fail', error: 'precondition-failed', node };
        },
      };
    case 'set':
      return {
        async invoke(ctx, op) {
          const node = ctx.node.id;
          if (op.f === 'read') {
            const r = await client.range(url(ctx.node), prefixRange(PREFIX.set, { keys_only: true, ...serializable }));
            if (!r.ok) return failed(r, node);
            return { type: 'ok', value: (r.body.kvs ?? []).map((kv) => JSON.parse(unb64(kv.key).slice(PREFIX.set.length))), node };
          }
          const r = await client.put(url(ctx.node), b64(PREFIX.set + JSON.stringify(op.value)), encodeValue(op.value));
          return r.ok ? { type: 'ok', value: op.value, node } : failed(r, node);
        },
      };
    case 'bank':
      return {
        setup: (node) => createAccounts(client, url(node), w.accounts ?? []),
        async invoke(ctx, op) {
          const node = ctx.node.id;
          const read = () => client.range(url(ctx.node), prefixRange(PREFIX.bank, serializable));
          if (op.f === 'read') {
            const r = await read();
            return r.ok ? { type: 'ok', value: balances(r.body.kvs ?? []), node } : failed(r, node);
          }
          const { from, to, amount } = op.value as { from: string; to: string; amount: number };
          for (let attempt = 1; ; attempt++) {
            const r = await read();
            if (!r.ok) return { type: 'fail', error: r.error, node }; // nothing written yet
            const a = account(r.body.kvs ?? [], from);
            const b = account(r.body.kvs ?? [], to);
            if (!a || !b) return { type: 'fail', error: 'no-such-account', node };
            if (a.balance < amount) return { type: 'fail', error: 'insufficient-funds', node };
            const t = await client.txn(url(ctx.node), {
              compare: [mod(a.kv), mod(b.kv)],
              success: [
                { request_put: { key: a.kv.key, value: encodeValue(a.balance - amount) } },
                { request_put: { key: b.kv.key, value: encodeValue(b.balance + amount) } },
              ],
            });
            if (!t.ok) return failed(t, node);
            if (t.body.succeeded) return { type: 'ok', value: op.value, node };
            if (attempt >= o.transferAttempts) return { type: 'fail', error: 'compare-failed', node };
          }
        },
      };
    default:
      throw new Error(`the etcd adapter has no client for workload ${w.name}`);
  }
}

/** the account's key-value and balance, from a range over the accounts */
function account(kvs: readonly KeyValue[], name: string): { kv: KeyValue; balance: number } | null {
  const key = b64(PREFIX.bank + name);
  const kv = kvs.find((x) => x.key === key);
  return kv ? { kv, balance: decodeValue(kv.value) as number } : null;
}

const mod = (kv: KeyValue): Compare => ({ key: kv.key, target: 'MOD', result: 'EQUAL', mod_revision: kv.mod_revision ?? '0' });

/** {account: balance} from a range over the accounts */
export function balances(kvs: readonly KeyValue[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kv of kvs) out[unb64(kv.key).slice(PREFIX.bank.length)] = decodeValue(kv.value) as number;
  return out;
}

/**
 * Creates every account in one txn that puts them only if none exists yet (create
 * revision 0), retrying through elections: a retry after an indefinite error is safe,
 * since the compare stops a second creation; compare false means they exist.
 */
async function createAccounts(client: EtcdClient, url: string, accounts: readonly AccountSpec[]): Promise<void> {
  const keys = accounts.map((a) => b64(PREFIX.bank + a.account));
  for (let attempt = 0; ; attempt++) {
    const r = await client.txn(url, {
      compare: keys.map((key) => ({ key, target: 'CREATE', result: 'EQUAL', create_revision: '0' })),
      success: accounts.map((a, i) => ({ request_put: { key: keys[i], value: encodeValue(a.cash) } })),
    });
    if (r.ok) return;
    if (attempt >= 100) throw new Error(`could not create the bank accounts: ${r.type} ${r.error}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
