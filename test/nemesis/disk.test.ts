import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blkioProcsFile, diskOf, readDiskLimit, startDiskLimit, stopDiskLimit } from '../../nemesis/disk.js';
import { fsyncLatency } from '../../nemesis/probe.js';
import { DOCKER, REQUIRE_DOCKER } from '../support/docker.js';
import { nodeCluster } from '../support/node-cluster.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe.runIf(DOCKER || REQUIRE_DOCKER)('slow disk: block-I/O throttling of a real container', () => {
  let c: Awaited<ReturnType<typeof nodeCluster>>;

  beforeAll(async () => {
    c = await nodeCluster(1, 'disk');
  }, 60_000);

  afterAll(async () => {
    await c?.destroy();
  });

  it("throttles writes to the data directory's disk from the container's cgroup, and removes the limit", async () => {
    const n = await c.lookup('n1');
    const device = await diskOf(n.dataDir);
    expect(device).toMatch(/^\d+:\d+$/);
    const procs = await blkioProcsFile(n.pid);
    const dir = path.dirname(n.dataDir);
    const before = await fsyncLatency(dir, 5, procs);
    const readBack = await startDiskLimit(n.pid, { device, writeIops: 20, writeBps: null });
    expect(readBack.lines.join('\n')).toMatch(readBack.version === 1 ? new RegExp(`write_iops_device: ${device} 20`) : new RegExp(`${device} .*wiops=20`));
    const during = await fsyncLatency(dir, 5, procs);
    // at 20 writes/s each write + fdatasync (data and journal) waits at least one 50 ms slot
    expect(median(during)).toBeGreaterThan(40);
    expect(median(during)).toBeGreaterThan(median(before) * 5);
    // a process outside the container's cgroup is not slowed
    expect(median(await fsyncLatency(dir, 5, null))).toBeLessThan(40);
    const after = await stopDiskLimit(n.pid, device);
    expect(after.lines).toEqual([]);
    expect((await readDiskLimit(n.pid, device)).lines).toEqual([]);
    expect(median(await fsyncLatency(dir, 5, procs))).toBeLessThan(40);
  }, 60_000);

  it('says why a directory not on a block device cannot be throttled', async () => {
    await expect(diskOf('/proc')).rejects.toThrow(/\/proc is not on a block device/);
  });
});
