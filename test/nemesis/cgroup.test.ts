import { describe, expect, it } from 'vitest';
import { cgroupDir } from '../../nemesis/cgroup.js';

const V1_MOUNTS = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct',
  '38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

const ID = 'c45744a5ce9d';

describe('cgroupDir', () => {
  it('cgroup v1: the hierarchy that carries the controller, even when it is mounted with another', () => {
    const proc = [`7:blkio:/docker/${ID}`, `1:cpu,cpuacct:/docker/${ID}`, `0::/docker/${ID}`].join('\n');
    expect(cgroupDir(proc, V1_MOUNTS, 'cpu')).toEqual({ dir: `/sys/fs/cgroup/cpu,cpuacct/docker/${ID}`, version: 1 });
    expect(cgroupDir(proc, V1_MOUNTS, 'blkio')).toEqual({ dir: `/sys/fs/cgroup/blkio/docker/${ID}`, version: 1 });
  });

  it('cgroup v2: the unified hierarchy', () => {
    const mounts = '30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate';
    expect(cgroupDir(`0::/system.slice/docker-${ID}.scope`, mounts, 'blkio')).toEqual({ dir: `/sys/fs/cgroup/system.slice/docker-${ID}.scope`, version: 2 });
  });

  it('a mount of a sub-tree (inside a container) is taken relative to its root', () => {
    const mounts = `50 40 0:29 /docker/${ID} /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu`;
    expect(cgroupDir(`1:cpu:/docker/${ID}/child`, mounts, 'cpu')).toEqual({ dir: '/sys/fs/cgroup/cpu/child', version: 1 });
  });

  it('null when the controller is mounted nowhere', () => {
    expect(cgroupDir('1:cpu:/', '32 31 0:29 / /x rw - tmpfs tmpfs rw', 'cpu')).toBeNull();
  });
});
