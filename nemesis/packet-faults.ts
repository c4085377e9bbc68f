import path from 'node:path';
import { type CpuReadBack, startCpuLimit, stopCpuLimit } from './cpu.js';
import { blkioProcsFile, diskOf, startDiskLimit, stopDiskLimit } from './disk.js';
import {
  describeScope,
  distribution,
  expectedAddedRtt,
  type Link,
  linkName,
  linksOf,
  type NetemOptions,
  ourQdiscs,
  type PacketFamily,
  type PacketFaultAction,
  parseNetstat,
  probePairs,
  type QueueFamily,
  queueNumber,
  type QueueSpec,
  sendersByReceiver,
} from './netem-plan.js';
import type { Helper } from './netns.js';
import { clearNetq, type NetqCounters, type NetqHandle, netqCounters, netqRules, startNetq, stopNetq } from './netq.js';
import { bandwidth, fsyncLatency, netstat, roundTrips, startProbeServer } from './probe.js';
import { clearRateLimits, interfaceOf, qdiscs, startRateLimit, stopRateLimit } from './tc.js';

/** A node as these faults need it; `pid` is its container's main process on the host (0 when it is down). */
export interface NetNode {
  id: string;
  ip: string;
  pid: number;
  container: string;
  dataDir: string;
}

/** What a start or stop did, for the history (`value` of a nemesis op); the same shape as nemesis/nemesis.ts's. */
export interface FaultRecord {
  f: string;
  value: Record<string, unknown>;
}

const RTT_SAMPLES = 8;
/** a probe that takes longer has met something else (a partition): recorded as an error */
const PROBE_TIMEOUT_MS = 5000;
/** bytes pushed through each faulty link to show duplication and reordering in TCP's own counters */
const BULK_BYTES = 256 * 1024;
/** TCP counters that move when segments arrive twice or out of order */
const TCP_COUNTERS = ['TcpExt.TCPOFOQueue', 'TcpExt.TCPDSACKOldSent', 'TcpExt.DelayedACKLost'];

interface QueueFault {
  family: QueueFamily;
  links: Link[];
  /** receiver → its netq */
  handles: Map<string, NetqHandle>;
}

interface SlowNode {
  id: string;
  container: string;
  pid: number;
  before: CpuReadBack;
  disk: string | null;
}

/**
 * The delay, duplicate, reorder, bandwidth and slow families on a cluster: applies a
 * fault (nemesis/netem-plan.ts), proves it took effect — round trips measured before and
 * during from the nodes' own namespaces, the queue's and TCP's counters, bandwidth
 * measured, CPU quota and disk limits read back — and undoes it, proving nothing of
 * ours is left (rules, qdiscs, helper processes).
 */
