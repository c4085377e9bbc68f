import { writeFileSync } from 'node:fs';
import type { ClusterNode, DockerCluster } from '../src/cluster/docker.js';
import { UsageError } from '../src/util/errors.js';
import { driftSpec, offsetSpec, RESET_SPEC } from './clock.js';
import { TOPOLOGIES } from './grudge.js';
import { dropFrom, heal, lossWith, rules } from './iptables.js';
import { FAMILIES, type FaultFamily, type NemesisAction } from './plan.js';

export { FAMILIES, type FaultFamily, TOPOLOGIES };

/** faults this machine cannot apply (no sch_netem): refused, never skipped silently */
const UNAVAILABLE = ['delay', 'duplicate', 'reorder', 'corrupt'];

export class NemesisUnavailableError extends UsageError {
  constructor(fault: string) {
    super(`the ${fault} fault needs tc netem, which this kernel lacks (no sch_netem); available: ${FAMILIES.join(', ')}`);
  }
}

/** What a start or stop did, for the history (`value` of a nemesis op). */
export interface FaultRecord {
  f: string;
  value: Record<string, unknown>;
}

export function parseFamilies(spec: string): FaultFamily[] {
  if (spec === 'none' || spec === '') return [];
  if (spec === 'all') return [...FAMILIES];
  return spec.split(',').map((f) => {
    const x = f.trim();
    if (UNAVAILABLE.includes(x)) throw new NemesisUnavailableError(x);
    if (!(FAMILIES as readonly string[]).includes(x)) throw new UsageError(`unknown fault family ${JSON.stringify(x)}; expected ${FAMILIES.join(', ')}, all or none`);
    return x as FaultFamily;
  });
}

type ClockState = { variant: 'offset' | 'drift'; nodes: ClusterNode[] } | { variant: 'strobe'; nodes: ClusterNode[]; timer: NodeJS.Timeout; flips: () => number } | { variant: 'lease'; nodes: [ClusterNode] };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Applies nemesis actions (nemesis/plan.ts) to a Docker cluster and proves each took
 * effect: iptables rules listed back from the namespace, containers seen dead or
 * frozen, skews measured from the node's own clock. It remembers what is in force,
 * so a stop undoes exactly what its family's starts did, and `healAll` undoes everything.
 */
export class Nemesis {
  private readonly killed = new Set<ClusterNode>();
  private readonly paused = new Set<ClusterNode>();
  private netFault: 'partition' | 'loss' | null = null;
  private clock: ClockState | null = null;

  constructor(private readonly cluster: DockerCluster) {}

