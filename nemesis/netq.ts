import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nativeBinary } from './native.js';
import { NETQ_CHAIN, netqArgs, netqConfig, ourRules, type QueueSpec, queueRule } from './netem-plan.js';
import { Helper, inNetns, tryInNetns } from './netns.js';

/**
 * The packet queue in one node's network namespace: a netq daemon bound to an NFQUEUE
 * queue, with a table of what to do to each sender's packets (a file it rereads on
 * SIGHUP, so faults that start and stop while others are in force only change the
 * table), and one iptables rule per sender in our chain FAULTLINE-NETQ, jumped to from
 * INPUT after the chains of partitions and loss (inserted at the top), so a dropped
 * packet is never queued. Each rule has --queue-bypass: if the daemon is gone, packets pass.
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
  /** sender address → what is done to its packets */
  specs: Map<string, QueueSpec>;
  daemon: Helper;
  configFile: string;
}

/** netq's tables live in <tmp>/faultline-netq-<controller pid>-*; those of controllers that died without a teardown (SIGKILL) go on the next start */
const CONFIG_PREFIX = 'faultline-netq-';
let staleRemoved = false;

/** removes the tables of controllers no longer running; returns how many */
export function removeStaleTables(): number {
  staleRemoved = true;
  let n = 0;
  for (const name of readdirSync(tmpdir())) {
    const m = new RegExp(`^${CONFIG_PREFIX}(\\d+)-`).exec(name);
    if (m && !alive(Number(m[1]))) {
      rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
      n++;
    }
  }
  return n;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const ipt = (pid: number, args: string[]): Promise<string> => inNetns(pid, 'iptables', ['-w', ...args]);
const tryIpt = (pid: number, args: string[]) => tryInNetns(pid, 'iptables', ['-w', ...args]);

async function ensureChain(pid: number): Promise<void> {
  await tryIpt(pid, ['-N', NETQ_CHAIN]);
  // appended: the chains of partitions and loss (inserted at the top) keep deciding first
  if (!(await tryIpt(pid, ['-C', 'INPUT', '-j', NETQ_CHAIN])).ok) await ipt(pid, ['-A', 'INPUT', '-j', NETQ_CHAIN]);
}

/**
 * Starts netq in the namespace of `pid` for the senders in `specs`. The daemon is bound
 * before the rules go in; if a rule fails, what was done is undone.
 */
export async function startNetq(o: {
  pid: number;
  specs: ReadonlyMap<string, QueueSpec>;
  queue: number;
  seed: number;
  rtPriority?: number;
}): Promise<NetqHandle> {
  if (!staleRemoved) removeStaleTables();
  const dir = mkdtempSync(path.join(tmpdir(), `${CONFIG_PREFIX}${process.pid}-`));
  const configFile = path.join(dir, 'senders');
  writeFileSync(configFile, netqConfig(o.specs));
  let daemon: Helper;
  try {
    daemon = await Helper.start(
      o.pid,
      nativeBinary('netq'),
      [...netqArgs(o.queue, NO_SPEC, o.seed, process.pid, o.rtPriority), '--config', configFile],
      `netq[${o.queue}]`,
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const h: NetqHandle = { pid: o.pid, queue: o.queue, specs: new Map(o.specs), daemon, configFile };
  try {
    await ensureChain(o.pid);
    for (const ip of h.specs.keys()) await ipt(o.pid, ['-A', NETQ_CHAIN, ...queueRule(ip, o.queue)]);
  } catch (err) {
    await stopNetq(h);
    throw err;
  }
  return h;
}

const NO_SPEC: QueueSpec = { delayMs: 0, jitterMs: 0, distribution: 'uniform', reorder: null, duplicate: null };

/**
 * A new table for a running daemon: rules of senders that leave go first, the daemon
 * rereads its table, then rules of new senders go in.
 */
export async function updateNetq(h: NetqHandle, specs: ReadonlyMap<string, QueueSpec>): Promise<void> {
  for (const ip of h.specs.keys()) if (!specs.has(ip)) await tryIpt(h.pid, ['-D', NETQ_CHAIN, ...queueRule(ip, h.queue)]);
  writeFileSync(h.configFile, netqConfig(specs));
  const answer = await h.daemon.request('SIGHUP', (l) => l.startsWith('reloaded') || l.startsWith('{"reloadError"'), 5000);
  if (!answer?.startsWith('reloaded')) throw new Error(`netq in netns of pid ${h.pid} did not take its new table: ${answer ?? 'no answer'}`);
  for (const ip of specs.keys()) if (!h.specs.has(ip)) await ipt(h.pid, ['-A', NETQ_CHAIN, ...queueRule(ip, h.queue)]);
  h.specs = new Map(specs);
}

/** the daemon's counters so far */
export const netqCounters = (h: NetqHandle): Promise<NetqCounters | null> => h.daemon.counters<NetqCounters>();

/**
 * Removes the rules first (no new packet is queued), then stops the daemon, which
 * releases everything it holds; the chain and its jump go when no rule is left.
 * `namespaceGone`: the node's process was replaced (a restart), so its namespace and
 * rules are gone and only the daemon is left to stop. Returns the daemon's final
 * counters and our rules left in the namespace (none).
 */
export async function stopNetq(h: NetqHandle, namespaceGone = false): Promise<{ counters: NetqCounters | null; rulesLeft: string[] }> {
  if (!namespaceGone) for (const ip of h.specs.keys()) await tryIpt(h.pid, ['-D', NETQ_CHAIN, ...queueRule(ip, h.queue)]);
  const counters = await h.daemon.stop<NetqCounters>();
  rmSync(path.dirname(h.configFile), { recursive: true, force: true });
  if (namespaceGone) return { counters, rulesLeft: [] };
  await removeChainIfEmpty(h.pid);
  return { counters, rulesLeft: await netqRules(h.pid) };
}

async function removeChainIfEmpty(pid: number): Promise<void> {
  const listed = await tryIpt(pid, ['-S', NETQ_CHAIN]);
  if (!listed.ok) return;
  if (listed.stdout.split('\n').some((l) => l.startsWith('-A '))) return; // rules of another queue
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
