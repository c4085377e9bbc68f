import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCpu, startCpuLimit, stopCpuLimit } from '../../nemesis/cpu.js';
import { DOCKER, REQUIRE_DOCKER } from '../support/docker.js';
import { nodeCluster } from '../support/node-cluster.js';

/** CPU time a busy loop of `ms` wall-clock ms gets inside the container, ms */
async function cpuOfBusyLoop(container: string, ms: number): Promise<number> {
  const script = `const t = Date.now(); let n = 0; while (Date.now() - t < ${ms}) n++; const u = process.cpuUsage(); console.log((u.user + u.system) / 1000)`;
  const r = await execa('docker', ['exec', container, '/usr/bin/node', '-e', script]);
  return Number(r.stdout.trim());
}

describe.runIf(DOCKER || REQUIRE_DOCKER)('slow node: CPU quota on a real container', () => {
  let c: Awaited<ReturnType<typeof nodeCluster>>;

  beforeAll(async () => {
    c = await nodeCluster(1, 'cpu');
  }, 60_000);

  afterAll(async () => {
    await c?.destroy();
  });

  it('holds the container to a fifth of a CPU, read back from Docker and the cgroup, and puts it back', async () => {
    const { container } = await c.lookup('n1');
    const { before, after } = await startCpuLimit(container, 0.2, 100_000);
    expect(before.cgroup.quotaUs).toBe(-1);
    expect(after.docker).toEqual({ CpuPeriod: 100_000, CpuQuota: 20_000 });
    expect(after.cgroup).toMatchObject({ periodUs: 100_000, quotaUs: 20_000 });
    // the effect: a busy loop of 1.5 s gets about 0.3 s of CPU (node's own startup counts too: generous bound)
    const cpuMs = await cpuOfBusyLoop(container, 1500);
    expect(cpuMs).toBeLessThan(1500 * 0.2 + 250);
    expect((await readCpu(container)).nrThrottled).toBeGreaterThan(after.nrThrottled);
    const restored = await stopCpuLimit(container, before.docker);
    expect(restored.cgroup.quotaUs).toBe(-1);
    expect(restored.docker.CpuQuota).toBe(-1);
    expect(await cpuOfBusyLoop(container, 1000)).toBeGreaterThan(1000 * 0.2 * 1.5); // more than the quota would allow (the machine is shared)
  }, 60_000);
});
