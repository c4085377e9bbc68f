import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Status } from '../../../../src/sut/etcd/api.js';
import { EtcdClient } from '../../../../src/sut/etcd/client.js';
import { statusToHealth } from '../../../../src/sut/etcd/status.js';
import { etcdWorkloadClient } from '../../../../src/sut/etcd/workloads.js';
import type { Completion, OpContext, SutNode } from '../../../../src/sut/types.js';
import { bankWorkload } from '../../../../workloads/bank.js';
import { registerWorkload } from '../../../../workloads/register.js';
import { setWorkload } from '../../../../workloads/set.js';
import { ETCD, type LocalEtcd, REQUIRE_ETCD, startLocalEtcd } from '../../../support/etcd.js';

/**
 * The etcd adapter's ops against a real etcd 3.4 member on loopback (no Docker):
 * what each op sends and how its answers and errors become completions.
 */
describe.runIf(ETCD || REQUIRE_ETCD)('etcd workload clients against a real etcd member', () => {
  let etcd: LocalEtcd;
  const client = new EtcdClient(2000);
  const node: SutNode = { id: 'n1', ip: '127.0.0.1' };
  const ctx = (process = 0): OpContext => ({ node, process, seq: 1 });
  const opts = { serializable: false, transferAttempts: 3 };

  beforeAll(async () => {
    expect(ETCD).toBe(true); // CI installs etcd-server (docker/host-setup.sh): never skip there
    etcd = await startLocalEtcd();
  });
  afterAll(async () => {
    client.close();
    await etcd?.stop();
  });

  it('register: read of an unwritten key is null, write then read, cas that matches and one that does not', async () => {
    const r = etcdWorkloadClient(client, () => etcd.url, registerWorkload(), opts);
    expect(await r.invoke(ctx(), { f: 'read', value: ['k1', null] })).toEqual({ type: 'ok', value: ['k1', null], node: 'n1' });
    expect(await r.invoke(ctx(), { f: 'write', value: ['k1', 3] })).toEqual({ type: 'ok', value: ['k1', 3], node: 'n1' });
    expect(await r.invoke(ctx(), { f: 'read', value: ['k1', null] })).toMatchObject({ type: 'ok', value: ['k1', 3] });
    expect(await r.invoke(ctx(), { f: 'cas', value: ['k1', [2, 5]] })).toEqual({ type: 'fail', error: 'precondition-failed', node: 'n1' });
    expect(await r.invoke(ctx(), { f: 'cas', value: ['k1', [3, 5]] })).toMatchObject({ type: 'ok', value: ['k1', [3, 5]] });
    expect(await r.invoke(ctx(), { f: 'read', value: ['k1', null] })).toMatchObject({ type: 'ok', value: ['k1', 5] });
    // a cas on a key never written fails: etcd's value compare on a missing key is false
    expect(await r.invoke(ctx(), { f: 'cas', value: ['k2', [null, 1]] })).toMatchObject({ type: 'fail', error: 'precondition-failed' });
  });

  it('register reads with serializable=true are answered too (one member: nothing to be stale against)', async () => {
    const r = etcdWorkloadClient(client, () => etcd.url, registerWorkload(), { ...opts, serializable: true });
    await r.invoke(ctx(), { f: 'write', value: ['s1', 7] });
    expect(await r.invoke(ctx(), { f: 'read', value: ['s1', null] })).toMatchObject({ type: 'ok', value: ['s1', 7] });
  });

  it('set: adds, and a read returns every element added, only those', async () => {
    const s = etcdWorkloadClient(client, () => etcd.url, setWorkload(), opts);
    for (const v of [1, 2, 10, 3]) expect(await s.invoke(ctx(), { f: 'add', value: v })).toMatchObject({ type: 'ok', value: v });
    const read = (await s.invoke(ctx(), { f: 'read', value: null })) as Extract<Completion, { type: 'ok' }>;
    expect((read.value as number[]).slice().sort((a, b) => a - b)).toEqual([1, 2, 3, 10]);
  });

  it('bank: setup creates the accounts once; transfers move money, refuse overdrafts; concurrent transfers keep the total', async () => {
    const w = bankWorkload({ accounts: 3, initial: 10 });
    const b = etcdWorkloadClient(client, () => etcd.url, w, opts);
    await b.setup?.(node);
    await b.setup?.(node); // a second setup finds them and leaves the balances alone
    expect(await b.invoke(ctx(), { f: 'read', value: null })).toMatchObject({ type: 'ok', value: { acct0: 10, acct1: 10, acct2: 10 } });
    expect(await b.invoke(ctx(), { f: 'transfer', value: { from: 'acct0', to: 'acct1', amount: 4 } })).toMatchObject({ type: 'ok' });
    expect(await b.invoke(ctx(), { f: 'transfer', value: { from: 'acct0', to: 'acct2', amount: 7 } })).toEqual({
      type: 'fail',
      error: 'insufficient-funds',
      node: 'n1',
    });
    expect(await b.invoke(ctx(), { f: 'read', value: null })).toMatchObject({ type: 'ok', value: { acct0: 6, acct1: 14, acct2: 10 } });
    // 30 transfers at once over 3 accounts: many lose the compare race, retry or give up; none creates or destroys money
    const done = await Promise.all(
      Array.from({ length: 30 }, (_, i) => b.invoke(ctx(i), { f: 'transfer', value: { from: `acct${i % 3}`, to: `acct${(i + 1) % 3}`, amount: 1 } })),
    );
    const ok = done.filter((d) => d.type === 'ok').length;
    expect(ok).toBeGreaterThan(0);
    expect(done.every((d) => d.type === 'ok' || (d.type === 'fail' && ['compare-failed', 'insufficient-funds'].includes(d.error)))).toBe(true);
    const after = (await b.invoke(ctx(), { f: 'read', value: null })) as Extract<Completion, { type: 'ok' }>;
    expect(Object.values(after.value as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(30);
    // with one attempt each, the losers of the race say so: the compare on mod revisions is what protects the balances
    const once = etcdWorkloadClient(client, () => etcd.url, w, { ...opts, transferAttempts: 1 });
    const raced = await Promise.all(
      Array.from({ length: 30 }, (_, i) => once.invoke(ctx(i), { f: 'transfer', value: { from: `acct${i % 3}`, to: `acct${(i + 1) % 3}`, amount: 1 } })),
    );
    expect(raced.some((d) => d.type === 'fail' && d.error === 'compare-failed')).toBe(true);
    const total = (await b.invoke(ctx(), { f: 'read', value: null })) as Extract<Completion, { type: 'ok' }>;
    expect(Object.values(total.value as Record<string, number>).reduce((x, y) => x + y, 0)).toBe(30);
  });

  it('the status of a lone member says it leads', async () => {
    const r = await client.post<Status>(etcd.url, '/v3/maintenance/status', {});
    expect(r.ok).toBe(true);
    if (r.ok) expect(statusToHealth('n1', r.body, new Map())).toMatchObject({ role: 'leader', leader: 'n1', term: expect.any(Number) });
  });

  it('a write to a member that is not listening fails definitely (nothing was sent); a read there fails too', async () => {
    const { url } = etcd;
    const dead = url.replace(/:\d+$/, ':1'); // port 1: nothing listens
    const r = etcdWorkloadClient(client, () => dead, registerWorkload(), opts);
    expect(await r.invoke(ctx(), { f: 'write', value: ['k9', 1] })).toEqual({ type: 'fail', error: 'econnrefused', node: 'n1' });
    expect(await r.invoke(ctx(), { f: 'read', value: ['k9', null] })).toMatchObject({ type: 'fail', error: 'econnrefused' });
  });
});
