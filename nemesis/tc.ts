import { interfaceWith, ourQdiscs, parseQdiscs, type Qdisc, type RateSpec, tbfArgs } from './netem-plan.js';
import { inNetns, tryInNetns } from './netns.js';

/**
 * A rate limit on what a node sends: tc tbf as the root qdisc of its interface,
 * inside its network namespace (`nsenter -t <pid> -n tc ...`).
 */

/** the interface of the namespace of `pid` that holds `ip` */
export async function interfaceOf(pid: number, ip: string): Promise<string> {
  const dev = interfaceWith(await inNetns(pid, 'ip', ['-o', '-4', 'addr', 'show']), ip);
  if (!dev) throw new Error(`no interface holds ${ip} in netns of pid ${pid}`);
  return dev;
}

export async function qdiscs(pid: number): Promise<Qdisc[]> {
  return parseQdiscs(await inNetns(pid, 'tc', ['qdisc', 'show']));
}

/** `add`, not `replace`: a root qdisc someone else put there is refused, not overwritten */
export async function startRateLimit(pid: number, dev: string, rate: RateSpec): Promise<Qdisc[]> {
  await inNetns(pid, 'tc', tbfArgs(dev, rate));
  return qdiscs(pid);
}

/** removes our root qdisc (the device falls back to its default) and lists what is left of ours (none) */
export async function stopRateLimit(pid: number, dev: string): Promise<Qdisc[]> {
  if ((await qdiscs(pid)).some((q) => q.dev === dev && q.root && q.kind === 'tbf')) await tryInNetns(pid, 'tc', ['qdisc', 'del', 'dev', dev, 'root']);
  return ourQdiscs(await qdiscs(pid));
}

/** every tbf root in the namespace removed (a teardown without handles); returns ours left */
export async function clearRateLimits(pid: number): Promise<Qdisc[]> {
  for (const q of ourQdiscs(await qdiscs(pid))) if (q.root) await tryInNetns(pid, 'tc', ['qdisc', 'del', 'dev', q.dev, 'root']);
  return ourQdiscs(await qdiscs(pid));
}
