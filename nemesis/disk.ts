import { existsSync, realpathSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cgroupOf } from './cgroup.js';

/**
 * A slow disk for one node: block-I/O throttling (cgroup v1 blkio.throttle.*, v2
 * io.max) of the container's cgroup on the disk that holds its bind-mounted data
 * directory. Written from the host into the cgroup file (Docker's update API accepts
 * blkio device limits but does not apply them to a running container); the container
 * stays unprivileged. Only I/O that reaches the disk from the container's cgroup is
 * slowed: on cgroup v1 that is direct I/O and the writeback an fsync forces (which is
 * what a replicated log waits on), not background writeback of the page cache.
 */
export interface DiskLimit {
  /** whole disk, "major:minor" */
  device: string;
  writeIops: number | null;
  writeBps: number | null;
}

export interface DiskReadBack {
  version: 1 | 2;
  /** the lines of the cgroup's limit files that name the device */
  lines: string[];
}

/** the whole disk (major:minor) holding `dir`; a partition is mapped to its disk (throttling is per disk) */
export async function diskOf(dir: string): Promise<string> {
  const dev = (await stat(dir, { bigint: true })).dev;
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  const sys = `/sys/dev/block/${major}:${minor}`;
  if (!existsSync(sys))
    throw new Error(`${dir} is not on a block device (device ${major}:${minor}: a tmpfs, overlay or network file system): its disk cannot be throttled`);
  if (existsSync(path.join(sys, 'partition'))) return (await readFile(path.join(realpathSync(sys), '..', 'dev'), 'utf8')).trim();
  return `${major}:${minor}`;
}

/** the v1 controller; on a v2-only host cgroupOf falls back to the unified hierarchy (io.max) */
const CONTROLLER = 'blkio';
const V1_FILES = { writeIops: 'blkio.throttle.write_iops_device', writeBps: 'blkio.throttle.write_bps_device' } as const;

export async function readDiskLimit(containerPid: number, device: string): Promise<DiskReadBack> {
  const cg = await cgroupOf(containerPid, CONTROLLER);
  const files = cg.version === 1 ? Object.values(V1_FILES) : ['io.max'];
  const lines: string[] = [];
  for (const f of files) {
    for (const l of (await readFile(path.join(cg.dir, f), 'utf8')).split('\n')) if (l.startsWith(`${device} `)) lines.push(cg.version === 1 ? `${f}: ${l}` : l);
  }
  return { version: cg.version, lines };
}

async function write(containerPid: number, limit: DiskLimit): Promise<void> {
  const cg = await cgroupOf(containerPid, CONTROLLER);
  if (cg.version === 1) {
    await writeFile(path.join(cg.dir, V1_FILES.writeIops), `${limit.device} ${limit.writeIops ?? 0}\n`);
    await writeFile(path.join(cg.dir, V1_FILES.writeBps), `${limit.device} ${limit.writeBps ?? 0}\n`);
  } else {
    await writeFile(path.join(cg.dir, 'io.max'), `${limit.device} wiops=${limit.writeIops ?? 'max'} wbps=${limit.writeBps ?? 'max'}\n`);
  }
}

/** throttles the container's writes to `limit.device`; returns the read-back */
export async function startDiskLimit(containerPid: number, limit: DiskLimit): Promise<DiskReadBack> {
  await write(containerPid, limit);
  return readDiskLimit(containerPid, limit.device);
}

/** removes the limit (0 / max: none) and returns the read-back (no line for the device) */
export async function stopDiskLimit(containerPid: number, device: string): Promise<DiskReadBack> {
  await write(containerPid, { device, writeIops: null, writeBps: null });
  return readDiskLimit(containerPid, device);
}

/** the cgroup.procs file of the container's block-I/O cgroup (for a probe that must be throttled like the node) */
export async function blkioProcsFile(containerPid: number): Promise<string> {
  return path.join((await cgroupOf(containerPid, CONTROLLER)).dir, 'cgroup.procs');
}
