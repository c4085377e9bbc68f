import { UsageError } from '../src/util/errors.js';
import { minoritySize, resolveTarget, SKEW_TARGETS, type Target, weighted } from './targets.js';

/**
 * The network and slowness faults netem would give on another kernel (delay, jitter,
 * duplication, reordering, rate) plus slow nodes, as pure data: which links or nodes,
 * what parameters, validated once. The I/O lives beside it: nemesis/netq.ts (the packet
 * queue), nemesis/tc.ts (rate), nemesis/cpu.ts and nemesis/disk.ts (slow nodes), composed
 * with their evidence in nemesis/packet-faults.ts.
 */
export type PacketFamily = 'delay' | 'duplicate' | 'reorder' | 'bandwidth' | 'slow';
export const PACKET_FAMILIES: readonly PacketFamily[] = ['delay', 'duplicate', 'reorder', 'bandwidth', 'slow'];
/** the families the packet queue (netq) carries out */
export const QUEUE_FAMILIES = ['delay', 'duplicate', 'reorder'] as const;
export type QueueFamily = (typeof QUEUE_FAMILIES)[number];

/** packets from `from` to `to` (a one-way link) */
export interface Link {
  from: string;
  to: string;
}

/**
 * Where a queue fault applies: one link (one way a→b, or both ways), or every link
 * of a node (packets it receives, packets it sends, or both).
 */
export type Scope =
  | { kind: 'link'; a: string; b: string; direction: 'one-way' | 'both' }
  | { kind: 'node'; node: string; direction: 'inbound' | 'outbound' | 'both' };

/** What one netq daemon does to the packets it is given. */
export interface QueueSpec {
  /** every packet held this long, ms */
  delayMs: number;
  /** ± this much, ms: half-width for uniform, standard deviation for normal (clipped at 0) */
  jitterMs: number;
  distribution: 'uniform' | 'normal';
  /** this fraction of packets held `gapMs` longer, so later ones overtake them */
  reorder: { probability: number; gapMs: number } | null;
  /** this fraction of packets delivered twice, the copy up to `gapMs` after the original */
  duplicate: { probability: number; gapMs: number } | null;
}

export interface RateSpec {
  rateKbit: number;
  /** tbf bucket, bytes */
  burstBytes: number;
  /** how long a packet may wait in the bucket's queue before it is dropped, ms */
  latencyMs: number;
}

export interface SlowSpec {
  /** the share of one CPU the node may use, e.g. 0.2 */
  cpus: number;
  /** CFS period, µs */
  periodUs: number;
  /** write operations per second to the data directory's disk; null: disk untouched */
  diskWriteIops: number | null;
  /** write bytes per second to that disk; null: no byte limit */
  diskWriteBps: number | null;
}

export type PacketFaultAction =
  | { f: `start-${QueueFamily}`; scope: Scope; queue: QueueSpec; seed: number }
  | { f: 'start-bandwidth'; target?: Target; nodes: string[]; rate: RateSpec }
  | { f: 'start-slow'; target?: Target; nodes: string[]; slow: SlowSpec }
  | { f: `stop-${PacketFamily}` };

/** Options of these families, resolved once (defaults → validate → normalize). */
export interface NetemOptions {
  delayMs: number;
  jitterMs: number;
  distribution: 'uniform' | 'normal';
  reorderProbability: number;
  reorderGapMs: number;
  duplicateProbability: number;
  duplicateGapMs: number;
  rateKbit: number;
  rateLatencyMs: number;
  cpus: number;
  cpuPeriodUs: number;
  diskWriteIops: number | null;
  diskWriteBps: number | null;
  /** TCP port the probes listen on inside the nodes' namespaces */
  probePort: number;
  /**
   * 1–99: netq runs SCHED_FIFO at this priority, so releases are on time on a busy machine
   * (bench:netq at load 9–11 on 2 cores: late by 25 µs on average and 1 ms at most, against
   * 1.2 ms and 75 ms as an ordinary process); 0: an ordinary process
   */
  netqRtPriority: number;
}

