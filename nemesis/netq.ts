import { nativeBinary } from './native.js';
import { NETQ_CHAIN, netqArgs, ourRules, type QueueSpec, queueRule } from './netem-plan.js';
import { Helper, inNetns, tryInNetns } from './netns.js';

/**
 * The packet queue in one node's network namespace: a netq daemon bound to an
 * NFQUEUE queue, and one iptables rule per sender in our chain FAULTLINE_NETQ (jumped
 * to from INPUT, after the FAULTLINE chain of partitions and loss, so dropped packets
 * are never queued). Each rule has --queue-bypass: if the daemon is gone, packets pass.
 */
export interface NetqCounters {
  received: number;
  released: number;
  duplicated: number;
  reordered: number;
  /** let through at once because the queue held its maximum */
  passedFull: number;
  held: number;
  maxHeld: number;
  verdictErrors: number;
  copyErrors: number;
  /** how late held packets (and copies) were released after their time: the queue's own error */
  late: { n: number; meanUs: number; maxUs: number; over1ms: number; over10ms: number };
}

export interface NetqHandle {
  /** host pid of a process in the namespace (the node's) */
  pid: number;
  queue: number;
  sources: string[];
  daemon: Helper;
}

const ipt = (pid: number, args: string[]): Promise<string> => inNetns(pid, 'iptables', ['-w', ...args]);
const tryIpt = (pid: number, args: string[]) => tryInNetns(pid, 'iptables', ['-w', ...args]);

async function ensureChain(pid: number): Promise<void> {
  await tryIpt(pid, ['-N', NETQ_CHAIN]);
  // appended: the FAULTLINE chain (inserted at the top) keeps deciding first
  if (!(await tryIpt(pid, ['-C', 'INPUT', '-j', NETQ_CHAIN])).ok) await ipt(pid, ['-A', 'INPUT', '-j', NETQ_CHAIN]);
}

/**
 * Starts netq in the namespace of `pid` for packets from `sources`. The daemon is bound
 * before the rules go in; if a rule fails, what was done is undone.
 */
export async function startNetq(o: { pid: number; sources: string[]; queue: number; spec: QueueSpec; seed: number; rtPriority?: number }): Promise<NetqHandle> {
  const daemon = await Helper.start(o.pid, nativeBinary('netq'), netqArgs(o.queue, o.spec, o.seed, process.pid, o.rtPriority), `netq[${o.queue}]`);
  const h: NetqHandle = { pid: o.pid, queue: o.queue, sources: [...o.sources], daemon };
  try {
    await ensureChain(o.pid);
    for (const ip of o.sources) await ipt(o.pid, ['-A', NETQ_CHAIN, ...queueRule(ip, o.queue)]);
  } catch (err) {
    await stopNetq(h);
    throw err;
  }
  return h;
}

/** the daemon's counters so far */
export const netqCounters = (h: NetqHandle): Promise<NetqCounters | null> => h.daemon.counters<NetqCounters>();

/**
 * Removes the rules first (no new packet is queued), then stops the daemon, which
 * releases everything it holds; the chain and its jump go when no rule is left.
 * Returns the daemon's final counters and our rules left in the namespace (none).
 */
export async function stopNetq(h: NetqHandle): Promise<{ counters: NetqCounters | null; rulesLeft: string[] }> {
  for (const ip of h.sources) await tryIpt(h.pid, ['-D', NETQ_CHAIN, ...queueRule(ip, h.queue)]);
  const counters = await h.daemon.stop<NetqCounters>();
  await removeChainIfEmpty(h.pid);
  return { counters, rulesLeft: await netqRules(h.pid) };
}

async function removeChainIfEmpty(pid: number): Promise<void> {
  const listed = await tryIpt(pid, ['-S', NETQ_CHAIN]);
  if (!listed.ok) return;
  if (listed.stdout.split('\n').some((l) => l.startsWith('-A '))) return; // another queue fault's rules
  while ((await tryIpt(pid, ['-D', 'INPUT', '-j', NETQ_CHAIN])).ok);
  await tryIpt(pid, ['-X', NETQ_CHAIN]);
}

/** Everything of ours in the namespace, gone: rules, jump, chain (a teardown without handles). */
export async function clearNetq(pid: number): Promise<string[]> {
  await tryIpt(pid, ['-F', NETQ_CHAIN]);
  await removeChainIfEmpty(pid);
  return netqRules(pid);
}

/** our rules in the namespace: the chain, jumps to it, any NFQUEUE rule (from `iptables -S`) */
export async function netqRules(pid: number): Promise<string[]> {
  return ourRules(await ipt(pid, ['-S']));
}
