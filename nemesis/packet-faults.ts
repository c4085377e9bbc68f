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
  mergeSpecs,
  type NetemOptions,
  ourQdiscs,
  type PacketFamily,
  type PacketFaultAction,
  parseNetstat,
  probePairs,
  type QueueFamily,
  type QueueSpec,
  type RateSpec,
  type Scope,
  type SlowSpec,
  sendersByReceiver,
} from './netem-plan.js';
import type { Helper } from './netns.js';
import { clearNetq, type NetqCounters, type NetqHandle, netqCounters, netqRules, startNetq, stopNetq, updateNetq } from './netq.js';
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

/** What a start or stop did, for the history (`value` of a nemesis op); the shape of nemesis/faults/types.ts. */
export interface FaultRecord {
  f: string;
  value: Record<string, unknown>;
}

const RTT_SAMPLES = 8;
/**
 * a probe whose connect, read or write takes longer has met something else (a partition,
 * a frozen node): recorded as an error. Round trips between nodes are under a millisecond,
 * and a few hundred with delays composed; 5 s per probe held the schedule 10 s whenever a
 * partition was in force too (before and during), a sixth of a 60 s run.
 */
const PROBE_TIMEOUT_MS = 1500;
/**
 * the bandwidth probe's wait for one read or write: after its last write it reads the
 * peer's count of bytes received, which comes only once the socket's send buffer has
 * drained through the token bucket; at 2 Mbit/s a few hundred KB buffered take more than
 * 1.5 s (a CI run recorded the rate as that timeout). The probe itself is bounded by its
 * duration and byte count.
 */
const BANDWIDTH_IO_TIMEOUT_MS = 6000;
/** bytes pushed through each faulty link to show duplication and reordering in TCP's own counters */
const BULK_BYTES = 256 * 1024;
/** TCP counters that move when segments arrive twice or out of order */
const TCP_COUNTERS = ['TcpExt.TCPOFOQueue', 'TcpExt.TCPDSACKOldSent', 'TcpExt.DelayedACKLost'];
/** one queue per node carries every queue fault in force there */
const QUEUE = 1;

interface QueueFault {
  links: Link[];
  spec: QueueSpec;
}

interface SlowNode {
  before: CpuReadBack['docker'];
  /** nr_throttled when the fault started (null: the node was down) */
  throttledBefore: number | null;
  pid: number;
  disk: string | null;
}

const errorOf = (err: unknown): string => (err as Error).message;

/**
 * The delay, duplicate, reorder, bandwidth and slow families on a cluster: applies a
 * fault (nemesis/netem-plan.ts), proves it took effect — round trips measured before and
 * during from the nodes' own namespaces, the queue's and TCP's counters, bandwidth
 * measured, CPU quota and disk limits read back — and undoes it, proving nothing of
 * ours is left (rules, qdiscs, helper processes).
 *
 * Faults of different families overlap: the queue faults in force share one netq per
 * receiving node, whose per-sender table is their merge (delays add up), so starting or
 * stopping one only rewrites the table. A node that is down when a fault starts, or
 * restarts while it is in force (a new network namespace and cgroup), gets its part when
 * it runs again (`reapply`).
 */
export class PacketFaults {
  private readonly queueFaults = new Map<QueueFamily, QueueFault>();
  /** receiving node → its netq */
  private readonly queues = new Map<string, NetqHandle>();
  private rate: { spec: RateSpec; nodes: Map<string, { pid: number; dev: string } | null> } | null = null;
  private slow: { spec: SlowSpec; nodes: Map<string, SlowNode> } | null = null;
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

  /** which of these families are in force */
  inForce(): PacketFamily[] {
    return [...this.queueFaults.keys(), ...(this.rate ? ['bandwidth' as const] : []), ...(this.slow ? ['slow' as const] : [])];
  }

  /** stops everything in force (after any operation under way); every undo is tried */
  healAll(): Promise<{ records: FaultRecord[]; errors: string[] }> {
    return this.exclusive(async () => {
      const records: FaultRecord[] = [];
      const errors: string[] = [];
      for (const f of this.inForce()) {
        try {
          const r = await this.applyNow({ f: `stop-${f}` });
          if (r) records.push(r);
        } catch (err) {
          errors.push(`stop-${f}: ${errorOf(err)}`);
        }
      }
      return { records, errors };
    });
  }

