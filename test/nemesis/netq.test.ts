import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeBinary } from '../../nemesis/native.js';
import { NETEM_DEFAULTS, parseNetstat, queueRule, queueSpec, resolveNetemOptions } from '../../nemesis/netem-plan.js';
import { HELPERS, Helper } from '../../nemesis/netns.js';
import { clearNetq, type NetqCounters, netqCounters, netqRules, startNetq, stopNetq, updateNetq } from '../../nemesis/netq.js';
import { bandwidth, netstat, roundTrips, startProbeServer } from '../../nemesis/probe.js';
import { hasNetns, leftoversIn, makeNetns, type TestNetns } from '../support/netns.js';

const PORT = NETEM_DEFAULTS.probePort;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe.runIf(hasNetns())('netq on real network namespaces', () => {
  let net: TestNetns;
  let servers: Helper[] = [];
  const node = (i: number) => net.nodes[i - 1];
  const rtt = async (from: number, to: number, count = 10): Promise<number[]> => (await roundTrips(node(from).pid, node(to).ip, PORT, count)).samplesMs;
  const tcp = async (i: number): Promise<Record<string, number>> => parseNetstat(await netstat(node(i).pid));

  beforeAll(async () => {
    net = makeNetns(3);
    servers = await Promise.all(net.nodes.map((n) => startProbeServer(n.pid, PORT)));
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    net?.destroy();
  });

  it('delays one way by 50 ms ± 10 ms: round trips on that link only, back to normal after stop', async () => {
    const spec = queueSpec('delay', resolveNetemOptions({ delayMs: 50, jitterMs: 10 }));
    const before = await rtt(1, 2);
    const h = await startNetq({ pid: node(2).pid, specs: new Map([[node(1).ip, spec]]), queue: 1, seed: 1 });
    expect((await netqRules(node(2).pid)).join('\n')).toContain('-A FAULTLINE-NETQ -s 10.213.0.11/32');
    const during = await rtt(1, 2, 20);
    const other = await rtt(1, 3);
    const r = await stopNetq(h);
    const after = await rtt(1, 2);
    expect(Math.max(...before)).toBeLessThan(20);
    // held 40–60 ms on the way in; the way back is untouched (generous upper bound: busy machine)
    expect(Math.min(...during)).toBeGreaterThanOrEqual(39.5);
    expect(Math.max(...during)).toBeLessThan(120);
    expect(Math.max(...other)).toBeLessThan(20);
    expect(Math.max(...after)).toBeLessThan(20);
    expect(r.rulesLeft).toEqual([]);
    expect(r.counters?.received).toBeGreaterThanOrEqual(20);
    expect(r.counters?.released).toBe(r.counters?.received);
    expect(r.counters?.late.n).toBeGreaterThanOrEqual(20); // every held packet's lateness is counted
    expect(h.daemon.running).toBe(false);
    expect(leftoversIn(node(2).ns)).toEqual({ rules: [], qdiscs: [] });
  }, 60_000);

  it('releases on time while packets stream in: round trips beside a bulk transfer through the same queue', async () => {
    const spec = queueSpec('delay', resolveNetemOptions({ delayMs: 20, jitterMs: 0 }));
    const h = await startNetq({ pid: node(2).pid, specs: new Map([[node(1).ip, spec]]), queue: 1, seed: 6 });
    try {
      const [bulk, during] = await Promise.all([
        bandwidth(node(1).pid, node(2).ip, PORT, 1500),
        (async () => (await new Promise((r) => setTimeout(r, 300)), rtt(1, 2, 20)))(),
      ]);
      expect(bulk.bytes).toBeGreaterThan(1_000_000);
      expect(Math.min(...during)).toBeGreaterThanOrEqual(19.5);
      expect(median(during)).toBeLessThan(20 + 30); // generous: the bulk transfer and the daemon share 2 busy cores
    } finally {
      await stopNetq(h);
    }
  }, 60_000);

  it('releases between reads while packets keep arriving: copies due at once never wait for more than one batch of 64 reads', async () => {
    // with gap 0 every copy is due as soon as it is made; a read loop that ran until the
    // socket was empty held them all until the stream ended (maxHeld ≈ every packet)
    const spec = queueSpec('duplicate', resolveNetemOptions({ duplicateProbability: 1, duplicateGapMs: 0 }));
    const h = await startNetq({ pid: node(2).pid, specs: new Map([[node(1).ip, spec]]), queue: 2, seed: 7 });
    await bandwidth(node(1).pid, node(2).ip, PORT, 5000, 1_000_000);
    const r = await stopNetq(h);
    expect(r.counters?.received).toBeGreaterThan(500);
    expect(r.counters?.duplicated).toBe(r.counters?.received);
    expect(r.counters?.maxHeld).toBeLessThanOrEqual(64);
  }, 60_000);

  it('duplicates every packet: TCP sees the copies, the bytes arrive once and intact, no copy is queued again', async () => {
    const spec = queueSpec('duplicate', resolveNetemOptions({ duplicateProbability: 1, duplicateGapMs: 0 }));
    const t0 = await tcp(2);
    const h = await startNetq({ pid: node(2).pid, specs: new Map([[node(1).ip, spec]]), queue: 2, seed: 2 });
    const bw = await bandwidth(node(1).pid, node(2).ip, PORT, 5000, 300_000);
    const c = (await netqCounters(h)) as NetqCounters;
    const r = await stopNetq(h);
    const t1 = await tcp(2);
    expect(bw.bytes).toBe(300_000 - 1); // the server counts all but the mode byte
    // p = 1: every packet copied (a few copies of the last packets may still wait out their gap)
    expect(c.received).toBeGreaterThan(50);
    expect(c.duplicated).toBeLessThanOrEqual(c.received);
    expect(c.duplicated).toBeGreaterThanOrEqual(c.received * 0.9);
    // the marked copies were not queued again (else each copy would be copied, without end)
    expect(c.received).toBeLessThan(2000);
    expect(t1['TcpExt.TCPDSACKOldSent'] - t0['TcpExt.TCPDSACKOldSent']).toBeGreaterThan(0);
    expect(r.rulesLeft).toEqual([]);
  }, 60_000);

  it('reorders: a quarter of the packets held 20 ms longer arrive out of order, bytes intact', async () => {
    const spec = queueSpec('reorder', resolveNetemOptions({ reorderProbability: 0.25, reorderGapMs: 20 }));
    const t0 = await tcp(2);
    const h = await startNetq({ pid: node(2).pid, specs: new Map([[node(1).ip, spec]]), queue: 3, seed: 3 });
    const bw = await bandwidth(node(1).pid, node(2).ip, PORT, 5000, 1_000_000);
    const r = await stopNetq(h);
    const t1 = await tcp(2);
    expect(bw.bytes).toBe(1_000_000 - 1);
    expect(r.counters?.reordered).toBeGreaterThan(0);
    expect(t1['TcpExt.TCPOFOQueue'] - t0['TcpExt.TCPOFOQueue']).toBeGreaterThan(0);
  }, 60_000);

  it('traffic flows when the daemon is killed outright (--queue-bypass), and clearNetq removes the rules', async () => {
    const spec = queueSpec('delay', resolveNetemOptions({ delayMs: 30, jitterMs: 0 }));
    const h = await startNetq({ pid: node(2).pid, specs: new Map([[node(1).ip, spec]]), queue: 1, seed: 4 });
    expect(Math.min(...(await rtt(1, 2, 3)))).toBeGreaterThan(29);
    process.kill(h.daemon.pid as number, 'SIGKILL');
    await h.daemon.stop();
    expect((await netqRules(node(2).pid)).length).toBeGreaterThan(0); // the rule is still there ...
    expect(Math.max(...(await rtt(1, 2, 5)))).toBeLessThan(20); // ... and bypassed
    expect(await clearNetq(node(2).pid)).toEqual([]);
    expect((await stopNetq(h)).rulesLeft).toEqual([]); // and its table file goes
  }, 60_000);

  it('never drops when full: past --max-held packets pass at once', async () => {
    const ns = node(3);
    const daemon = await Helper.start(ns.pid, nativeBinary('netq'), ['--queue', '4', '--delay-us', '100000', '--max-held', '8'], 'netq');
    const { execa } = await import('execa');
    const ipt = (args: string[]) => execa('nsenter', ['-t', String(ns.pid), '-n', 'iptables', '-w', ...args]);
    await ipt(['-N', 'FAULTLINE-NETQ']);
    await ipt(['-A', 'INPUT', '-j', 'FAULTLINE-NETQ']);
    await ipt(['-A', 'FAULTLINE-NETQ', ...queueRule(node(1).ip, 4)]);
    try {
      const bw = await bandwidth(node(1).pid, ns.ip, PORT, 10_000, 2_000_000);
      const c = (await daemon.stop()) as NetqCounters;
      expect(bw.bytes).toBe(2_000_000 - 1);
      expect(c.passedFull).toBeGreaterThan(0);
      expect(c.maxHeld).toBeLessThanOrEqual(8);
      expect(c.released).toBe(c.received);
    } finally {
      await daemon.stop();
      expect(await clearNetq(ns.pid)).toEqual([]);
    }
  }, 60_000);

  it('a new table while it runs: senders come and go, their rules with them, and held packets are not lost', async () => {
    const o = resolveNetemOptions({ delayMs: 30, jitterMs: 0 });
    const h = await startNetq({ pid: node(2).pid, specs: new Map([[node(1).ip, queueSpec('delay', o)]]), queue: 1, seed: 8 });
    try {
      expect(Math.min(...(await rtt(1, 2, 3)))).toBeGreaterThan(29);
      expect(Math.max(...(await rtt(3, 2, 3)))).toBeLessThan(20);
      // n1 now 60 ms, n3 added at 30 ms
      await updateNetq(
        h,
        new Map([
          [node(1).ip, queueSpec('delay', resolveNetemOptions({ delayMs: 60, jitterMs: 0 }))],
          [node(3).ip, queueSpec('delay', o)],
        ]),
      );
      expect(Math.min(...(await rtt(1, 2, 3)))).toBeGreaterThan(59);
      expect(Math.min(...(await rtt(3, 2, 3)))).toBeGreaterThan(29);
      expect((await netqRules(node(2).pid)).filter((l) => l.includes('NFQUEUE'))).toHaveLength(2);
      // n1 leaves: its rule goes, its packets pass
      await updateNetq(h, new Map([[node(3).ip, queueSpec('delay', o)]]));
      expect(Math.max(...(await rtt(1, 2, 3)))).toBeLessThan(20);
      expect((await netqRules(node(2).pid)).filter((l) => l.includes('NFQUEUE')).join()).toContain(node(3).ip);
    } finally {
      const r = await stopNetq(h);
      expect(r.counters?.released).toBe(r.counters?.received);
      expect(r.rulesLeft).toEqual([]);
    }
  }, 60_000);

  it('a bad table is refused with the line, and a failed start leaves nothing behind', async () => {
    await expect(
      startNetq({ pid: node(2).pid, specs: new Map([['not-an-ip', queueSpec('delay', resolveNetemOptions())]]), queue: 1, seed: 5 }),
    ).rejects.toThrow(/senders:1: expected <ipv4> <delay_us>/);
    expect(leftoversIn(node(2).ns).rules).toEqual([]);
    expect([...HELPERS].filter((h) => h.name.startsWith('netq['))).toEqual([]);
  }, 30_000);
});