export const NETEM_DEFAULTS: NetemOptions = {
  delayMs: 50,
  jitterMs: 10,
  distribution: 'uniform',
  reorderProbability: 0.25,
  reorderGapMs: 20,
  duplicateProbability: 0.2,
  duplicateGapMs: 5,
  rateKbit: 1000,
  rateLatencyMs: 100,
  cpus: 0.2,
  cpuPeriodUs: 100_000,
  diskWriteIops: 50,
  diskWriteBps: null,
  probePort: 7357,
  netqRtPriority: 10,
};

const bad = (name: string, expected: string, got: unknown): UsageError => new UsageError(`${name} must be ${expected}; got ${JSON.stringify(got)}`);

function num(name: string, v: unknown, min: number, max: number, integer = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw bad(name, `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`, v);
  }
  return v;
}

/** defaults, then every value checked (the error names the option, as `faultline run` spells it); a disk write rate of 0 leaves the disk alone */
export function resolveNetemOptions(given: Partial<NetemOptions> = {}): NetemOptions {
  const o = { ...NETEM_DEFAULTS, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) } as NetemOptions;
  if (o.diskWriteIops === 0) o.diskWriteIops = null;
  if (o.diskWriteBps === 0) o.diskWriteBps = null;
  num('--delay', o.delayMs, 0, 60_000);
  num('--jitter', o.jitterMs, 0, 60_000);
  if (o.delayMs === 0 && o.jitterMs === 0) throw bad('--delay', 'above 0 (or --jitter above 0)', 0);
  if (o.distribution !== 'uniform' && o.distribution !== 'normal') throw bad('--delay-distribution', 'uniform or normal', o.distribution);
  num('--reorder', o.reorderProbability, Number.MIN_VALUE, 1);
  num('--reorder-gap', o.reorderGapMs, 1, 60_000);
  num('--duplicate', o.duplicateProbability, Number.MIN_VALUE, 1);
  num('--duplicate-gap', o.duplicateGapMs, 0, 60_000);
  num('--bandwidth', o.rateKbit, 8, 10_000_000);
  num('rate latency', o.rateLatencyMs, 1, 60_000);
  num('--slow-cpus', o.cpus, 0.01, 1024);
  num('cpu period', o.cpuPeriodUs, 1000, 1_000_000, true);
  if (Math.round(o.cpus * o.cpuPeriodUs) < 1000)
    throw bad('--slow-cpus', `at least 1000 µs of CPU per ${o.cpuPeriodUs} µs period (the kernel's minimum quota)`, o.cpus);
  if (o.diskWriteIops !== null) num('--slow-disk-iops', o.diskWriteIops, 1, 1e9, true);
  if (o.diskWriteBps !== null) num('disk write bytes/s', o.diskWriteBps, 4096, 1e12, true);
  num('--probe-port', o.probePort, 1, 65535, true);
  num('netq real-time priority', o.netqRtPriority, 0, 99, true);
  return o;
}

/** the one-way links a scope covers, among `nodes` */
export function linksOf(scope: Scope, nodes: readonly string[]): Link[] {
  const known = (id: string): string => {
    if (!nodes.includes(id)) throw new UsageError(`unknown node ${JSON.stringify(id)}; nodes are ${nodes.join(', ')}`);
    return id;
  };
  if (scope.kind === 'link') {
    const [a, b] = [known(scope.a), known(scope.b)];
    if (a === b) throw new UsageError(`a link needs two different nodes; got ${a} twice`);
    return scope.direction === 'both'
      ? [
          { from: a, to: b },
          { from: b, to: a },
        ]
      : [{ from: a, to: b }];
  }
  const x = known(scope.node);
  const peers = nodes.filter((p) => p !== x);
  const inbound = peers.map((p) => ({ from: p, to: x }));
  const outbound = peers.map((p) => ({ from: x, to: p }));
  return scope.direction === 'inbound' ? inbound : scope.direction === 'outbound' ? outbound : [...inbound, ...outbound];
}