  /** after node `id` (re)started: its queue, rate limit and disk limit back in its new namespace and cgroup */
  reapply(id: string): Promise<void> {
    return this.exclusive(async () => {
      if (this.desired().has(id) || this.queues.has(id)) await this.syncQueue(id);
      if (this.rate?.nodes.has(id)) await this.installRate(id);
      const s = this.slow?.nodes.get(id);
      if (s?.disk && this.slow) {
        const n = await this.lookup(id);
        if (n.pid > 0) {
          await startDiskLimit(n.pid, { device: s.disk, writeIops: this.slow.spec.diskWriteIops, writeBps: this.slow.spec.diskWriteBps });
          s.pid = n.pid;
        }
      }
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

  private nodes(ids: readonly string[]): Promise<NetNode[]> {
    return Promise.all(ids.map((id) => this.lookup(id)));
  }

  /** receiver → sender → the merge of every queue fault in force on that link */
  private desired(): Map<string, Map<string, QueueSpec>> {
    const parts = new Map<string, Map<string, QueueSpec[]>>();
    for (const f of this.queueFaults.values()) {
      for (const [receiver, senders] of sendersByReceiver(f.links)) {
        const bySender = parts.get(receiver) ?? new Map<string, QueueSpec[]>();
        for (const s of senders) bySender.set(s, [...(bySender.get(s) ?? []), f.spec]);
        parts.set(receiver, bySender);
      }
    }
    return new Map([...parts].map(([receiver, bySender]) => [receiver, new Map([...bySender].map(([s, specs]) => [s, mergeSpecs(specs)]))]));
  }

  /**
   * Brings node `id`'s netq in line with the faults in force: started, given a new table,
   * restarted in a new namespace, or stopped. Returns 'down' when the node is not running
   * (its part is installed when it restarts), else the daemon's final counters if it was stopped.
   */
  private async syncQueue(id: string, seed = 1): Promise<'down' | { stopped: NetqCounters | null; rulesLeft: number } | null> {
    const bySenderId = this.desired().get(id);
    const n = await this.lookup(id);
    const specs = new Map<string, QueueSpec>();
    if (bySenderId) for (const [sender, spec] of bySenderId) specs.set((await this.lookup(sender)).ip, spec);
    const h = this.queues.get(id);
    if (h && h.pid !== n.pid) {
      // the node restarted: its namespace (and the rules) went with the old process
      await stopNetq(h, true);
      this.queues.delete(id);
    } else if (h && specs.size === 0) {
      this.queues.delete(id);
      const r = await stopNetq(h);
      return { stopped: r.counters, rulesLeft: r.rulesLeft.length };
    } else if (h) {
      await updateNetq(h, specs);
      return null;
    }
    if (specs.size === 0) return null;
    if (n.pid <= 0) return 'down';
    this.queues.set(id, await startNetq({ pid: n.pid, specs, queue: QUEUE, seed, rtPriority: this.o.netqRtPriority }));
    return null;
  }

  private async startQueue(family: QueueFamily, scope: Scope, spec: QueueSpec, seed: number): Promise<FaultRecord> {
    if (this.queueFaults.has(family)) throw new Error(`a ${family} fault is already in force`);
    const links = linksOf(scope, this.nodeIds);
    const receivers = [...sendersByReceiver(links).keys()];
    const pairs = probePairs(links, this.nodeIds);
    const byId = new Map((await this.nodes([...new Set([...pairs.flat(), ...receivers])])).map((n) => [n.id, n]));
    const servers = await this.probeServers([...byId.values()]);
    try {
      const before = await this.roundTrips(pairs, byId);
      const tcpBefore = await this.tcpCounters(receivers, byId);
      this.queueFaults.set(family, { links, spec });
      const down: string[] = [];
      let i = 0;
      for (const r of receivers) if ((await this.syncQueue(r, (seed + i++) >>> 0)) === 'down') down.push(r);
      const rules: Record<string, number> = {};
      for (const r of receivers) {
        const h = this.queues.get(r);
        if (!h) continue;
        rules[r] = (await netqRules(h.pid)).filter((l) => l.includes(`--queue-num ${QUEUE} `)).length;
        if (rules[r] < h.specs.size) throw new Error(`${family} not in force on ${r}: ${rules[r]} queue rules for ${h.specs.size} senders`);
        if (!h.daemon.running) throw new Error(`${family} not in force on ${r}: netq exited`);
      }
      const during = await this.roundTrips(pairs, byId);
      const bulkErrors = family === 'delay' ? [] : await this.bulk(links, byId);
      const counters: Record<string, NetqCounters | null> = {};
      for (const r of receivers) {
        const h = this.queues.get(r);
        if (h) counters[r] = await netqCounters(h);
      }
      const tcp = this.tcpDelta(tcpBefore, await this.tcpCounters(receivers, byId));
      const rttMs: Record<string, unknown> = {};
      for (const [a, b] of pairs)
        rttMs[`${a}<->${b}`] = { before: before[`${a} ${b}`], during: during[`${a} ${b}`], expectedAdded: expectedAddedRtt(links, a, b, spec) };
      const others = [...this.queueFaults.keys()].filter((f) => f !== family);
      return {
        f: `start-${family}`,
        value: {
          scope: describeScope(scope),
          links: links.map(linkName),
          spec,
          rules,
          rttMs,
          queueCounters: counters,
          tcpCounters: tcp,
          ...(others.length ? { composedWith: others } : {}),
          ...(down.length ? { down } : {}),
          ...(bulkErrors.length ? { probeErrors: bulkErrors } : {}),
        },
      };
    } catch (err) {
      await this.stopQueue(family).catch(() => {});
      throw err;
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }

  private async stopQueue(family: QueueFamily): Promise<FaultRecord | null> {
    const fault = this.queueFaults.get(family);
    if (!fault) return null;
    this.queueFaults.delete(family);
    const receivers = [...sendersByReceiver(fault.links).keys()];
    // a daemon that died while the fault was in force let packets through unharmed (--queue-bypass) from then on
    const diedEarly = receivers.filter((r) => this.queues.get(r)?.daemon.running === false);
    const counters: Record<string, NetqCounters | null> = {};
    const rulesLeft: Record<string, number | 'node down'> = {};
    const stillQueued: Record<string, number> = {};
    const errors: Record<string, string> = {};
    for (const r of receivers) {
      try {
        const res = await this.syncQueue(r);
        if (res && res !== 'down') counters[r] = res.stopped;
        const h = this.queues.get(r);
        if (h) {
          counters[r] = await netqCounters(h);
          stillQueued[r] = h.specs.size; // senders other faults still hold
        }
        const pid = (await this.lookup(r)).pid;
        rulesLeft[r] = pid > 0 ? (await netqRules(pid)).filter((l) => l.includes('NFQUEUE')).length : 'node down';
      } catch (err) {
        errors[r] = errorOf(err);
        const h = this.queues.get(r);
        if (h && !this.desired().has(r)) {
          this.queues.delete(r);
          await h.daemon.stop(); // this node's daemon at least is stopped
        }
      }
    }
    const helpersLeft = receivers.filter((r) => !this.desired().has(r) && this.queues.get(r)?.daemon.running).length;
    return {
      f: `stop-${family}`,
      value: {
        links: fault.links.map(linkName),
        queueCounters: counters,
        rulesLeft,
        ...(Object.keys(stillQueued).length ? { rulesOfOtherFaults: stillQueued } : {}),
        helpersLeft,
        ...(diedEarly.length ? { daemonsDiedEarly: diedEarly } : {}),
        ...(Object.keys(errors).length ? { errors } : {}),
      },
    };
  }

  /** the tbf on node `id`'s interface, in its current namespace; false when the node is down */
  private async installRate(id: string): Promise<string[] | 'down'> {
    const rate = this.rate;
    if (!rate) return [];
    const n = await this.lookup(id);
    if (n.pid <= 0) {
      rate.nodes.set(id, null);
      return 'down';
    }
    const dev = await interfaceOf(n.pid, n.ip);
    rate.nodes.set(id, { pid: n.pid, dev });
    const listed = ourQdiscs(await startRateLimit(n.pid, dev, rate.spec)).map((q) => `${q.dev} ${q.kind} ${q.detail}`);
    if (listed.length === 0) throw new Error(`bandwidth not in force on ${id}: no tbf qdisc listed`);
    return listed;
  }

  private async startRate(ids: string[], spec: RateSpec): Promise<FaultRecord> {
    if (this.rate) throw new Error('a bandwidth fault is already in force');
    const nodes = await this.nodes(ids);
    // each node's rate is measured by sending to a running peer
    const peers = await Promise.all(nodes.map(async (n) => (await this.nodes(this.nodeIds.filter((p) => p !== n.id))).find((p) => p.pid > 0) ?? null));
    const servers = await this.probeServers([...new Map(peers.filter((p): p is NetNode => p !== null).map((p) => [p.id, p])).values()]);
    this.rate = { spec, nodes: new Map() };
    try {
      const maxBytes = Math.ceil((spec.rateKbit * 1000) / 8) * 2; // two seconds' worth at the limit: the bucket's first burst weighs little
      const measure = async (n: NetNode, i: number): Promise<number | string> => {
        const peer = peers[i];
        if (n.pid <= 0 || !peer) return 'node down';
        try {
          // about 2 s at the limit; bounded, so a partitioned peer costs seconds, not minutes
          return Math.round((await bandwidth(n.pid, peer.ip, this.o.probePort, 6000, maxBytes, BANDWIDTH_IO_TIMEOUT_MS)).bitsPerSecond / 100) / 10;
        } catch (err) {
          return errorOf(err);
        }
      };
      const before = await Promise.all(nodes.map(measure));
      const installed: Record<string, string[] | 'down'> = {};
      for (const n of nodes) installed[n.id] = await this.installRate(n.id);
      const during = await Promise.all(nodes.map(measure));
      const measured = Object.fromEntries(nodes.map((n, i) => [n.id, { to: peers[i]?.id ?? null, beforeKbit: before[i], duringKbit: during[i] }]));
      return {
        f: 'start-bandwidth',
        value: { nodes: ids, rateKbit: spec.rateKbit, burstBytes: spec.burstBytes, latencyMs: spec.latencyMs, qdiscs: installed, measured },
      };
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
    const left: Record<string, string[] | 'node down'> = {};
    const errors: Record<string, string> = {};
    for (const [id, at] of rate.nodes) {
      try {
        const now = await this.lookup(id);
        if (now.pid <= 0) left[id] = 'node down';
        else if (at && now.pid === at.pid) left[id] = (await stopRateLimit(at.pid, at.dev)).map((q) => `${q.dev} ${q.kind}`);
        else left[id] = ourQdiscs(await qdiscs(now.pid)).map((q) => `${q.dev} ${q.kind}`); // a new namespace: nothing of ours was put there
      } catch (err) {
        errors[id] = errorOf(err);
      }
    }
    return { f: 'stop-bandwidth', value: { nodes: [...rate.nodes.keys()], qdiscsLeft: left, ...(Object.keys(errors).length ? { errors } : {}) } };
  }

  private async startSlow(ids: string[], spec: SlowSpec): Promise<FaultRecord> {
    if (this.slow) throw new Error('a slow fault is already in force');
    const nodes = await this.nodes(ids);
    const slow = { spec, nodes: new Map<string, SlowNode>() };
    this.slow = slow;
    try {
      const cpu: Record<string, unknown> = {};
      const disk: Record<string, unknown> = {};
      const want = Math.max(1000, Math.round(spec.cpus * spec.periodUs));
      for (const n of nodes) {
        // a stopped container takes the quota too (Docker applies it when it starts)
        const { before, after } = await startCpuLimit(n.container, spec.cpus, spec.periodUs);
        const s: SlowNode = { before: before.docker, throttledBefore: before.cgroup ? before.nrThrottled : null, pid: n.pid, disk: null };
        slow.nodes.set(n.id, s);
        if (after.docker.CpuQuota !== want) throw new Error(`slow not in force on ${n.id}: Docker reports CpuQuota ${after.docker.CpuQuota}, wanted ${want}`);
        if (after.cgroup && (after.cgroup.quotaUs !== want || after.cgroup.periodUs !== spec.periodUs))
          throw new Error(`slow not in force on ${n.id}: cgroup quota ${after.cgroup.quotaUs}/${after.cgroup.periodUs} µs, wanted ${want}/${spec.periodUs}`);
        cpu[n.id] = {
          docker: after.docker,
          cgroup: after.cgroup ? { quotaUs: after.cgroup.quotaUs, periodUs: after.cgroup.periodUs } : 'node down',
          cpus: want / spec.periodUs,
        };
        if (spec.diskWriteIops !== null || spec.diskWriteBps !== null) {
          // a data directory not on a block device (faultline-lazyfs under power-cut, a tmpfs) cannot be
          // throttled: the node is still slowed by its CPU quota, and the record says why its disk is not
          const device = await diskOf(n.dataDir).catch((err: Error) => err);
          if (device instanceof Error) {
            disk[n.id] = { notThrottled: device.message };
            continue;
          }
          s.disk = device;
          if (n.pid <= 0) {
            disk[n.id] = { device: s.disk, limits: 'node down: set when it starts' };
            continue;
          }
          const probeDir = path.dirname(n.dataDir); // same disk, outside the node's own files
          const procs = await blkioProcsFile(n.pid);
          const fsyncBefore = distribution(await fsyncLatency(probeDir, 5, procs));
          const readBack = await startDiskLimit(n.pid, { device: s.disk, writeIops: spec.diskWriteIops, writeBps: spec.diskWriteBps });
          if (readBack.lines.length === 0) throw new Error(`slow disk not in force on ${n.id}: no limit on ${s.disk} read back`);
          const fsyncDuring = distribution(await fsyncLatency(probeDir, 5, procs));
          disk[n.id] = { device: s.disk, limits: readBack.lines, fsyncMs: { before: fsyncBefore, during: fsyncDuring } };
        }
      }
      return { f: 'start-slow', value: { nodes: ids, cpus: spec.cpus, periodUs: spec.periodUs, cpu, ...(Object.keys(disk).length ? { disk } : {}) } };
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
    for (const [id, s] of slow.nodes) {
      try {
        const n = await this.lookup(id);
        const after = await stopCpuLimit(n.container, s.before);
        // periods in which the kernel held the node back while the fault was in force (a restarted container counts afresh)
        const throttled = after.cgroup && s.throttledBefore !== null && n.pid === s.pid ? after.nrThrottled - s.throttledBefore : null;
        cpu[id] = {
          docker: after.docker,
          cgroup: after.cgroup ? { quotaUs: after.cgroup.quotaUs, periodUs: after.cgroup.periodUs } : 'node down',
          throttledPeriods: throttled,
        };
        if (s.disk)
          disk[id] =
            n.pid > 0 ? { device: s.disk, limitsLeft: (await stopDiskLimit(n.pid, s.disk)).lines.length } : { device: s.disk, limitsLeft: 'node down' };
      } catch (err) {
        errors[id] = errorOf(err);
      }
    }
    return {
      f: 'stop-slow',
      value: { nodes: [...slow.nodes.keys()], cpu, ...(Object.keys(disk).length ? { disk } : {}), ...(Object.keys(errors).length ? { errors } : {}) },
    };
  }

  /** probe servers in the namespaces of the running nodes among `nodes` */
  private probeServers(nodes: NetNode[]): Promise<Helper[]> {
    return Promise.all(nodes.filter((n) => n.pid > 0).map((n) => startProbeServer(n.pid, this.o.probePort)));
  }

  /**
   * per pair "a b": the distribution of round trips from a to b, ms (with the TCP connect
   * time). A probe that fails (a partition in force as well, a node down) is recorded as
   * such: the fault's being in force is proven by its rules and daemons, the probe shows its effect.
   */
  private async roundTrips(pairs: [string, string][], byId: Map<string, NetNode>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    await Promise.all(
      pairs.map(async ([a, b]) => {
        const [na, nb] = [byId.get(a) as NetNode, byId.get(b) as NetNode];
        if (na.pid <= 0 || nb.pid <= 0) {
          out[`${a} ${b}`] = { error: 'node down' };
          return;
        }
        try {
          const r = await roundTrips(na.pid, nb.ip, this.o.probePort, RTT_SAMPLES, PROBE_TIMEOUT_MS);
          out[`${a} ${b}`] = { connect: Math.round(r.connectMs * 100) / 100, ...distribution(r.samplesMs) };
        } catch (err) {
          out[`${a} ${b}`] = { error: errorOf(err) };
        }
      }),
    );
    return out;
  }

  /** a burst through every faulty link, so duplicates and reordering happen with packets in flight */
  private async bulk(links: Link[], byId: Map<string, NetNode>): Promise<string[]> {
    const errors: string[] = [];
    await Promise.all(
      links.map(async (l) => {
        const [from, to] = [byId.get(l.from) as NetNode, byId.get(l.to) as NetNode];
        if (from.pid <= 0 || to.pid <= 0) return;
        await bandwidth(from.pid, to.ip, this.o.probePort, PROBE_TIMEOUT_MS, BULK_BYTES, PROBE_TIMEOUT_MS).catch((err: Error) =>
          errors.push(`${linkName(l)}: ${err.message}`),
        );
      }),
    );
    return errors;
  }

  private async tcpCounters(ids: string[], byId: Map<string, NetNode>): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const id of ids) {
      const n = byId.get(id) as NetNode;
      if (n.pid <= 0) continue;
      const all = parseNetstat(await netstat(n.pid));
      out[id] = Object.fromEntries(TCP_COUNTERS.map((c) => [c, all[c] ?? 0]));
    }
    return out;
  }

  private tcpDelta(a: Record<string, Record<string, number>>, b: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
    return Object.fromEntries(
      Object.keys(b).map((id) => [id, Object.fromEntries(TCP_COUNTERS.map((c) => [c.replace('TcpExt.', ''), b[id][c] - (a[id]?.[c] ?? 0)]))]),
    );
  }
}

/** Our rules and qdiscs left in a namespace, removed (a sweep after an interrupted run); returns what is left (nothing). */
export async function sweepNamespace(pid: number): Promise<{ rules: string[]; qdiscs: string[] }> {
  const rules = await clearNetq(pid);
  const q = await clearRateLimits(pid);
  return { rules, qdiscs: q.map((x) => `${x.dev} ${x.kind}`) };
}
