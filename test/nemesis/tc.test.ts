import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETEM_DEFAULTS, rateSpec } from '../../nemesis/netem-plan.js';
import type { Helper } from '../../nemesis/netns.js';
import { bandwidth, startProbeServer } from '../../nemesis/probe.js';
import { clearRateLimits, interfaceOf, qdiscs, startRateLimit, stopRateLimit } from '../../nemesis/tc.js';
import { hasNetns, leftoversIn, makeNetns, type TestNetns } from '../support/netns.js';

const PORT = NETEM_DEFAULTS.probePort;

describe.runIf(hasNetns())('tc tbf rate limit on real network namespaces', () => {
  let net: TestNetns;
  let server: Helper;

  beforeAll(async () => {
    net = makeNetns(2);
    server = await startProbeServer(net.nodes[1].pid, PORT);
  });

  afterAll(async () => {
    await server?.stop();
    net?.destroy();
  });

  it('holds what a node sends to the configured rate, and stop removes the qdisc', async () => {
    const [a, b] = net.nodes;
    const dev = await interfaceOf(a.pid, a.ip);
    expect(dev).toBe('eth0');
    const listed = await startRateLimit(a.pid, dev, rateSpec(2000, 100));
    expect(listed.find((q) => q.kind === 'tbf')).toMatchObject({ dev: 'eth0', root: true });
    // two seconds' worth at 2 Mbit/s
    const during = await bandwidth(a.pid, b.ip, PORT, 30_000, 500_000);
    const left = await stopRateLimit(a.pid, dev);
    const after = await bandwidth(a.pid, b.ip, PORT, 30_000, 500_000);
    expect(during.bitsPerSecond / 1000).toBeGreaterThan(2000 * 0.8);
    expect(during.bitsPerSecond / 1000).toBeLessThan(2000 * 1.25);
    expect(after.bitsPerSecond / 1000).toBeGreaterThan(20_000);
    expect(left).toEqual([]);
    expect(leftoversIn(a.ns).qdiscs).toEqual([]);
  }, 60_000);

  it('refuses to replace a root qdisc that is not ours; clearRateLimits removes ours', async () => {
    const [a] = net.nodes;
    await startRateLimit(a.pid, 'eth0', rateSpec(1000, 50));
    await expect(startRateLimit(a.pid, 'eth0', rateSpec(1000, 50))).rejects.toThrow(/tc qdisc add/);
    expect(await clearRateLimits(a.pid)).toEqual([]);
    expect((await qdiscs(a.pid)).some((q) => q.kind === 'tbf')).toBe(false);
  }, 30_000);
});
