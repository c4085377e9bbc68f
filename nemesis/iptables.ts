import type { NemesisRuntime } from './runtime.js';

/**
 * iptables inside a node's network namespace, run from the host (the image needs no
 * iptables). Each fault family has a chain of its own, jumped to from INPUT and
 * OUTPUT, so faults of different families can be in force together and a stop
 * flushes only its own rules; verification lists the chain back.
 */
export type Chain = 'FAULTLINE-PART' | 'FAULTLINE-LOSS' | 'FAULTLINE-LEASE' | 'FAULTLINE-CUTOFF';

type Net = Pick<NemesisRuntime, 'netns'>;

async function ipt(rt: Net, pid: number, args: string[], reject = true): Promise<{ exitCode: number; stdout: string }> {
  const r = await rt.netns(pid, ['iptables', '-w', ...args]);
  if (reject && r.exitCode !== 0) throw new Error(`iptables ${args.join(' ')} in the netns of pid ${pid}: ${r.stderr.trim()}`);
  return r;
}

export async function ensureChain(rt: Net, pid: number, chain: Chain): Promise<void> {
  await ipt(rt, pid, ['-N', chain], false);
  for (const hook of ['INPUT', 'OUTPUT']) {
    if ((await ipt(rt, pid, ['-C', hook, '-j', chain], false)).exitCode !== 0) await ipt(rt, pid, ['-I', hook, '-j', chain]);
  }
}

/** drop every inbound packet from these addresses */
export async function dropFrom(rt: Net, pid: number, chain: Chain, ips: readonly string[]): Promise<void> {
  await ensureChain(rt, pid, chain);
  for (const ip of ips) await ipt(rt, pid, ['-A', chain, '-s', ip, '-j', 'DROP']);
}

/** drop a random fraction of packets to and from these addresses */
export async function lossWith(rt: Net, pid: number, chain: Chain, ips: readonly string[], probability: number): Promise<void> {
  await ensureChain(rt, pid, chain);
  for (const ip of ips) {
    for (const dir of ['-s', '-d'])
      await ipt(rt, pid, ['-A', chain, dir, ip, '-m', 'statistic', '--mode', 'random', '--probability', String(probability), '-j', 'DROP']);
  }
}

export async function flush(rt: Net, pid: number, chain: Chain): Promise<void> {
  await ipt(rt, pid, ['-F', chain], false);
}

/** our rules in the chain now in force (verification, and the history) */
export async function rules(rt: Net, pid: number, chain: Chain): Promise<string[]> {
  const r = await ipt(rt, pid, ['-S', chain], false);
  if (r.exitCode !== 0) return [];
  return r.stdout.split('\n').filter((l) => l.startsWith('-A '));
}