export class PacketFaults {
  private readonly queues = new Map<QueueFamily, QueueFault>();
  private rate: Map<string, { pid: number; dev: string }> | null = null;
  private slow: SlowNode[] | null = null;
  /** one operation at a time: a heal that arrives (SIGINT) during a start waits for it, then undoes it too */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly nodeIds: readonly string[],
    private readonly lookup: (id: string) => Promise<NetNode>,
    private readonly o: NetemOptions,
  ) {}

  /** the family's start or stop; null for a stop with nothing in force */
  apply(a: PacketFaultAction): Promise<FaultRecord | null> {
    return this.exclusive(() => this.applyNow(a));
  }

  /** stops everything in force (after any operation under way) */
  healAll(): Promise<FaultRecord[]> {
    return this.exclusive(async () => {
      const out: FaultRecord[] = [];
      for (const f of [...this.active]) {
        const r = await this.applyNow({ f: `stop-${f}` });
        if (r) out.push(r);
      }
      return out;
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => {});
    return next;
  }

  private async applyNow(a: PacketFaultAction): Promise<FaultRecord | null> {
    switch (a.f) {
      case 'start-delay':
      case 'start-duplicate':
      case 'start-reorder':
        return this.startQueue(a.f.slice(6) as QueueFamily, a.scope, a.queue, a.seed);
      case 'start-bandwidth':
        return this.startRate(a.nodes, a.rate);
      case 'start-slow':
        return this.startSlow(a.nodes, a.slow);
      case 'stop-delay':
      case 'stop-duplicate':
      case 'stop-reorder':
        return this.stopQueue(a.f.slice(5) as QueueFamily);
      case 'stop-bandwidth':
        return this.stopRate();
      case 'stop-slow':
        return this.stopSlow();
    }
  }

  /** which of these families are in force */
  get active(): PacketFamily[] {
    return [...this.queues.keys(), ...(this.rate ? ['bandwidth' as const] : []), ...(this.slow ? ['slow' as const] : [])];
  }

  private nodes(ids: readonly string[]): Promise<NetNode[]> {
    return Promise.all(ids.map((id) => this.lookup(id)));
  }

  private async startQueue(family: QueueFamily, scope: Parameters<typeof linksOf>[0], spec: QueueSpec, seed: number): Promise<FaultRecord> {
    if (this.queues.has(family)) throw new Error(`a ${family} fault is already in force`);
    const links = linksOf(scope, this.nodeIds);
    const receivers = sendersByReceiver(links);
    // a packet a queue accepted skips the rest of the chain: a second queue on the same node would never see it
    for (const [other, q] of this.queues) {
      const shared = [...receivers.keys()].filter((r) => q.handles.has(r));
      if (shared.length > 0) throw new Error(`${family} cannot start while ${other} holds the packets arriving at ${shared.join(', ')}: one packet-queue fault per node at a time`);
    }
    const pairs = probePairs(links, this.nodeIds);
    const involved = [...new Set(pairs.flat())];
    const byId = new Map((await this.nodes(involved)).map((n) => [n.id, n]));
    const servers = await this.probeServers([...byId.values()]);
    const fault: QueueFault = { family, links, handles: new Map() };
    try {
      const before = await this.roundTrips(pairs, byId);
      const tcpBefore = await this.tcpCounters([...receivers.keys()], byId);
      this.queues.set(family, fault);
      let i = 0;
      for (const [receiver, senders] of receivers) {
        const n = byId.get(receiver) as NetNode;
        const h = await startNetq({ pid: n.pid, sources: senders.map((s) => (byId.get(s) as NetNode).ip), queue: queueNumber(family), spec, seed: (seed + i++) >>> 0, rtPriority: this.o.netqRtPriority });
        fault.handles.set(receiver, h);
      }
      const rules: Record<string, number> = {};
      for (const [id, h] of fault.handles) {
        rules[id] = (await netqRules(h.pid)).filter((l) => l.includes(`--queue-num ${h.queue} `)).length;
        if (rules[id] < h.sources.length) throw new Error(`${family} not in force on ${id}: ${rules[id]} queue rules for ${h.sources.length} senders`);
        if (!h.daemon.running) throw new Error(`${family} not in force on ${id}: netq exited`);
      }
      const during = await this.roundTrips(pairs, byId);
      const bulkErrors = family === 'delay' ? [] : await this.bulk(links, byId);
      const counters: Record<string, NetqCounters | null> = {};
      for (const [id, h] of fault.handles) counters[id] = await netqCounters(h);
      const tcp = this.tcpDelta(tcpBefore, await this.tcpCounters([...receivers.keys()], byId));
      const rttMs: Record<string, unknown> = {};
      for (const [a, b] of pairs) rttMs[`${a}<->${b}`] = { before: before[`${a} ${b}`], during: during[`${a} ${b}`], expectedAdded: expectedAddedRtt(links, a, b, spec) };
      return { f: `start-${family}`, value: { scope: describeScope(scope), links: links.map(linkName), spec, queue: queueNumber(family), rules, rttMs, queueCounters: counters, tcpCounters: tcp, ...(bulkErrors.length ? { probeErrors: bulkErrors } : {}) } };
    } catch (err) {
      await this.stopQueue(family).catch(() => {});
      throw err;
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }

  private async stopQueue(family: QueueFamily): Promise<FaultRecord | null> {
    const fault = this.queues.get(family);
    if (!fault) return null;
    this.queues.delete(family);
    const counters: Record<string, NetqCounters | null> = {};
    const rulesLeft: Record<string, number | 'namespace gone'> = {};
    // a daemon that died while the fault was in force let packets through unharmed (--queue-bypass) from then on
    const diedEarly = [...fault.handles].filter(([, h]) => !h.daemon.running).map(([id]) => id);
    const errors: Record<string, string> = {};
    for (const [id, h] of fault.handles) {
      try {
        const now = await this.lookup(id);
        if (now.pid === h.pid) {
          const r = await stopNetq(h);
          counters[id] = r.counters;
          rulesLeft[id] = r.rulesLeft.length;
        } else {
          // the container restarted (a kill fault): the namespace and its rules went with it
          counters[id] = await h.daemon.stop<NetqCounters>();
          rulesLeft[id] = now.pid > 0 ? (await netqRules(now.pid)).length : 'namespace gone';
        }
      } catch (err) {
        // the other nodes are still undone; this one's daemon at least is stopped
        errors[id] = (err as Error).message;
        await h.daemon.stop();
      }
    }
    const helpersLeft = [...fault.handles.values()].filter((h) => h.daemon.running).length;
    return { f: `stop-${family}`, value: { links: fault.links.map(linkName), queueCounters: counters, rulesLeft, helpersLeft, ...(diedEarly.length ? { daemonsDiedEarly: diedEarly } : {}), ...(Object.keys(errors).length ? { errors } : {}) } };
  }

  private async startRate(ids: string[], rate: Parameters<typeof startRateLimit>[2]): Promise<FaultRecord> {
    if (this.rate) throw new Error('a bandwidth fault is already in force');
    const nodes = await this.nodes(ids);
    const peerOf = async (n: NetNode): Promise<NetNode> => this.lookup(this.nodeIds.find((p) => p !== n.id) as string);
    const peers = await Promise.all(nodes.map(peerOf));
    const servers = await this.probeServers([...new Map(peers.map((p) => [p.id, p])).values()]);
    this.rate = new Map();
    try {
      const maxBytes = Math.ceil((rate.rateKbit * 1000) / 8) * 2; // two seconds' worth at the limit: the bucket's first burst weighs little
      const measure = (n: NetNode, i: number): Promise<{ bitsPerSecond: number; bytes: number } | { error: string }> =>
        bandwidth(n.pid, peers[i].ip, this.o.probePort, 30_000, maxBytes).catch((err: Error) => ({ error: err.message }));
      const before = await Promise.all(nodes.map(measure));
      const installed: Record<string, string[]> = {};
      for (const n of nodes) {
        const dev = await interfaceOf(n.pid, n.ip);
        this.rate.set(n.id, { pid: n.pid, dev });
        installed[n.id] = ourQdiscs(await startRateLimit(n.pid, dev, rate)).map((q) => `${q.dev} ${q.kind} ${q.detail}`);
        if (installed[n.id].length === 0) throw new Error(`bandwidth not in force on ${n.id}: no tbf qdisc listed`);
      }
      // the byte cap ends the sending, the deadline only bounds it
      const during = await Promise.all(nodes.map(measure));
      const kbit = (m: { bitsPerSecond: number } | { error: string }): number | string => ('error' in m ? m.error : Math.round(m.bitsPerSecond / 100) / 10);
      const measured = Object.fromEntries(nodes.map((n, i) => [n.id, { to: peers[i].id, beforeKbit: kbit(before[i]), duringKbit: kbit(during[i]), bytes: 'bytes' in during[i] ? during[i].bytes : 0 }]));
      return { f: 'start-bandwidth', value: { nodes: ids, rateKbit: rate.rateKbit, burstBytes: rate.burstBytes, latencyMs: rate.latencyMs, qdiscs: installed, measured } };
    } catch (err) {
      await this.stopRate().catch(() => {});
      throw err;
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }

  private async stopRate(): Promise<FaultRecord | null> {
    const rate = this.rate;
    if (!rate) return null;
    this.rate = null;
    const left: Record<string, string[] | 'namespace gone'> = {};
    const errors: Record<string, string> = {};
    for (const [id, { pid, dev }] of rate) {
      try {
        const now = await this.lookup(id);
        if (now.pid === pid) left[id] = (await stopRateLimit(pid, dev)).map((q) => `${q.dev} ${q.kind}`);
        else left[id] = now.pid > 0 ? ourQdiscs(await qdiscs(now.pid)).map((q) => `${q.dev} ${q.kind}`) : 'namespace gone';
      } catch (err) {
        errors[id] = (err as Error).message;
      }
    }
    return { f: 'stop-bandwidth', value: { nodes: [...rate.keys()], qdiscsLeft: left, ...(Object.keys(errors).length ? { errors } : {}) } };
  }

  private async startSlow(ids: string[], slow: Extract<PacketFaultAction, { f: 'start-slow' }>['slow']): Promise<FaultRecord> {
    if (this.slow) throw new Error('a slow fault is already in force');
    const nodes = await this.nodes(ids);
    this.slow = [];
    try {
      const cpu: Record<string, unknown> = {};
      const disk: Record<string, unknown> = {};
      for (const n of nodes) {
        const { before, after } = await startCpuLimit(n.container, slow.cpus, slow.periodUs);
        const s: SlowNode = { id: n.id, container: n.container, pid: n.pid, before, disk: null };
        this.slow.push(s);
        const want = Math.max(1000, Math.round(slow.cpus * slow.periodUs));
        if (after.cgroup.quotaUs !== want || after.cgroup.periodUs !== slow.periodUs) throw new Error(`slow not in force on ${n.id}: cgroup quota ${after.cgroup.quotaUs}/${after.cgroup.periodUs} µs, wanted ${want}/${slow.periodUs}`);
        cpu[n.id] = { docker: after.docker, cgroup: { quotaUs: after.cgroup.quotaUs, periodUs: after.cgroup.periodUs }, cpus: after.cgroup.quotaUs / after.cgroup.periodUs };
        if (slow.diskWriteIops !== null || slow.diskWriteBps !== null) {
          const device = await diskOf(n.dataDir);
          const probeDir = path.dirname(n.dataDir); // same disk, outside the node's own files
          const procs = await blkioProcsFile(n.pid);
          const fsyncBefore = distribution(await fsyncLatency(probeDir, 5, procs));
          s.disk = device;
          const readBack = await startDiskLimit(n.pid, { device, writeIops: slow.diskWriteIops, writeBps: slow.diskWriteBps });
          if (readBack.lines.length === 0) throw new Error(`slow disk not in force on ${n.id}: no limit on ${device} read back`);
          const fsyncDuring = distribution(await fsyncLatency(probeDir, 5, procs));
          disk[n.id] = { device, limits: readBack.lines, fsyncMs: { before: fsyncBefore, during: fsyncDuring } };
        }
      }
      return { f: 'start-slow', value: { nodes: ids, cpus: slow.cpus, periodUs: slow.periodUs, cpu, ...(Object.keys(disk).length ? { disk } : {}) } };
    } catch (err) {
      await this.stopSlow().catch(() => {});
      throw err;
    }
  }

  private async stopSlow(): Promise<FaultRecord | null> {
    const slow = this.slow;
    if (!slow) return null;
    this.slow = null;
    const cpu: Record<string, unknown> = {};
    const disk: Record<string, unknown> = {};
    const errors: Record<string, string> = {};
    for (const s of slow) {
      try {
        const now = await this.lookup(s.id);
        const after = await stopCpuLimit(s.container, s.before.docker);
        // periods in which the kernel held the node back while the fault was in force (a restarted container's count starts again)
        cpu[s.id] = { quotaUs: after.cgroup.quotaUs, periodUs: after.cgroup.periodUs, throttledPeriods: now.pid === s.pid ? after.nrThrottled - s.before.nrThrottled : null };
        // a restarted container has a new cgroup, without the disk limit
        if (s.disk) disk[s.id] = now.pid > 0 ? { device: s.disk, limitsLeft: (await stopDiskLimit(now.pid, s.disk)).lines.length } : { device: s.disk, limitsLeft: 'container down' };
      } catch (err) {
        errors[s.id] = (err as Error).message;
      }
    }
    return { f: 'stop-slow', value: { nodes: slow.map((s) => s.id), cpu, ...(Object.keys(disk).length ? { disk } : {}), ...(Object.keys(errors).length ? { errors } : {}) } };
  }

  private probeServers(nodes: NetNode[]): Promise<Helper[]> {
    return Promise.all(nodes.map((n) => startProbeServer(n.pid, this.o.probePort)));
  }

  /**
   * per pair "a b": the distribution of round trips from a to b, ms (with the TCP connect
   * time). A probe that fails (a partition in force as well) is recorded as such: the
   * fault's being in force is proven by its rules and daemons, the probe shows its effect.
   */
  private async roundTrips(pairs: [string, string][], byId: Map<string, NetNode>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    await Promise.all(
      pairs.map(async ([a, b]) => {
        try {
          const r = await roundTrips((byId.get(a) as NetNode).pid, (byId.get(b) as NetNode).ip, this.o.probePort, RTT_SAMPLES, PROBE_TIMEOUT_MS);
          out[`${a} ${b}`] = { connect: Math.round(r.connectMs * 100) / 100, ...distribution(r.samplesMs) };
        } catch (err) {
          out[`${a} ${b}`] = { error: (err as Error).message };
        }
      }),
    );
    return out;
  }

  /** a burst through every faulty link, so duplicates and reordering happen with packets in flight */
  private async bulk(links: Link[], byId: Map<string, NetNode>): Promise<string[]> {
    const errors: string[] = [];
    await Promise.all(links.map((l) => bandwidth((byId.get(l.from) as NetNode).pid, (byId.get(l.to) as NetNode).ip, this.o.probePort, PROBE_TIMEOUT_MS, BULK_BYTES).catch((err: Error) => errors.push(`${linkName(l)}: ${err.message}`))));
    return errors;
  }

  private async tcpCounters(ids: string[], byId: Map<string, NetNode>): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const id of ids) {
      const all = parseNetstat(await netstat((byId.get(id) as NetNode).pid));
      out[id] = Object.fromEntries(TCP_COUNTERS.map((c) => [c, all[c] ?? 0]));
    }
    return out;
  }

  private tcpDelta(a: Record<string, Record<string, number>>, b: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
    return Object.fromEntries(Object.keys(b).map((id) => [id, Object.fromEntries(TCP_COUNTERS.map((c) => [c.replace('TcpExt.', ''), b[id][c] - (a[id]?.[c] ?? 0)]))]));
  }
}

/** Our rules and qdiscs left in a namespace, removed (a sweep after an interrupted run); returns what is left (nothing). */
export async function sweepNamespace(pid: number): Promise<{ rules: string[]; qdiscs: string[] }> {
  const rules = await clearNetq(pid);
  const q = await clearRateLimits(pid);
  return { rules, qdiscs: q.map((x) => `${x.dev} ${x.kind}`) };
}