/**
 * The queue is applied where packets arrive (the receiver's INPUT hook), matching the
 * senders' addresses: held at the sender, a packet would still count against its TCP
 * socket (TCP small queues) and throttle the sender to a few packets per delay. So
 * each receiving node gets one daemon and one rule per sender.
 */
export function sendersByReceiver(links: readonly Link[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { from, to } of links) {
    const senders = out.get(to) ?? [];
    if (!senders.includes(from)) senders.push(from);
    out.set(to, senders);
  }
  return out;
}

/** each pair of nodes a set of links touches, once, as [a, b] with a before b in `nodes` order: the round trips to probe */
export function probePairs(links: readonly Link[], nodes: readonly string[]): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (const { from, to } of links) {
    const [a, b] = nodes.indexOf(from) < nodes.indexOf(to) ? [from, to] : [to, from];
    const key = `${a} ${b}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push([a, b]);
    }
  }
  return out;
}

export const linkName = (l: Link): string => `${l.from}->${l.to}`;

/**
 * What a queue spec should add to the round trip between a and b, ms: each delayed
 * direction adds the delay ± the jitter (uniform: within it; normal: a standard
 * deviation, so the range is indicative, clipped at 0).
 */
export function expectedAddedRtt(links: readonly Link[], a: string, b: string, spec: QueueSpec): { min: number; max: number } {
  const ways = links.filter((l) => (l.from === a && l.to === b) || (l.from === b && l.to === a)).length;
  return { min: ways * Math.max(0, spec.delayMs - spec.jitterMs), max: ways * (spec.delayMs + spec.jitterMs) };
}

export function describeScope(s: Scope): string {
  return s.kind === 'link' ? `${s.a}${s.direction === 'both' ? '<->' : '->'}${s.b}` : `${s.node} ${s.direction}`;
}

/** the daemon's spec for a queue family under these options */
export function queueSpec(family: QueueFamily, o: NetemOptions): QueueSpec {
  const none: QueueSpec = { delayMs: 0, jitterMs: 0, distribution: o.distribution, reorder: null, duplicate: null };
  switch (family) {
    case 'delay':
      return { ...none, delayMs: o.delayMs, jitterMs: o.jitterMs };
    case 'reorder':
      return { ...none, reorder: { probability: o.reorderProbability, gapMs: o.reorderGapMs } };
    case 'duplicate':
      return { ...none, duplicate: { probability: o.duplicateProbability, gapMs: o.duplicateGapMs } };
  }
}

/**
 * netq's command line for a spec (nemesis/native/netq.c); `parent` makes it exit at once
 * if that process is already gone; `rtPriority` > 0 runs it SCHED_FIFO.
 */
export function netqArgs(queue: number, spec: QueueSpec, seed: number, parent?: number, rtPriority = 0): string[] {
  const us = (ms: number): string => String(Math.round(ms * 1000));
  const args = ['--queue', String(queue), '--seed', String(seed >>> 0)];
  if (spec.delayMs > 0) args.push('--delay-us', us(spec.delayMs));
  if (spec.jitterMs > 0) args.push('--jitter-us', us(spec.jitterMs), '--distribution', spec.distribution);
  if (spec.reorder) args.push('--reorder', String(spec.reorder.probability), '--reorder-gap-us', us(spec.reorder.gapMs));
  if (spec.duplicate) args.push('--duplicate', String(spec.duplicate.probability), '--duplicate-gap-us', us(spec.duplicate.gapMs));
  if (parent !== undefined) args.push('--parent', String(parent));
  if (rtPriority > 0) args.push('--rt-priority', String(rtPriority));
  return args;
}

/**
 * What several queue faults in force together do to one sender's packets: the delays
 * (and jitters) add up, reordering and duplication come from the fault that asks for them.
 */
export function mergeSpecs(parts: readonly QueueSpec[]): QueueSpec {
  const out: QueueSpec = { delayMs: 0, jitterMs: 0, distribution: 'uniform', reorder: null, duplicate: null };
  for (const p of parts) {
    out.delayMs += p.delayMs;
    out.jitterMs += p.jitterMs;
    if (p.jitterMs > 0) out.distribution = p.distribution;
    out.reorder ??= p.reorder;
    out.duplicate ??= p.duplicate;
  }
  return out;
}

/** netq's --config table: one line per sender (nemesis/native/netq.c) */
export function netqConfig(specs: ReadonlyMap<string, QueueSpec>): string {
  const us = (ms: number): number => Math.round(ms * 1000);
  let out = '';
  for (const [ip, s] of specs) {
    out += `${ip} ${us(s.delayMs)} ${us(s.jitterMs)} ${s.distribution} ${s.reorder?.probability ?? 0} ${us(s.reorder?.gapMs ?? 0)} ${s.duplicate?.probability ?? 0} ${us(s.duplicate?.gapMs ?? 0)}\n`;
  }
  return out;
}

/** the mark netq puts on the copies it sends, so the rule lets them pass (netq.c's default) */
export const NETQ_MARK = 0x4e5451;
export const NETQ_CHAIN = 'FAULTLINE-NETQ';

/** the iptables rule (after -A/-D <chain>) that hands packets from `source` to a queue; bypassed when no daemon is bound */
export function queueRule(source: string, queue: number): string[] {
  return ['-s', source, '-m', 'mark', '!', '--mark', `0x${NETQ_MARK.toString(16)}`, '-j', 'NFQUEUE', '--queue-num', String(queue), '--queue-bypass'];
}

/** tbf's bucket: at least 10 ms of the rate and at least 16 KB (a few full-size packets; below ~MTU nothing passes) */
export function rateSpec(rateKbit: number, latencyMs: number): RateSpec {
  return { rateKbit, burstBytes: Math.max(16 * 1024, Math.ceil((rateKbit * 1000) / 8 / 100)), latencyMs };
}

/** `tc qdisc add dev <dev> root tbf ...` arguments */
export function tbfArgs(dev: string, r: RateSpec): string[] {
  return ['qdisc', 'add', 'dev', dev, 'root', 'tbf', 'rate', `${r.rateKbit}kbit`, 'burst', String(r.burstBytes), 'latency', `${r.latencyMs}ms`];
}

/** Docker's CpuPeriod/CpuQuota for a share of one CPU */
export function cpuQuota(cpus: number, periodUs: number): { CpuPeriod: number; CpuQuota: number } {
  return { CpuPeriod: periodUs, CpuQuota: Math.max(1000, Math.round(cpus * periodUs)) };
}

export interface Qdisc {
  kind: string;
  handle: string;
  dev: string;
  root: boolean;
  /** the rest of the line (rate, burst, ...) */
  detail: string;
}

/** `tc qdisc show` lines: `qdisc tbf 8001: dev eth0 root refcnt 2 rate 1Mbit burst 16Kb lat 100ms` */
export function parseQdiscs(text: string): Qdisc[] {
  const out: Qdisc[] = [];
  for (const line of text.split('\n')) {
    const m = /^qdisc (\S+) (\S+) dev (\S+) (root|parent \S+)\s*(.*)$/.exec(line.trim());
    if (m) out.push({ kind: m[1], handle: m[2], dev: m[3], root: m[4] === 'root', detail: m[5] });
  }
  return out;
}

/** qdiscs we may have added (the kernel's defaults — noqueue, pfifo_fast, fq_codel, mq, ... — are not ours) */
export const ourQdiscs = (qs: readonly Qdisc[]): Qdisc[] => qs.filter((q) => q.kind === 'tbf');

/** lines of `iptables -S` that are ours: the chain, jumps to it, and any NFQUEUE rule */
export const ourRules = (iptablesS: string): string[] => iptablesS.split('\n').filter((l) => l.includes(NETQ_CHAIN) || l.includes('NFQUEUE'));

/** `ip -o -4 addr show` → the interface holding `ip` */
export function interfaceWith(ipAddrOutput: string, ip: string): string | null {
  for (const line of ipAddrOutput.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(line);
    if (m && m[2] === ip) return m[1].replace(/@.*$/, '');
  }
  return null;
}

export interface Distribution {
  n: number;
  min: number;
  median: number;
  p99: number;
  max: number;
  mean: number;
}

/** nearest-rank percentiles; rounded to 0.01 */
export function distribution(values: readonly number[]): Distribution | null {
  if (values.length === 0) return null;
  const s = Float64Array.from(values).sort();
  const at = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const r = (x: number): number => Math.round(x * 100) / 100;
  let sum = 0;
  for (const v of s) sum += v;
  return { n: s.length, min: r(s[0]), median: r(at(0.5)), p99: r(at(0.99)), max: r(s[s.length - 1]), mean: r(sum / s.length) };
}

/** `/proc/net/netstat` (header line, value line per group) → `TcpExt.TCPOFOQueue` → value */
export function parseNetstat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [group, ...names] = lines[i].split(/\s+/);
    const [group2, ...values] = lines[i + 1].split(/\s+/);
    if (!group || group !== group2) continue;
    names.forEach((n, j) => (out[`${group.replace(/:$/, '')}.${n}`] = Number(values[j])));
  }
  return out;
}

/**
 * A random scope: half the time one link, else one node's links; either one way or both.
 * The node (or one end of the link) is the leader half the time when one is known:
 * timing faults matter most where heartbeats and leases come from. A lone node has no
 * links: its scope covers none.
 */
export function chooseScope(nodes: readonly string[], rand: () => number, leader: string | null = null): Scope {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const first = leader && nodes.includes(leader) && rand() < 0.5 ? leader : pick(nodes);
  if (nodes.length >= 2 && rand() < 0.5) {
    const other = pick(nodes.filter((n) => n !== first));
    const [a, b] = rand() < 0.5 ? [first, other] : [other, first];
    return { kind: 'link', a, b, direction: rand() < 0.5 ? 'one-way' : 'both' };
  }
  return { kind: 'node', node: first, direction: pick(['inbound', 'outbound', 'both'] as const) };
}

/** the start of a fault of one of these families (what stops it: `stop-<family>`); bandwidth and slow hit the leader or a minority */
export function packetFaultAction(
  family: PacketFamily,
  o: NetemOptions,
  nodes: readonly string[],
  rand: () => number,
  leader: string | null = null,
): PacketFaultAction {
  switch (family) {
    case 'delay':
    case 'duplicate':
    case 'reorder':
      return { f: `start-${family}`, scope: chooseScope(nodes, rand, leader), queue: queueSpec(family, o), seed: Math.floor(rand() * 2 ** 32) };
    case 'bandwidth':
    case 'slow': {
      const target = weighted(SKEW_TARGETS, rand);
      const chosen = resolveTarget(target, nodes, leader, rand).slice(0, minoritySize(nodes.length));
      return family === 'bandwidth'
        ? { f: 'start-bandwidth', target, nodes: chosen, rate: rateSpec(o.rateKbit, o.rateLatencyMs) }
        : {
            f: 'start-slow',
            target,
            nodes: chosen,
            slow: { cpus: o.cpus, periodUs: o.cpuPeriodUs, diskWriteIops: o.diskWriteIops, diskWriteBps: o.diskWriteBps },
          };
    }
  }
}

/** does this start touch the leader: a link of it (every node's links include one to the leader), or the leader itself? */
export function packetFaultInvolves(a: PacketFaultAction, leader: string): boolean {
  if ('scope' in a) return a.scope.kind === 'node' || a.scope.a === leader || a.scope.b === leader;
  return 'nodes' in a && a.nodes.includes(leader);
}
