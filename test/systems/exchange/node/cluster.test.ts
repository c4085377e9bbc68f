import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { command, LocalCluster, type LocalNode, query, sleep } from '../../../../systems/exchange/local-cluster.js';

let cluster: LocalCluster | null = null;
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
});

/** Adds elements through whichever node is leader, retrying on not-leader; records what was acknowledged. */
async function addLoop(c: LocalCluster, from: number, count: number, acked: Set<number>, clientId: string): Promise<void> {
  let leader: LocalNode = await c.leader();
  for (let v = from; v < from + count; v++) {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const r = await command(leader, clientId, v, { type: 'set.add', element: v }, 2000);
        if (r.status === 200) {
          acked.add(v);
          break;
        }
      } catch {
        // connection refused or timed out: the outcome is unknown; the session makes the retry safe
      }
      await sleep(30);
      leader = await c.leader().catch(() => leader);
    }
  }
}

/** every node's GET /v1/checkpoints, as index → head */
async function checkpointsOf(c: LocalCluster): Promise<Map<number, string>[]> {
  return Promise.all(
    c.nodes.map(async (n) => new Map(((await (await fetch(`${n.url}/v1/checkpoints`)).json()) as { checkpoints: [number, string][] }).checkpoints)),
  );
}

/** Does `n` apply up to `target` within 10 s? */
async function catchesUp(c: LocalCluster, n: LocalNode, target: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const h = await c.health(n);
    if (h !== null && h.appliedIndex >= target) return true;
    await sleep(50);
  }
  return false;
}

/** every node's GET /v1/digest, read again until all report one applied index (10 s at most) */
async function sameIndexDigests(c: LocalCluster): Promise<{ appliedIndex: number; digest: string }[]> {
  let ds: { appliedIndex: number; digest: string }[] = [];
  for (let i = 0; i < 200; i++) {
    ds = await Promise.all(c.nodes.map(async (n) => (await (await fetch(`${n.url}/v1/digest`)).json()) as { appliedIndex: number; digest: string }));
    if (ds.every((d) => d.appliedIndex === ds[0].appliedIndex)) break;
    await sleep(50);
  }
  return ds;
}

describe('a 3-node cluster of real processes on loopback', () => {
  it('elects a leader and serves linearizable reads', async () => {
    cluster = await LocalCluster.start(3);
    const leader = await cluster.leader();
    const w = await command(leader, 'c1', 1, { type: 'kv.write', key: 'x', value: 42 });
    expect(w.status).toBe(200);
    const r = await query(leader, { type: 'kv.read', key: 'x' });
    expect(r.body.result).toEqual({ type: 'kv.read', value: 42 });
    const follower = cluster.nodes.find((n) => n.id !== leader.id) as LocalNode;
    // a write commits with the faster follower's ack: on a loaded machine this one may not have heard from the leader yet
    for (let i = 0; i < 100 && (await cluster.health(follower))?.leader !== leader.id; i++) await sleep(50);
    const redirected = await command(follower, 'c1', 2, { type: 'kv.write', key: 'x', value: 43 });
    expect(redirected.status).toBe(421);
    expect(redirected.body.error).toMatchObject({ code: 'not-leader', definite: true, leader: { id: leader.id, url: leader.url } });
    const cas = await command(leader, 'c1', 3, { type: 'kv.cas', key: 'x', from: 7, to: 8 });
    expect(cas.body.error).toMatchObject({ code: 'precondition-failed', definite: true });
  });

  it('applies a retried (clientId, seq) once', async () => {
    cluster = await LocalCluster.start(3);
    const leader = await cluster.leader();
    await command(leader, 'acct', 1, { type: 'account.create', account: 'a', cash: 100 });
    await command(leader, 'acct', 2, { type: 'account.create', account: 'b', cash: 0 });
    const t1 = await command(leader, 'mover', 1, { type: 'bank.transfer', from: 'a', to: 'b', amount: 10 });
    const t2 = await command(leader, 'mover', 1, { type: 'bank.transfer', from: 'a', to: 'b', amount: 10 });
    expect(t1.status).toBe(200);
    expect(t2.status).toBe(200);
    const r = await query(leader, { type: 'bank.read' });
    expect(r.body.result.balances).toEqual({ a: 90, b: 10 });
    expect(leader.output.join('')).not.toContain('planted-bug');
  });

  it('with the planted bug sessions=off applies it twice, and logs that the bug acted', async () => {
    cluster = await LocalCluster.start(3, ['--sessions', 'off']);
    const leader = await cluster.leader();
    await command(leader, 'acct', 1, { type: 'account.create', account: 'a', cash: 100 });
    await command(leader, 'acct', 2, { type: 'account.create', account: 'b', cash: 0 });
    for (let i = 0; i < 2; i++) await command(leader, 'mover', 1, { type: 'bank.transfer', from: 'a', to: 'b', amount: 10 });
    const r = await query(leader, { type: 'bank.read' });
    expect(r.body.result.balances).toEqual({ a: 80, b: 20 });
    expect(leader.output.join('')).toContain('"event":"planted-bug","bug":"sessions=off","hits":1');
  });

  it('survives kill -9 of the leader mid-load without losing an acknowledged write', async () => {
    cluster = await LocalCluster.start(3);
    const c = cluster;
    const acked = new Set<number>();
    const first = await c.leader();
    const load = addLoop(c, 1, 400, acked, 'loader');
    while (acked.size < 100) await sleep(10);
    await c.kill(first); // real SIGKILL, mid-load
    const second = await c.leader();
    expect(second.id).not.toBe(first.id);
    await load;
    expect(acked.size).toBe(400); // writes continued through the new leader
    // the killed node restarts from its data directory and catches up
    c.spawn(first);
    expect(await catchesUp(c, first, (await c.health(second))?.commitIndex ?? 0)).toBe(true);
    // every acknowledged element is in the set, read with read-mode=index through the leader
    const leader = await c.leader();
    const r = await query(leader, { type: 'set.read' });
    const present = new Set<number>(r.body.result.elements);
    const missing = [...acked].filter((v) => !present.has(v));
    expect(missing).toEqual([]);
  });
});

