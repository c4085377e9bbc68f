import type { Grudge } from '../grudge.js';
import { type Chain, dropFrom, flush, lossWith, rules } from '../iptables.js';
import type { NemesisAction } from '../plan.js';
import type { NemesisRuntime } from '../runtime.js';
import type { FaultRecord } from './types.js';

type PartitionStart = Extract<NemesisAction, { f: 'start-partition' }>;
type LossStart = Extract<NemesisAction, { f: 'start-loss' }>;

/**
 * Partition and loss, each in its own iptables chain inside every affected node's
 * network namespace. A node that is down when the fault starts, or is restarted while
 * it is in force (a restarted container has a new namespace), gets its rules when it
 * runs again (`reapply`), so a fault stays in force for as long as the history says.
 */
export class NetworkFault {
  /** for each node, the addresses it drops (partition) or loses packets with (loss) */
  private peersOf: Record<string, string[]> | null = null;
  private probability = 1;

  constructor(
    private readonly rt: NemesisRuntime,
    readonly family: 'partition' | 'loss',
    private readonly chain: Chain,
  ) {}

  get inForce(): boolean {
    return this.peersOf !== null;
  }

  async startPartition(a: PartitionStart): Promise<FaultRecord> {
    if (this.peersOf) await this.stop();
    this.peersOf = this.addresses(a.grudge);
    this.probability = 1;
    const { verified, down } = await this.applyAll();
    return { f: a.f, value: { topology: a.topology, grudge: a.grudge, rules: verified, ...(down.length ? { down } : {}) } };
  }

  async startLoss(a: LossStart): Promise<FaultRecord> {
    if (this.peersOf) await this.stop();
    const all = this.rt.nodes;
    this.peersOf = Object.fromEntries(a.nodes.map((id) => [id, all.filter((p) => p.id !== id).map((p) => p.ip)]));
    this.probability = a.probability;
    const { verified, down } = await this.applyAll();
    return { f: a.f, value: { target: a.target, nodes: a.nodes, probability: a.probability, rules: verified, ...(down.length ? { down } : {}) } };
  }

  /** removes this family's rules from every running node and lists what is left (0 each) */
  async stop(): Promise<FaultRecord | null> {
    if (!this.peersOf) return null;
    this.peersOf = null;
    const left: Record<string, number> = {};
    for (const n of this.rt.nodes) {
      const pid = await this.rt.pid(n.id);
      if (pid <= 0) continue;
      await flush(this.rt, pid, this.chain);
      left[n.id] = (await rules(this.rt, pid, this.chain)).length;
    }
    return { f: `stop-${this.family}`, value: { rulesLeft: left } };
  }

  /** after a node restarted (new network namespace): put its rules back if the fault is in force */
  async reapply(id: string): Promise<void> {
    if (!this.peersOf?.[id]?.length) return;
    const pid = await this.rt.pid(id);
    if (pid > 0) await this.install(pid, this.peersOf[id]);
  }

  private addresses(grudge: Grudge): Record<string, string[]> {
    const ip = new Map(this.rt.nodes.map((n) => [n.id, n.ip]));
    return Object.fromEntries(Object.entries(grudge).map(([id, enemies]) => [id, enemies.map((e) => ip.get(e) as string)]));
  }

  private install(pid: number, ips: readonly string[]): Promise<void> {
    return this.family === 'partition' ? dropFrom(this.rt, pid, this.chain, ips) : lossWith(this.rt, pid, this.chain, ips, this.probability);
  }

  /** installs every node's rules and proves them by listing the chain back */
  private async applyAll(): Promise<{ verified: Record<string, number>; down: string[] }> {
    const verified: Record<string, number> = {};
    const down: string[] = [];
    const perPeer = this.family === 'partition' ? 1 : 2;
    for (const [id, ips] of Object.entries(this.peersOf ?? {})) {
      if (ips.length === 0) continue;
      const pid = await this.rt.pid(id);
      if (pid <= 0) {
        down.push(id); // installed when it restarts
        continue;
      }
      await this.install(pid, ips);
      verified[id] = (await rules(this.rt, pid, this.chain)).length;
      if (verified[id] < ips.length * perPeer) throw new Error(`${this.family} not in force on ${id}: ${verified[id]} rules for ${ips.length} peers`);
    }
    return { verified, down };
  }
}
