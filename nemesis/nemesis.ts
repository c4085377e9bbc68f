import { writeFileSync } from 'node:fs';
import type { ClusterNode, DockerCluster } from '../src/cluster/docker.js';
import { UsageError } from '../src/util/errors.js';
import { type Grudge, grudgeFor, shuffle, type Topology, TOPOLOGIES } from './grudge.js';
import { dropFrom, heal, lossWith, rules } from './iptables.js';

export type FaultFamily = 'partition' | 'loss' | 'kill' | 'pause' | 'clock';
export const FAMILIES: readonly FaultFamily[] = ['partition', 'loss', 'kill', 'pause', 'clock'];
/** faults this machine cannot apply (no sch_netem): refused, never skipped silently */
const UNAVAILABLE = ['delay', 'duplicate', 'reorder', 'corrupt'];

export class NemesisUnavailableError extends UsageError {
  constructor(fault: string) {
    super(`the ${fault} fault needs tc netem, which this kernel lacks (no sch_netem); available: ${FAMILIES.join(', ')}`);
  }
}

export interface NemesisOptions {
  families: FaultFamily[];
  topologies: Topology[];
  lossProbability: number;
  /** clock offsets to apply, seconds (± random sign) */
  skewSeconds: number;
  rand: () => number;
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

interface Active {
  family: FaultFamily;
  nodes: ClusterNode[];
  /** clock variant: the leader paused, cut off and set back (a lease that looks fresh on resume) */
  leaderLease?: boolean;
}

/**
 * Applies faults to a Docker cluster and proves each took effect: iptables rules
 * listed back from the namespace, the container seen dead or frozen, the skew
 * measured from the node's own clock. Stops undo exactly what the start did.
 */
export class Nemesis {
  private active: Active | null = null;

  constructor(
    private readonly cluster: DockerCluster,
    private readonly o: NemesisOptions,
  ) {}

  get busy(): boolean {
    return this.active !== null;
  }

  async start(): Promise<FaultRecord | null> {
    if (this.o.families.length === 0 || this.active) return null;
    const family = this.o.families[Math.floor(this.o.rand() * this.o.families.length)];
    const nodes = this.cluster.nodes;
    const leader = await this.cluster.leader();
    switch (family) {
      case 'partition': {
        const topology = this.o.topologies[Math.floor(this.o.rand() * this.o.topologies.length)];
        const grudge = grudgeFor(topology, nodes.map((n) => n.id), this.o.rand, leader?.id ?? null);
        const verified: Record<string, number> = {};
        for (const [id, enemies] of Object.entries(grudge)) {
          const n = this.cluster.node(id);
          const pid = await this.cluster.pid(n);
          await dropFrom(pid, enemies.map((e) => this.cluster.node(e).ip));
          verified[id] = (await rules(pid)).length;
          if (verified[id] < enemies.length) throw new Error(`partition not in force on ${id}: ${verified[id]} rules for ${enemies.length} peers`);
        }
        this.active = { family, nodes };
        return { f: 'start-partition', value: { topology, grudge: grudge as Grudge, rules: verified } };
      }
      case 'loss': {
        const verified: Record<string, number> = {};
        for (const n of nodes) {
          const pid = await this.cluster.pid(n);
          await lossWith(pid, nodes.filter((p) => p !== n).map((p) => p.ip), this.o.lossProbability);
          verified[n.id] = (await rules(pid)).length;
        }
        this.active = { family, nodes };
        return { f: 'start-loss', value: { probability: this.o.lossProbability, rules: verified } };
      }
      case 'kill':
      case 'pause': {
        // the leader half the time (Jepsen's :primaries), else a random minority
        const minority = Math.max(1, Math.floor(nodes.length / 2));
        const targets = leader && this.o.rand() < 0.5 ? [leader] : shuffle(nodes, this.o.rand).slice(0, 1 + Math.floor(this.o.rand() * minority));
        for (const n of targets) await (family === 'kill' ? this.cluster.kill(n) : this.cluster.pause(n));
        const states = await Promise.all(targets.map((n) => this.cluster.state(n)));
        const took = states.every((s) => (family === 'kill' ? !s.running : s.paused));
        if (!took) throw new Error(`${family} did not take effect on ${targets.map((t) => t.id).join(', ')}`);
        this.active = { family, nodes: targets };
        return { f: `start-${family}`, value: { nodes: targets.map((t) => t.id), leader: leader?.id ?? null, verified: states } };
      }
      case 'clock': {
        if (leader && this.o.rand() < 0.5) {
          // Jepsen's classic lease breaker: pause the leader and set its clock back by more
          // than the pause, cut off; on resume its wall clock says its lease is still fresh
          const back = -(this.o.skewSeconds + 8);
          await this.cluster.pause(leader);
          const pid = await this.cluster.pid(leader);
          await dropFrom(pid, nodes.filter((p) => p !== leader).map((p) => p.ip));
          writeFileSync(leader.clockFile, `${back}\n`);
          this.active = { family, nodes: [leader], leaderLease: true };
          return { f: 'start-clock', value: { variant: 'pause-isolate-bump-leader', leader: leader.id, offset: back, paused: (await this.cluster.state(leader)).paused, rules: (await rules(pid)).length } };
        }
        const targets = shuffle(nodes, this.o.rand).slice(0, Math.max(1, Math.floor(nodes.length / 2)));
        const offsets: Record<string, number> = {};
        for (const n of targets) {
          const offset = Math.round((this.o.rand() < 0.5 ? -1 : 1) * this.o.skewSeconds * (0.5 + this.o.rand()) * 1000) / 1000;
          writeFileSync(n.clockFile, `${offset >= 0 ? '+' : ''}${offset}\n`);
          offsets[n.id] = offset;
        }
        const measured: Record<string, number | null> = {};
        for (const n of targets) measured[n.id] = await this.awaitSkew(n, offsets[n.id]);
        this.active = { family, nodes: targets };
        return { f: 'start-clock', value: { offsets, measured } };
      }
    }
  }

