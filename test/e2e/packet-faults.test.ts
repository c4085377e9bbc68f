import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueSpec, rateSpec, resolveNetemOptions } from '../../nemesis/netem-plan.js';
import { HELPERS } from '../../nemesis/netns.js';
import { PacketFaults, sweepNamespace } from '../../nemesis/packet-faults.js';
import { DOCKER, REQUIRE_DOCKER } from '../support/docker.js';
import { nodeCluster } from '../support/node-cluster.js';

/**
 * The five families on a real 3-node cluster of our node in Docker: the faults act on
 * the containers' namespaces and cgroups from the host, and the replicated writes of
 * the real system slow down under delay.
 */
describe.runIf(DOCKER || REQUIRE_DOCKER)('packet faults on a real Docker cluster', () => {
  let c: Awaited<ReturnType<typeof nodeCluster>>;
  let faults: PacketFaults;
  const o = resolveNetemOptions({ delayMs: 50, jitterMs: 10 });
  let value = 0;

  /** ms each of `n` committed writes took through the leader */
  async function writes(n: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await c.write('k', ++value));
    return out;
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  beforeAll(async () => {
    c = await nodeCluster(3, 'netq-e2e');
    faults = new PacketFaults(c.ids, c.lookup, o);
    await writes(1);
  }, 60_000);

  afterAll(async () => {
    await faults?.healAll();
    await c?.destroy();
  });

  it("delay on the leader's links, both ways: commits wait for the delayed round trip; gone after stop", async () => {
    const before = median(await writes(10));
    const leader = await c.leader();
    const start = await faults.apply({ f: 'start-delay', scope: { kind: 'node', node: leader, direction: 'both' }, queue: queueSpec('delay', o), seed: 1 });
    const rtt = Object.values((start?.value as { rttMs: Record<string, { during: { min: number } }> }).rttMs);
    expect(rtt).toHaveLength(2);
    for (const r of rtt) expect(r.during.min).toBeGreaterThanOrEqual(79);
    const during = median(await writes(10));
    const stop = await faults.apply({ f: 'stop-delay' });
    const after = median(await writes(10));
    // a commit needs a follower's ack: one delayed round trip (80–120 ms) at least
    expect(during).toBeGreaterThan(75);
    expect(during).toBeGreaterThan(before + 60);
    expect(after).toBeLessThan(during - 40);
    expect((stop?.value as { rulesLeft: Record<string, number> }).rulesLeft).toEqual({ n1: 0, n2: 0, n3: 0 });
  }, 120_000);

  it('duplicate, reorder and bandwidth start with evidence and stop clean; the cluster keeps committing', async () => {
    const dup = await faults.apply({ f: 'start-duplicate', scope: { kind: 'node', node: 'n1', direction: 'both' }, queue: queueSpec('duplicate', o), seed: 2 });
    await writes(5);
    await faults.apply({ f: 'stop-duplicate' });
    const d = dup?.value as { queueCounters: Record<string, { duplicated: number }> };
    expect(Object.values(d.queueCounters).reduce((s, x) => s + x.duplicated, 0)).toBeGreaterThan(0);

    const reo = await faults.apply({ f: 'start-reorder', scope: { kind: 'link', a: 'n2', b: 'n3', direction: 'both' }, queue: queueSpec('reorder', o), seed: 3 });
    await writes(5);
    await faults.apply({ f: 'stop-reorder' });
    expect((reo?.value as { tcpCounters: Record<string, { TCPOFOQueue: number }> }).tcpCounters.n3.TCPOFOQueue).toBeGreaterThan(0);

    const bw = await faults.apply({ f: 'start-bandwidth', nodes: ['n2'], rate: rateSpec(2000, 100) });
    await writes(5);
    await faults.apply({ f: 'stop-bandwidth' });
    const m = (bw?.value as { measured: Record<string, { duringKbit: number }> }).measured.n2.duringKbit;
    expect(m).toBeGreaterThan(2000 * 0.8);
    expect(m).toBeLessThan(2000 * 1.25);
  }, 120_000);

  it('slow: CPU quota and disk limit read back, fsync slowed in the node cgroup, all restored on stop', async () => {
    const start = await faults.apply({ f: 'start-slow', nodes: ['n3'], slow: { cpus: 0.2, periodUs: 100_000, diskWriteIops: 20, diskWriteBps: null } });
    const v = start?.value as { cpu: Record<string, { cgroup: { quotaUs: number } }>; disk: Record<string, { limits: string[]; fsyncMs: { before: { median: number }; during: { median: number } } }> };
    expect(v.cpu.n3.cgroup.quotaUs).toBe(20_000);
    expect(v.disk.n3.limits.length).toBeGreaterThan(0);
    expect(v.disk.n3.fsyncMs.during.median).toBeGreaterThan(40);
    expect(v.disk.n3.fsyncMs.during.median).toBeGreaterThan(v.disk.n3.fsyncMs.before.median * 5);
    const stop = await faults.apply({ f: 'stop-slow' });
    expect(stop?.value).toMatchObject({ cpu: { n3: { quotaUs: -1 } }, disk: { n3: { limitsLeft: 0 } } });
  }, 120_000);

  it("after every stop nothing of ours is left in any node's namespace, and no helper runs", async () => {
    expect(await faults.healAll()).toEqual([]);
    for (const id of c.ids) expect(await sweepNamespace((await c.lookup(id)).pid), id).toEqual({ rules: [], qdiscs: [] });
    expect([...HELPERS].map((h) => h.name)).toEqual([]);
  }, 60_000);
});
