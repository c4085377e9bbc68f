import { execa } from 'execa';

/**
 * iptables inside a container's network namespace, run from the host with
 * nsenter (the image needs no iptables). Our rules live in a chain of our own,
 * FAULTLINE, jumped to from INPUT and OUTPUT, so heal (flush) and verification
 * (list) touch nothing else.
 */
const CHAIN = 'FAULTLINE';

async function ipt(pid: number, args: string[], reject = true): Promise<{ exitCode: number; stdout: string }> {
  const r = await execa('nsenter', ['-t', String(pid), '-n', 'iptables', '-w', ...args], { reject: false });
  if (reject && r.exitCode !== 0) throw new Error(`iptables ${args.join(' ')} in netns of pid ${pid}: ${r.stderr}`);
  return { exitCode: r.exitCode ?? 1, stdout: r.stdout };
}

export async function ensureChain(pid: number): Promise<void> {
  await ipt(pid, ['-N', CHAIN], false);
  for (const hook of ['INPUT', 'OUTPUT']) {
    if ((await ipt(pid, ['-C', hook, '-j', CHAIN], false)).exitCode !== 0) await ipt(pid, ['-I', hook, '-j', CHAIN]);
  }
}

/** drop all inbound packets from these addresses */
export async function dropFrom(pid: number, ips: string[]): Promise<void> {
  await ensureChain(pid);
  for (const ip of ips) await ipt(pid, ['-A', CHAIN, '-s', ip, '-j', 'DROP']);
}

/** drop a random fraction of packets to and from these addresses */
export async function lossWith(pid: number, ips: string[], probability: number): Promise<void> {
  await ensureChain(pid);
  for (const ip of ips) {
    for (const dir of ['-s', '-d']) {
      await ipt(pid, ['-A', CHAIN, dir, ip, '-m', 'statistic', '--mode', 'random', '--probability', String(probability), '-j', 'DROP']);
    }
  }
}

export async function heal(pid: number): Promise<void> {
  await ipt(pid, ['-F', CHAIN], false);
}

/** our rules currently in force (for verification and the history) */
export async function rules(pid: number): Promise<string[]> {
  const r = await ipt(pid, ['-S', CHAIN], false);
  if (r.exitCode !== 0) return [];
  return r.stdout.split('\n').filter((l) => l.startsWith('-A '));
}