  /** applies one action; null when it had nothing to do (a stop with nothing in force) */
  async apply(a: NemesisAction): Promise<FaultRecord | null> {
    switch (a.f) {
      case 'start-partition': {
        const verified: Record<string, number> = {};
        this.netFault = 'partition';
        for (const [id, enemies] of Object.entries(a.grudge)) {
          const pid = await this.cluster.pid(this.cluster.node(id));
          await dropFrom(pid, enemies.map((e) => this.cluster.node(e).ip));
          verified[id] = (await rules(pid)).length;
          if (verified[id] < enemies.length) throw new Error(`partition not in force on ${id}: ${verified[id]} rules for ${enemies.length} peers`);
        }
        return { f: a.f, value: { topology: a.topology, grudge: a.grudge, rules: verified } };
      }
      case 'start-loss': {
        const verified: Record<string, number> = {};
        this.netFault = 'loss';
        const nodes = this.cluster.nodes;
        for (const n of nodes) {
          const pid = await this.cluster.pid(n);
          await lossWith(pid, nodes.filter((p) => p !== n).map((p) => p.ip), a.probability);
          verified[n.id] = (await rules(pid)).length;
        }
        return { f: a.f, value: { probability: a.probability, rules: verified } };
      }
      case 'start-kill':
      case 'start-pause': {
        const kill = a.f === 'start-kill';
        const targets = a.nodes.map((id) => this.cluster.node(id));
        for (const n of targets) {
          if (kill) {
            this.killed.add(n);
            if (this.paused.delete(n)) await this.cluster.unpause(n); // a frozen container cannot be killed
            await this.cluster.kill(n);
          } else {
            this.paused.add(n);
            await this.cluster.pause(n);
          }
        }
        const states = await Promise.all(targets.map((n) => this.cluster.state(n)));
        if (!states.every((s) => (kill ? !s.running : s.paused))) throw new Error(`${a.f} did not take effect on ${a.nodes.join(', ')}`);
        const down = [...(kill ? this.killed : this.paused)].map((n) => n.id);
        return { f: a.f, value: { nodes: a.nodes, down, quorumLost: down.length > this.cluster.nodes.length / 2, verified: states } };
      }
      case 'start-clock':
        return this.startClock(a);
      case 'stop-partition':
      case 'stop-loss':
        return this.netFault === a.f.slice(5) ? this.healNetwork() : null;
      case 'stop-kill': {
        if (this.killed.size === 0) return null;
        const nodes = [...this.killed];
        this.killed.clear();
        for (const n of nodes) await this.cluster.start(n);
        const states = await Promise.all(nodes.map((n) => this.cluster.state(n)));
        return { f: a.f, value: { restarted: nodes.map((n) => n.id), running: states.map((s) => s.running) } };
      }
      case 'stop-pause': {
        if (this.paused.size === 0) return null;
        const nodes = [...this.paused];
        this.paused.clear();
        for (const n of nodes) await this.cluster.unpause(n);
        return { f: a.f, value: { resumed: nodes.map((n) => n.id) } };
      }
      case 'stop-clock':
        return this.stopClock();
    }
  }

  /** undoes everything in force (the end of a run, or an interrupted one) */
  async healAll(): Promise<FaultRecord[]> {
    const out: FaultRecord[] = [];
    for (const f of ['stop-clock', 'stop-pause', 'stop-kill'] as const) {
      const r = await this.apply({ f });
      if (r) out.push(r);
    }
    if (this.netFault) out.push(await this.healNetwork());
    return out;
  }

  private async healNetwork(): Promise<FaultRecord> {
    const family = this.netFault ?? 'partition';
    this.netFault = null;
    const left: Record<string, number> = {};
    for (const n of this.cluster.nodes) {
      const pid = await this.cluster.pid(n);
      if (pid > 0) {
        await heal(pid);
        left[n.id] = (await rules(pid)).length;
      }
    }
    return { f: `stop-${family}`, value: { rulesLeft: left } };
  }

  private async startClock(a: Extract<NemesisAction, { f: 'start-clock' }>): Promise<FaultRecord> {
    switch (a.variant) {
      case 'offset': {
        const nodes = Object.keys(a.offsets).map((id) => this.cluster.node(id));
        this.clock = { variant: 'offset', nodes };
        for (const n of nodes) writeFileSync(n.clockFile, offsetSpec(a.offsets[n.id]));
        const measured: Record<string, number | null> = {};
        for (const n of nodes) measured[n.id] = await this.awaitSkew(n, a.offsets[n.id]);
        return { f: a.f, value: { variant: a.variant, offsets: a.offsets, measured } };
      }
      case 'strobe': {
        // libfaketime rereads its file about once a second, so the strobe period is at least that
        const nodes = a.nodes.map((id) => this.cluster.node(id));
        let flips = 0;
        const write = (): void => {
          const spec = offsetSpec(flips++ % 2 === 0 ? a.delta : 0);
          for (const n of nodes) writeFileSync(n.clockFile, spec);
        };
        write();
        const measured: Record<string, number | null> = {};
        for (const n of nodes) measured[n.id] = await this.awaitSkew(n, a.delta);
        this.clock = { variant: 'strobe', nodes, timer: setInterval(write, a.periodMs), flips: () => flips };
        return { f: a.f, value: { variant: a.variant, nodes: a.nodes, delta: a.delta, periodMs: a.periodMs, measured } };
      }
      case 'drift': {
        const nodes = Object.keys(a.rates).map((id) => this.cluster.node(id));
        this.clock = { variant: 'drift', nodes };
        const measured: Record<string, { offset: number | null; rate: number | null }> = {};
        for (const n of nodes) writeFileSync(n.clockFile, driftSpec(a.rates[n.id], Date.now() - (await this.cluster.startedAt(n))));
        for (const n of nodes) measured[n.id] = await this.measureRate(n);
        return { f: a.f, value: { variant: a.variant, rates: a.rates, measured } };
      }
      case 'lease': {
        const leader = this.cluster.node(a.leader);
        this.clock = { variant: 'lease', nodes: [leader] };
        await this.cluster.pause(leader);
        const pid = await this.cluster.pid(leader);
        await dropFrom(pid, this.cluster.nodes.filter((p) => p !== leader).map((p) => p.ip));
        writeFileSync(leader.clockFile, offsetSpec(a.offset));
        const paused = (await this.cluster.state(leader)).paused;
        return { f: a.f, value: { variant: 'pause-isolate-bump-leader', leader: a.leader, offset: a.offset, paused, rules: (await rules(pid)).length } };
      }
    }
  }

