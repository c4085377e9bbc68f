import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a process's cgroup for a controller lives on the host, on cgroup v1
 * (a hierarchy per controller, e.g. /sys/fs/cgroup/cpu/docker/<id>) or v2 (one
 * unified hierarchy): from /proc/<pid>/cgroup and /proc/self/mountinfo.
 */
export interface CgroupDir {
  dir: string;
  version: 1 | 2;
}

/** pure: the directory, given the two files' text; null if the controller is mounted nowhere */
export function cgroupDir(procCgroup: string, mountinfo: string, controller: string): CgroupDir | null {
  const entries = procCgroup
    .split('\n')
    .map((l) => /^(\d+):([^:]*):(.*)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ controllers: m[2].split(','), path: m[3] }));
  const mounts = mountinfo
    .split('\n')
    .map((l) => {
      // "<id> <parent> <maj:min> <root> <mount point> <options> ... - <fstype> <source> <super options>"
      const [left, right] = l.split(' - ');
      if (!right) return null;
      const f = left.split(' ');
      const [fstype, , superOpts] = right.split(' ');
      return { root: f[3], mountPoint: f[4], fstype, superOpts: (superOpts ?? '').split(',') };
    })
    .filter((m) => m !== null);
  const v1 = mounts.find((m) => m.fstype === 'cgroup' && m.superOpts.includes(controller));
  if (v1) {
    const e = entries.find((x) => x.controllers.includes(controller));
    if (e) return { dir: path.join(v1.mountPoint, path.relative(v1.root, e.path)), version: 1 };
  }
  const v2 = mounts.find((m) => m.fstype === 'cgroup2');
  const e = entries.find((x) => x.controllers.length === 1 && x.controllers[0] === '');
  if (v2 && e) return { dir: path.join(v2.mountPoint, path.relative(v2.root, e.path)), version: 2 };
  return null;
}

/** the cgroup of host process `pid` for `controller` */
export async function cgroupOf(pid: number, controller: string): Promise<CgroupDir> {
  const [procCgroup, mountinfo] = await Promise.all([readFile(`/proc/${pid}/cgroup`, 'utf8'), readFile('/proc/self/mountinfo', 'utf8')]);
  const found = cgroupDir(procCgroup, mountinfo, controller);
  if (!found) throw new Error(`no ${controller} cgroup found for pid ${pid}`);
  return found;
}
