import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Docker from 'dockerode';
import { cgroupOf } from './cgroup.js';
import { cpuQuota } from './netem-plan.js';

/**
 * A slow node: its container held to a share of a CPU through the CFS quota
 * (`docker update` through dockerode), read back from Docker and from the cgroup.
 */
const docker = new Docker();

export interface CpuReadBack {
  /** HostConfig as Docker reports it (CpuQuota 0 or -1: no limit) */
  docker: { CpuPeriod: number; CpuQuota: number };
  /** what the kernel enforces (quota -1: no limit); null while the container is not running (it has no cgroup) */
  cgroup: { periodUs: number; quotaUs: number; file: string } | null;
  /** periods in which the cgroup was throttled, since it was created (0 with no cgroup) */
  nrThrottled: number;
}

export async function readCpu(container: string): Promise<CpuReadBack> {
  const info = await docker.getContainer(container).inspect();
  const dockerSide = { CpuPeriod: info.HostConfig.CpuPeriod ?? 0, CpuQuota: info.HostConfig.CpuQuota ?? 0 };
  if (!info.State.Running) return { docker: dockerSide, cgroup: null, nrThrottled: 0 };
  const cg = await cgroupOf(info.State.Pid, 'cpu');
  const read = (f: string): Promise<string> => readFile(path.join(cg.dir, f), 'utf8').then((s) => s.trim());
  let periodUs: number;
  let quotaUs: number;
  let file: string;
  if (cg.version === 1) {
    [periodUs, quotaUs] = (await Promise.all([read('cpu.cfs_period_us'), read('cpu.cfs_quota_us')])).map(Number);
    file = path.join(cg.dir, 'cpu.cfs_quota_us');
  } else {
    const [q, p] = (await read('cpu.max')).split(/\s+/);
    [periodUs, quotaUs] = [Number(p), q === 'max' ? -1 : Number(q)];
    file = path.join(cg.dir, 'cpu.max');
  }
  const stat = /nr_throttled (\d+)/.exec(await read('cpu.stat'));
  return { docker: dockerSide, cgroup: { periodUs, quotaUs, file }, nrThrottled: stat ? Number(stat[1]) : 0 };
}

/** holds the container to `cpus` of one CPU; returns the settings before (to restore) and the read-back after */
export async function startCpuLimit(container: string, cpus: number, periodUs: number): Promise<{ before: CpuReadBack; after: CpuReadBack }> {
  const before = await readCpu(container);
  await docker.getContainer(container).update(cpuQuota(cpus, periodUs));
  return { before, after: await readCpu(container) };
}

/** puts back what `before` had (no quota: -1, since Docker ignores 0 in an update) */
export async function stopCpuLimit(container: string, before: CpuReadBack['docker']): Promise<CpuReadBack> {
  const limited = before.CpuQuota > 0;
  await docker.getContainer(container).update(limited ? { CpuPeriod: before.CpuPeriod, CpuQuota: before.CpuQuota } : { CpuQuota: -1 });
  return readCpu(container);
}