describe('snapshots', () => {
  it('compacts the log, and a node that fell behind catches up by InstallSnapshot; restarts recover from snapshot + log', async () => {
    cluster = await LocalCluster.start(3, ['--snapshot-every', '50', '--checkpoint-every', '10']);
    const c = cluster;
    const leader = await c.leader();
    const lagging = c.nodes.find((n) => n !== leader) as LocalNode;
    await c.kill(lagging);
    const acked = new Set<number>();
    await addLoop(c, 1, 300, acked, 'snap');
    expect(acked.size).toBe(300);
    expect(existsSync(path.join(leader.dataDir, 'snapshot.bin'))).toBe(true);
    c.spawn(lagging);
    expect(await catchesUp(c, lagging, (await c.health(leader))?.appliedIndex ?? 0)).toBe(true);
    expect(lagging.output.join('')).toContain('snapshot-installed');
    await addLoop(c, 501, 30, acked, 'snap-more'); // entries the lagging node applies itself, after the snapshot
    expect(await catchesUp(c, lagging, (await c.health(leader))?.appliedIndex ?? 0)).toBe(true);
    // a node that came back by InstallSnapshot holds, at one applied index, the state the others built entry by entry
    const digests = await sameIndexDigests(c);
    expect(digests.map((d) => d.appliedIndex)).toEqual([digests[0].appliedIndex, digests[0].appliedIndex, digests[0].appliedIndex]);
    expect(new Set(digests.map((d) => d.digest)).size).toBe(1);
    expect(digests[0].digest).toMatch(/^[0-9a-f]{64}$/);
    // the applied-entry chain went on from the installed snapshot's head: at every position two nodes report, one head
    const before = await checkpointsOf(c);
    const lagged = before[c.nodes.indexOf(lagging)];
    expect([...lagged.keys()].every((i) => i > 50)).toBe(true); // it applied nothing below the snapshot itself
    expect(lagged.size).toBeGreaterThan(0);
    for (const [i, head] of lagged) for (const m of before) if (m.has(i)) expect(m.get(i)).toBe(head);
    // restart everything: state comes back from snapshot + WAL
    for (const n of c.nodes) await c.kill(n);
    for (const n of c.nodes) c.spawn(n);
    const again = await c.leader();
    // each node restored its own snapshot and replayed its own WAL: new entries extend the same chain on every node
    await addLoop(c, 1001, 30, acked, 'snap-after');
    const top = Math.max(...before.flatMap((m) => [...m.keys()]));
    for (const n of c.nodes) expect(await catchesUp(c, n, top + 30)).toBe(true);
    const after = await checkpointsOf(c);
    const fresh = [...after[0].keys()].filter((i) => i > top);
    expect(fresh.length).toBeGreaterThan(0);
    for (const i of fresh) expect(new Set(after.map((m) => m.get(i))).size).toBe(1);
    const r = await query(again, { type: 'set.read' });
    const present = new Set<number>(r.body.result.elements);
    expect([...acked].filter((v) => !present.has(v))).toEqual([]);
  });
});