  private async stopClock(): Promise<FaultRecord | null> {
    const c = this.clock;
    if (!c) return null;
    this.clock = null;
    if (c.variant === 'lease') {
      const [leader] = c.nodes;
      await this.cluster.unpause(leader);
      await sleep(300);
      const skew = await this.measureSkew(leader); // measured while its lease looks fresh to it
      await sleep(1200);
      await heal(await this.cluster.pid(leader));
      writeFileSync(leader.clockFile, RESET_SPEC);
      return { f: 'stop-clock', value: { variant: 'pause-isolate-bump-leader', leader: leader.id, measuredOnResume: skew } };
    }
    if (c.variant === 'strobe') clearInterval(c.timer);
    for (const n of c.nodes) writeFileSync(n.clockFile, RESET_SPEC);
    const measured: Record<string, number | null> = {};
    for (const n of c.nodes) measured[n.id] = await this.awaitSkew(n, 0);
    return { f: 'stop-clock', value: { variant: c.variant, reset: c.nodes.map((n) => n.id), measured, ...(c.variant === 'strobe' ? { flips: c.flips() } : {}) } };
  }

  /** polls until the node's clock shows the offset (libfaketime rereads its file about once a second) */
  private async awaitSkew(n: ClusterNode, expected: number): Promise<number | null> {
    let last: number | null = null;
    for (let i = 0; i < 20; i++) {
      last = await this.measureSkew(n);
      if (last !== null && Math.abs(last - expected) < 0.25) return last;
      await sleep(250);
    }
    return last; // recorded as measured: a mismatch is visible in the history
  }

  /** offset now and the clock's rate over the next three seconds (after libfaketime picked the file up) */
  private async measureRate(n: ClusterNode): Promise<{ offset: number | null; rate: number | null }> {
    await sleep(1200);
    const a = await this.sample(n);
    await sleep(3000);
    const b = await this.sample(n);
    if (!a || !b) return { offset: b ? round2(b.skewMs / 1000) : null, rate: null };
    // both skews are taken at the midpoints of their round trips: the rate is their slope
    return { offset: round2(b.skewMs / 1000), rate: round2(1 + (b.skewMs - a.skewMs) / (b.atMs - a.atMs)) };
  }

  /** the node's wall clock minus ours, in seconds (null if it did not answer) */
  private async measureSkew(n: ClusterNode): Promise<number | null> {
    const s = await this.sample(n);
    return s && round2(s.skewMs / 1000);
  }

  /**
   * The node's clock minus ours at the midpoint of a /health round trip, from the
   * fastest of three (as NTP does): a slow answer makes the midpoint uncertain.
   */
  private async sample(n: ClusterNode): Promise<{ skewMs: number; atMs: number } | null> {
    let best: { skewMs: number; atMs: number; rttMs: number } | null = null;
    for (let i = 0; i < 3; i++) {
      const before = Date.now();
      const h = await this.cluster.health(n);
      const after = Date.now();
      if (!h) continue;
      const mid = (before + after) / 2;
      if (!best || after - before < best.rttMs) best = { skewMs: h.now - mid, atMs: mid, rttMs: after - before };
    }
    return best;
  }
}