  async stop(): Promise<FaultRecord | null> {
    const a = this.active;
    if (!a) return null;
    this.active = null;
    switch (a.family) {
      case 'partition':
      case 'loss': {
        const left: Record<string, number> = {};
        for (const n of this.cluster.nodes) {
          const pid = await this.cluster.pid(n);
          if (pid > 0) {
            await heal(pid);
            left[n.id] = (await rules(pid)).length;
          }
        }
        return { f: `stop-${a.family}`, value: { rulesLeft: left } };
      }
      case 'kill':
        for (const n of a.nodes) await this.cluster.start(n);
        return { f: 'stop-kill', value: { restarted: a.nodes.map((n) => n.id) } };
      case 'pause':
        for (const n of a.nodes) await this.cluster.unpause(n);
        return { f: 'stop-pause', value: { resumed: a.nodes.map((n) => n.id) } };
      case 'clock': {
        if (a.leaderLease) {
          const [leader] = a.nodes;
          await this.cluster.unpause(leader);
          await new Promise((r) => setTimeout(r, 300));
          const skew = await this.measureSkew(leader); // measured while its lease looks fresh to it
          await new Promise((r) => setTimeout(r, 1200));
          await heal(await this.cluster.pid(leader));
          writeFileSync(leader.clockFile, '+0\n');
          return { f: 'stop-clock', value: { variant: 'pause-isolate-bump-leader', leader: leader.id, measuredOnResume: skew } };
        }
        for (const n of a.nodes) writeFileSync(n.clockFile, '+0\n');
        const measured: Record<string, number | null> = {};
        for (const n of a.nodes) measured[n.id] = await this.awaitSkew(n, 0);
        return { f: 'stop-clock', value: { reset: a.nodes.map((n) => n.id), measured } };
      }
    }
  }

  /** polls until the node's clock shows the offset (libfaketime rereads its file about once a second) */
  private async awaitSkew(n: ClusterNode, expected: number): Promise<number | null> {
    let last: number | null = null;
    for (let i = 0; i < 20; i++) {
      last = await this.measureSkew(n);
      if (last !== null && Math.abs(last - expected) < 0.25) return last;
      await new Promise((r) => setTimeout(r, 250));
    }
    return last; // recorded as measured: a mismatch is visible in the history
  }

  /** the node's wall clock minus ours, in seconds (null if it did not answer) */
  private async measureSkew(n: ClusterNode): Promise<number | null> {
    const before = Date.now();
    const h = await this.cluster.health(n);
    if (!h) return null;
    const mid = (before + Date.now()) / 2;
    return Math.round((h.now - mid) / 10) / 100;
  }
}

export { TOPOLOGIES };
