import { ClockFaults } from './faults/clock.js';
import { DiskFaults } from './faults/disk.js';
import { NetworkFault } from './faults/network.js';
import { ProcessFaults } from './faults/process.js';
import type { FaultRecord } from './faults/types.js';
import { NETEM_DEFAULTS, type NetemOptions, type PacketFaultAction } from './netem-plan.js';
import { PacketFaults } from './packet-faults.js';
import type { NemesisAction } from './plan.js';
import type { NemesisRuntime } from './runtime.js';

export type { FaultRecord };

/** What the nemesis loop needs of an executor: apply an action, undo everything in force. */
export interface FaultInjector {
  /** null when it had nothing to do (a stop with nothing in force) */
  apply(action: NemesisAction): Promise<FaultRecord | null>;
  /** every undo is tried; what was undone, and what could not be */
  healAll(): Promise<{ records: FaultRecord[]; errors: string[] }>;
  /** the families with a fault in force now */
  inForce(): string[];
}

/**
 * The executor: applies nemesis actions (nemesis/plan.ts) through a runtime
 * (nemesis/runtime.ts) and proves each took effect — iptables rules listed back from
 * the namespace, containers seen dead or frozen, skews measured from the node's own
 * clock. Each family remembers what it has in force, so faults of different families
 * overlap, a stop undoes exactly its family's starts, and `healAll` undoes everything.
 */
export class Nemesis implements FaultInjector {
  private readonly partition: NetworkFault;
  private readonly loss: NetworkFault;
  private readonly process: ProcessFaults;
  private readonly clock: ClockFaults;
  private readonly disk: DiskFaults;
  /** delay, duplicate, reorder (netq), bandwidth (tc tbf), slow (CPU quota, disk limit) */
  private readonly packet: PacketFaults;

  constructor(rt: NemesisRuntime, netem: NetemOptions = NETEM_DEFAULTS) {
    this.partition = new NetworkFault(rt, 'partition', 'FAULTLINE-PART');
    this.loss = new NetworkFault(rt, 'loss', 'FAULTLINE-LOSS');
    // a restarted node has a new network namespace: the faults in force re-install their rules there
    const onRestart = async (id: string): Promise<void> => {
      await this.partition.reapply(id);
      await this.loss.reapply(id);
      await this.clock.reapply(id);
      await this.packet.reapply(id);
    };
    this.process = new ProcessFaults(rt, onRestart, (id) => this.disk.holds(id));
    this.clock = new ClockFaults(rt, this.process);
    this.disk = new DiskFaults(rt, this.process, onRestart);
    const ipOf = new Map(rt.nodes.map((n) => [n.id, n.ip]));
    this.packet = new PacketFaults(
      rt.nodes.map((n) => n.id),
      async (id) => ({ id, ip: ipOf.get(id) as string, pid: await rt.pid(id), container: rt.containerName(id), dataDir: rt.dataDir(id) }),
      netem,
    );
  }

  async apply(a: NemesisAction): Promise<FaultRecord | null> {
    const record = await this.applyOne(a);
    if (record && (a.f === 'start-kill' || a.f === 'start-pause' || a.f === 'start-power-cut' || a.f === 'start-corrupt')) {
      // the lease breaker exposes nothing unless the rest elect a leader and commit: it gives its follower back when they are down to too few
      const released = await this.clock.keepQuorum();
      if (released) record.value = { ...record.value, leaseFollowerReleased: released };
    }
    return record;
  }

  private applyOne(a: NemesisAction): Promise<FaultRecord | null> {
    switch (a.f) {
      case 'start-partition':
        return this.partition.startPartition(a);
      case 'start-loss':
        return this.loss.startLoss(a);
      case 'start-kill':
      case 'start-pause':
        return this.process.start(a);
      case 'start-clock':
        return this.clock.start(a);
      case 'start-power-cut':
        return this.disk.startPowerCut(a);
      case 'start-corrupt':
        return this.disk.startCorrupt(a);
      case 'stop-partition':
        return this.partition.stop();
      case 'stop-loss':
        return this.loss.stop();
      case 'stop-kill':
        return this.process.stopKill();
      case 'stop-pause':
        return this.process.stopPause();
      case 'stop-clock':
        return this.clock.stop();
      case 'stop-power-cut':
        return this.disk.stopPowerCut();
      case 'stop-corrupt':
        return this.disk.stopCorrupt();
      case 'start-delay':
      case 'start-duplicate':
      case 'start-reorder':
      case 'start-bandwidth':
      case 'start-slow':
      case 'stop-delay':
      case 'stop-duplicate':
      case 'stop-reorder':
      case 'stop-bandwidth':
      case 'stop-slow':
        return this.packet.apply(a as PacketFaultAction);
    }
  }

  inForce(): string[] {
    const out: string[] = [];
    if (this.partition.inForce) out.push('partition');
    if (this.loss.inForce) out.push('loss');
    if (this.process.killed.size > 0) out.push('kill');
    if (this.process.paused.size > 0) out.push('pause');
    if (this.clock.inForce) out.push('clock');
    if (this.disk.cut.size > 0) out.push('power-cut');
    if (this.disk.corruptedNodes > 0) out.push('corrupt');
    out.push(...this.packet.inForce());
    return out;
  }

  /** undoes everything in force (the end of a run, or an interrupted one) */
  async healAll(): Promise<{ records: FaultRecord[]; errors: string[] }> {
    const records: FaultRecord[] = [];
    const errors: string[] = [];
    // the disk faults' stops before stop-kill: a repaired node is restarted, and a kill no longer waits behind them
    for (const f of ['stop-clock', 'stop-pause', 'stop-corrupt', 'stop-power-cut', 'stop-kill', 'stop-partition', 'stop-loss'] as const) {
      try {
        const r = await this.apply({ f });
        if (r) records.push(r);
      } catch (err) {
        errors.push(`${f}: ${(err as Error).message}`);
      }
    }
    // after the restarts above, so a node's new namespace is the one cleaned
    const packet = await this.packet.healAll();
    return { records: [...records, ...packet.records], errors: [...errors, ...packet.errors] };
  }
}
