import type { NemesisAction } from '../plan.js';
import type { NemesisRuntime } from '../runtime.js';
import { majoritySize } from '../targets.js';
import type { FaultRecord } from './types.js';

type ProcessStart = Extract<NemesisAction, { f: 'start-kill' | 'start-pause' }>;

/**
 * kill (SIGKILL, restarted by the stop with its data directory) and pause (the
 * cgroup freezer), verified by the container's state. They share this state because
 * they meet on one node: a frozen container is thawed before it is killed, and a
 * dead one is not paused. After a restart, `onRestart` lets the other faults in force
 * re-install what lived in the old process (its network namespace).
 */
export class ProcessFaults {
  readonly killed = new Set<string>();
  readonly paused = new Set<string>();
  /** frozen for another fault (the lease breaker): thawed by that fault's stop, not by stop-pause */
  private readonly heldFrozen = new Set<string>();

  constructor(
    private readonly rt: NemesisRuntime,
    private readonly onRestart: (id: string) => Promise<void>,
    /** nodes another fault holds down (a power cut, a refused start): not killed again, not restarted by stop-kill */
    private readonly heldDown: (id: string) => boolean = () => false,
  ) {}

  async start(a: ProcessStart): Promise<FaultRecord> {
    const kill = a.f === 'start-kill';
    const skipped: string[] = [];
    for (const id of a.nodes) {
      if (this.heldDown(id)) {
        skipped.push(id); // already down
        continue;
      }
      if (kill) {
        const frozen = this.paused.delete(id);
        if (this.heldFrozen.delete(id) || frozen) await this.rt.unpause(id); // a frozen container cannot be killed
        this.killed.add(id);
        await this.rt.kill(id);
      } else if (this.killed.has(id) || this.paused.has(id) || this.heldFrozen.has(id)) {
        skipped.push(id); // already dead or frozen
      } else {
        this.paused.add(id);
        await this.rt.pause(id);
      }
    }
    const hit = a.nodes.filter((id) => !skipped.includes(id));
    const states = await Promise.all(hit.map((id) => this.rt.state(id)));
    const bad = hit.filter((_, i) => (kill ? states[i].running : !states[i].paused));
    if (bad.length > 0) throw new Error(`${a.f} did not take effect on ${bad.join(', ')}`);
    const down = [...new Set([...this.killed, ...this.paused])];
    return {
      f: a.f,
      value: {
        target: a.target,
        nodes: a.nodes,
        ...(skipped.length ? { skipped } : {}),
        down,
        quorumLost: this.rt.nodes.length - down.length < majoritySize(this.rt.nodes.length),
        verified: Object.fromEntries(hit.map((id, i) => [id, states[i]])),
      },
    };
  }

  async stopKill(): Promise<FaultRecord | null> {
    if (this.killed.size === 0) return null;
    const ids = [...this.killed].filter((id) => !this.heldDown(id));
    this.killed.clear();
    for (const id of ids) await this.rt.start(id);
    const states = await Promise.all(ids.map((id) => this.rt.state(id)));
    for (const id of ids) await this.onRestart(id);
    return { f: 'stop-kill', value: { restarted: ids, running: Object.fromEntries(ids.map((id, i) => [id, states[i].running])) } };
  }

  /** killed, frozen or held down by another fault: it cannot answer (a clock measured on it would only time out) */
  isDown(id: string): boolean {
    return this.killed.has(id) || this.paused.has(id) || this.heldFrozen.has(id) || this.heldDown(id);
  }

  /**
   * freezes one node for another fault (the lease breaker), thawed by `resume` (a kill
   * thaws it first); stop-pause leaves it frozen: it once thawed the lease breaker's
   * leader halfway through
   */
  async pauseNode(id: string): Promise<void> {
    if (this.killed.has(id) || this.paused.has(id) || this.heldFrozen.has(id)) return;
    this.heldFrozen.add(id);
    await this.rt.pause(id);
  }

  /** thaws a node whichever fault froze it (before another fault kills it); whether it was frozen */
  async thaw(id: string): Promise<boolean> {
    const frozen = this.paused.delete(id);
    if (!this.heldFrozen.delete(id) && !frozen) return false;
    await this.rt.unpause(id);
    return true;
  }

  /** thaws a node `pauseNode` froze, if it still is; whether it was */
  async resume(id: string): Promise<boolean> {
    if (!this.heldFrozen.delete(id)) return false;
    await this.rt.unpause(id);
    return true;
  }

  async stopPause(): Promise<FaultRecord | null> {
    if (this.paused.size === 0) return null;
    const ids = [...this.paused];
    this.paused.clear();
    for (const id of ids) await this.rt.unpause(id);
    const states = await Promise.all(ids.map((id) => this.rt.state(id)));
    return { f: 'stop-pause', value: { resumed: ids, paused: Object.fromEntries(ids.map((id, i) => [id, states[i].paused])) } };
  }
}
