import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropFrom, flush } from '../../nemesis/iptables.js';
import { queueSpec, rateSpec, resolveNetemOptions } from '../../nemesis/netem-plan.js';
import { HELPERS, inNetns } from '../../nemesis/netns.js';
import { type NetNode, PacketFaults } from '../../nemesis/packet-faults.js';
import { hasNetns, leftoversIn, makeNetns, type TestNetns } from '../support/netns.js';

interface Dist {
  min: number;
  median: number;
  max: number;
}

describe.runIf(hasNetns())('packet faults with their evidence, on real network namespaces', () => {
  let net: TestNetns;
  let faults: PacketFaults;
  const o = resolveNetemOptions({ delayMs: 50, jitterMs: 10, duplicateProbability: 0.5, reorderProbability: 0.3 });

  beforeAll(() => {
    net = makeNetns(3);
    const byId = new Map(net.nodes.map((n) => [n.id, n]));
    const lookup = async (id: string): Promise<NetNode> => {
      const n = byId.get(id);
      if (!n) throw new Error(`no node ${id}`);
      return { id, ip: n.ip, pid: n.pid, container: '', dataDir: '' };
    };
    faults = new PacketFaults(
      net.nodes.map((n) => n.id),
      lookup,
      o,
    );
  });

  afterAll(async () => {
    await faults?.healAll();
    net?.destroy();
  });

  const noLeftovers = (): void => {
    for (const n of net.nodes) expect(leftoversIn(n.ns), n.id).toEqual({ rules: [], qdiscs: [] });
    expect([...HELPERS].map((h) => h.name)).toEqual([]);
  };

  it("delay on a node's links both ways: every round trip through it gains two delays, and stop proves it is gone", async () => {
    const start = await faults.apply({ f: 'start-delay', scope: { kind: 'node', node: 'n2', direction: 'both' }, queue: queueSpec('delay', o), seed: 9 });
    const v = start?.value as { links: string[]; rules: Record<string, number>; rttMs: Record<string, { before: Dist; during: Dist }> };
    expect(v.links.sort()).toEqual(['n1->n2', 'n2->n1', 'n2->n3', 'n3->n2']);
    expect(v.rules).toEqual({ n2: 2, n1: 1, n3: 1 });
    expect(Object.keys(v.rttMs).sort()).toEqual(['n1<->n2', 'n2<->n3']);
    for (const { before, during } of Object.values(v.rttMs)) {
      expect(before.max).toBeLessThan(20);
      expect(during.min).toBeGreaterThanOrEqual(79); // 2 × (50 − 10)
      expect(during.median).toBeLessThan(200);
    }
    expect(faults.inForce()).toEqual(['delay']);
    const stop = await faults.apply({ f: 'stop-delay' });
    expect(stop?.value).toMatchObject({ rulesLeft: { n1: 0, n2: 0, n3: 0 }, helpersLeft: 0 });
    expect(await faults.apply({ f: 'stop-delay' })).toBeNull();
    noLeftovers();
  }, 60_000);

  it('duplicate one way: the queue copied packets and TCP at the receiver saw the copies', async () => {
    const start = await faults.apply({
      f: 'start-duplicate',
      scope: { kind: 'link', a: 'n1', b: 'n3', direction: 'one-way' },
      queue: queueSpec('duplicate', o),
      seed: 10,
    });
    const v = start?.value as { queueCounters: Record<string, { duplicated: number }>; tcpCounters: Record<string, Record<string, number>> };
    expect(Object.keys(v.queueCounters)).toEqual(['n3']);
    expect(v.queueCounters.n3.duplicated).toBeGreaterThan(10);
    expect(v.tcpCounters.n3.TCPDSACKOldSent).toBeGreaterThan(0);
    await faults.apply({ f: 'stop-duplicate' });
    noLeftovers();
  }, 60_000);

  it('reorder both ways on a link: out-of-order segments at the receivers', async () => {
    const start = await faults.apply({
      f: 'start-reorder',
      scope: { kind: 'link', a: 'n1', b: 'n2', direction: 'both' },
      queue: queueSpec('reorder', o),
      seed: 11,
    });
    const v = start?.value as { queueCounters: Record<string, { reordered: number }>; tcpCounters: Record<string, Record<string, number>> };
    for (const id of ['n1', 'n2']) {
      expect(v.queueCounters[id].reordered).toBeGreaterThan(0);
      expect(v.tcpCounters[id].TCPOFOQueue).toBeGreaterThan(0);
    }
    await faults.apply({ f: 'stop-reorder' });
    noLeftovers();
  }, 60_000);

  it('queue faults overlap on one node: one netq per node whose table merges them, each stop removes only its part', async () => {
    const d = await faults.apply({ f: 'start-delay', scope: { kind: 'link', a: 'n1', b: 'n2', direction: 'one-way' }, queue: queueSpec('delay', o), seed: 12 });
    expect((d?.value as { rules: Record<string, number> }).rules).toEqual({ n2: 1 });
    const r = await faults.apply({ f: 'start-reorder', scope: { kind: 'node', node: 'n2', direction: 'inbound' }, queue: queueSpec('reorder', o), seed: 13 });
    const rv = r?.value as { rules: Record<string, number>; composedWith: string[]; rttMs: Record<string, { during: Dist }> };
    expect(rv.rules).toEqual({ n2: 2 }); // n1 (delayed and reordered) and n3 (reordered), on the same netq
    expect(rv.composedWith).toEqual(['delay']);
    expect(rv.rttMs['n1<->n2'].during.min).toBeGreaterThanOrEqual(39); // the delay is still in force under the reorder
    expect([...HELPERS].filter((h) => h.name.startsWith('netq'))).toHaveLength(1);
    expect(faults.inForce().sort()).toEqual(['delay', 'reorder']);
    const stopDelay = await faults.apply({ f: 'stop-delay' });
    // n1's rule stays: the reorder still holds n1 -> n2
    expect(stopDelay?.value).toMatchObject({ rulesLeft: { n2: 2 }, rulesOfOtherFaults: { n2: 2 }, helpersLeft: 0 });
    const { records, errors } = await faults.healAll();
    expect(errors).toEqual([]);
    expect(records.map((x) => x.f)).toEqual(['stop-reorder']);
    expect(records[0].value).toMatchObject({ rulesLeft: { n2: 0 }, helpersLeft: 0 });
    noLeftovers();
  }, 60_000);

  it('with a partition in force too: partitions decide first, probes that cannot pass are recorded, not fatal', async () => {
    const [n1, , n3] = net.nodes;
    // the partition fault's own code (nemesis/iptables.ts), through a runtime that runs nsenter
    const rt = {
      netns: async (pid: number, argv: readonly string[]) => {
        const r = await execa('nsenter', ['-t', String(pid), '-n', ...argv], { reject: false });
        return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
      },
    };
    await dropFrom(rt, n1.pid, 'FAULTLINE-PART', [n3.ip]);
    await dropFrom(rt, n3.pid, 'FAULTLINE-PART', [n1.ip]);
    try {
      const start = await faults.apply({
        f: 'start-delay',
        scope: { kind: 'link', a: 'n1', b: 'n3', direction: 'both' },
        queue: queueSpec('delay', o),
        seed: 15,
      });
      const v = start?.value as { rules: Record<string, number>; rttMs: Record<string, { before: { error?: string }; during: { error?: string } }> };
      expect(v.rules).toEqual({ n3: 1, n1: 1 });
      expect(v.rttMs['n1<->n3'].before.error).toMatch(/probe rtt from netns of pid \d+: connect/);
      expect(v.rttMs['n1<->n3'].during.error).toBeDefined();
      // the partition's chain comes first in INPUT, so a dropped packet is never queued
      const input = (await inNetns(n3.pid, 'iptables', ['-S', 'INPUT'])).split('\n').filter((l) => l.startsWith('-A INPUT'));
      expect(input).toEqual(['-A INPUT -j FAULTLINE-PART', '-A INPUT -j FAULTLINE-NETQ']);
      await faults.apply({ f: 'stop-delay' });
      // n3's rate is measured towards n1, which it cannot reach: recorded, and bounded in time
      const t = performance.now();
      const bw = await faults.apply({ f: 'start-bandwidth', nodes: ['n3'], rate: rateSpec(1000, 100) });
      expect(performance.now() - t).toBeLessThan(20_000);
      expect((bw?.value as { measured: Record<string, { to: string; duringKbit: unknown }> }).measured.n3).toMatchObject({
        to: 'n1',
        duringKbit: expect.stringMatching(/connect/),
      });
      await faults.apply({ f: 'stop-bandwidth' });
    } finally {
      for (const n of [n1, n3]) {
        await flush(rt, n.pid, 'FAULTLINE-PART');
        await execa('nsenter', ['-t', String(n.pid), '-n', 'iptables', '-w', '-D', 'INPUT', '-j', 'FAULTLINE-PART']);
        await execa('nsenter', ['-t', String(n.pid), '-n', 'iptables', '-w', '-D', 'OUTPUT', '-j', 'FAULTLINE-PART']);
        await execa('nsenter', ['-t', String(n.pid), '-n', 'iptables', '-w', '-X', 'FAULTLINE-PART']);
      }
    }
    expect((await inNetns(n3.pid, 'iptables', ['-S', 'INPUT'])).split('\n').filter((l) => l.includes('FAULTLINE-NETQ'))).toEqual([]);
    expect([...HELPERS].map((h) => h.name)).toEqual([]);
  }, 60_000);

  it('bandwidth: tbf listed back, the rate measured near the limit, removed on stop', async () => {
    const start = await faults.apply({ f: 'start-bandwidth', nodes: ['n3'], rate: rateSpec(4000, 100) });
    const v = start?.value as { qdiscs: Record<string, string[]>; measured: Record<string, { beforeKbit: number; duringKbit: number }> };
    expect(v.qdiscs.n3.join()).toMatch(/eth0 tbf .*rate 4Mbit/);
    expect(v.measured.n3.duringKbit).toBeGreaterThan(4000 * 0.8);
    expect(v.measured.n3.duringKbit).toBeLessThan(4000 * 1.25);
    expect(v.measured.n3.beforeKbit).toBeGreaterThan(v.measured.n3.duringKbit);
    const stop = await faults.apply({ f: 'stop-bandwidth' });
    expect(stop?.value).toMatchObject({ qdiscsLeft: { n3: [] } });
    noLeftovers();
  }, 60_000);
});
