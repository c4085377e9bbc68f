import { awaitLeader } from '../../src/controller/monitor.js';
import { mulberry32 } from '../../src/controller/random.js';
import { leaderOf } from '../../src/sut/leader.js';
import { type AppliedCorruption, applyCorruption, CORRUPT_DEFAULTS, listFiles, planCorruption } from '../corrupt.js';
import { dropFrom, flush, rules } from '../iptables.js';
import type { CutReport } from '../lazyfs.js';
import type { NemesisAction } from '../plan.js';
import type { DiskRuntime, NemesisRuntime } from '../runtime.js';
import { majoritySize } from '../targets.js';
import type { ProcessFaults } from './process.js';
import type { FaultRecord } from './types.js';

type PowerCutStart = Extract<NemesisAction, { f: 'start-power-cut' }>;
type CorruptStart = Extract<NemesisAction, { f: 'start-corrupt' }>;

/** how long a corrupted node is watched after its restart: it starts (answers health) or refuses (exits) */
const WATCH_MS = 8000;
/** a majority back from a power cut, cut off from the rest: how long it is given to elect a leader, and how long it then runs alone */
export const CUTOFF_ELECT_MS = 10_000;
export const CUTOFF_HOLD_MS = 2000;
/**
 * A power cut waits up to this long for the node's next fsync of unsynced data to be
 * about to return, and lands there (then anyway): the moment a node that acknowledges
 * before its fsync completes has acknowledged the most that is not durable. A node
 * under load fsyncs every few ms; an idle one is cut when the wait runs out.
 */
export const CUT_AT_SYNC_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What one node's cut lost, for the history and the run summary. */
export interface CutRecord {
  unsyncedBytes: number;
  files: { path: string; unsyncedBytes: number; size: number; durableSize: number }[];
  syncsInterrupted: number;
  /** what the fsyncs cut short were making durable */
  interrupted: CutReport['interrupted'];
  torn: CutReport['torn'];
  namespace: CutReport['namespace'];
  /** the cut landed as an fsync was about to return (else the wait ran out), and how long it waited */
  atSync: boolean;
  waitedMs: number;
}

function cutRecord(r: CutReport): CutRecord {
  return {
    unsyncedBytes: r.unsyncedBytes,
    files: r.files,
    syncsInterrupted: r.syncsInterrupted,
    interrupted: r.interrupted,
    torn: r.torn,
    namespace: r.namespace,
    atSync: r.atSync === true,
    waitedMs: r.waitedMs ?? 0,
  };
}

/**
 * power-cut and corrupt: the faults that reach a node's disk. A power cut fails the
 * node's power-cut layer first, as an fsync is about to return (CUT_AT_SYNC_MS; its
 * unsynced writes are gone, its I/O fails from then on), then kills the node, then powers the layer back on; the node stays down
 * until the stop restarts it. A corruption stops the node, damages one of its data
 * files and restarts it at once, then watches whether it starts or refuses; the stop
 * repairs (puts back the exact bytes) and restarts a node that refused.
 */
export class DiskFaults {
  /** nodes a power cut holds down until stop-power-cut */
  readonly cut = new Set<string>();
  /** the cut nodes come back cut off from the rest (start-power-cut's cutOffRest) */
  private cutOffRest = false;
  /** corruptions in force, by node */
  private readonly corrupted = new Map<string, { applied: AppliedCorruption; refused: boolean }>();

  constructor(
    private readonly rt: NemesisRuntime,
    private readonly process: ProcessFaults,
    private readonly onRestart: (id: string) => Promise<void>,
  ) {}

  private get disk(): DiskRuntime {
    if (!this.rt.disk) throw new Error('the disk faults need a runtime with data directories (a Docker cluster)');
    return this.rt.disk;
  }

  get corruptedNodes(): number {
    return this.corrupted.size;
  }

  /** held down by a disk fault: the kill fault's stop leaves it to the disk fault's */
  holds(id: string): boolean {
    return this.cut.has(id) || this.corrupted.get(id)?.refused === true;
  }

  /** the power fails on one node: cut its layer (everything after fails), kill it, power the layer back on */
  private async cutNode(id: string, tear: number | null): Promise<CutRecord> {
    const layer = this.disk.layer(id);
    if (!layer) throw new Error(`${id} has no power-cut layer (the cluster came up without --nemesis power-cut)`);
    const report = await layer.cut({ ...(tear === null ? {} : { tear }), atSyncMs: CUT_AT_SYNC_MS });
    try {
      await this.process.thaw(id); // a frozen container cannot be killed
      if (!this.process.killed.has(id) && (await this.rt.state(id)).running) {
        try {
          await this.rt.kill(id);
        } catch (err) {
          // it died on its own meanwhile: a system that exits on its first EIO (etcd does) races the kill
          if ((await this.rt.state(id)).running) throw err;
        }
      }
    } finally {
      await layer.powerOn();
    }
    this.cut.add(id);
    return cutRecord(report);
  }

  async startPowerCut(a: PowerCutStart): Promise<FaultRecord> {
    if (a.cutOffRest) this.cutOffRest = true;
    const cuts: Record<string, CutRecord> = {};
    const first = a.nodes.filter((id) => !this.cut.has(id));
    for (const [i, r] of (await Promise.all(first.map((id) => this.cutNode(id, a.tear)))).entries()) cuts[first[i]] = r;
    let leader: string | null = null;
    if (a.thenLeader) {
      await sleep(a.gapMs); // the rest go on meanwhile: the leader takes new writes
      const live = this.rt.nodes.filter((n) => !this.cut.has(n.id)).map((n) => n.id);
      const hs = await Promise.all(live.map((id) => this.rt.health(id, 500)));
      leader = leaderOf(hs)?.id ?? null;
      if (leader !== null) cuts[leader] = await this.cutNode(leader, a.tear);
    }
    const nodes = Object.keys(cuts);
    const states = await Promise.all(nodes.map((id) => this.rt.state(id)));
    const alive = nodes.filter((_, i) => states[i].running);
    if (alive.length > 0) throw new Error(`start-power-cut did not take effect on ${alive.join(', ')}`);
    const down = [...new Set([...this.cut, ...this.process.killed])];
    return {
      f: a.f,
      value: {
        target: a.target,
        nodes,
        ...(a.thenLeader ? { leaderCutInTurn: leader } : {}),
        tear: a.tear,
        lost: cuts,
        unsyncedBytes: Object.values(cuts).reduce((s, c) => s + c.unsyncedBytes, 0),
        interruptedBytes: Object.values(cuts).reduce((s, c) => s + c.interrupted.reduce((t, i) => t + i.bytes, 0), 0),
        down,
        quorumLost: this.rt.nodes.length - down.length < majoritySize(this.rt.nodes.length),
      },
    };
  }

  async stopPowerCut(): Promise<FaultRecord | null> {
    if (this.cut.size === 0) return null;
    const ids = [...this.cut];
    this.cut.clear();
    const restart = ids.filter((id) => !this.process.killed.has(id) && !this.holds(id)); // a kill in force keeps its own
    // a majority coming back can elect a leader from what it synced alone: the rest are cut off from it until it has
    const rest = this.cutOffRest && restart.length >= majoritySize(this.rt.nodes.length) ? this.rt.nodes.filter((n) => !ids.includes(n.id)) : [];
    this.cutOffRest = false;
    let cutOff: Record<string, unknown> | undefined;
    const ruled: { id: string; pid: number }[] = [];
    try {
      const ips = this.rt.nodes.filter((n) => restart.includes(n.id)).map((n) => n.ip);
      for (const n of rest) {
        const pid = await this.rt.pid(n.id);
        if (pid === 0) continue;
        ruled.push({ id: n.id, pid });
        await dropFrom(this.rt, pid, 'FAULTLINE-CUTOFF', ips); // inbound is enough for TCP: neither side's handshake completes
      }
      const verified = Object.fromEntries(await Promise.all(ruled.map(async (r) => [r.id, (await rules(this.rt, r.pid, 'FAULTLINE-CUTOFF')).length])));
      for (const id of restart) await this.rt.start(id);
      for (const id of restart) await this.onRestart(id);
      if (rest.length > 0) {
        const t0 = Date.now();
        const leader = (await awaitLeader(this.rt, CUTOFF_ELECT_MS, undefined, restart))?.id ?? null;
        if (leader) await sleep(CUTOFF_HOLD_MS);
        cutOff = { rest: rest.map((n) => n.id), rules: verified, leaderAlone: leader, ms: Date.now() - t0 };
      }
    } finally {
      for (const r of ruled) if ((await this.rt.pid(r.id)) === r.pid) await flush(this.rt, r.pid, 'FAULTLINE-CUTOFF');
    }
    const states = await Promise.all(restart.map((id) => this.rt.state(id)));
    return {
      f: 'stop-power-cut',
      value: { restarted: restart, running: Object.fromEntries(restart.map((id, i) => [id, states[i].running])), ...(cutOff ? { cutOffRest: cutOff } : {}) },
    };
  }

  async startCorrupt(a: CorruptStart): Promise<FaultRecord> {
    const id = a.node;
    if (this.corrupted.has(id)) return { f: a.f, value: { target: a.target, node: id, skipped: 'already corrupted' } };
    const wasUp = !this.cut.has(id) && !this.process.killed.has(id);
    if (wasUp) {
      await this.process.thaw(id);
      if ((await this.rt.state(id)).running) await this.rt.kill(id);
    }
    const dir = this.rt.dataDir(id);
    const plan = planCorruption(await listFiles(dir), mulberry32(a.seed), { ...CORRUPT_DEFAULTS, kinds: a.kinds });
    if (plan === null) {
      if (wasUp) await this.restart(id);
      return { f: a.f, value: { target: a.target, node: id, seed: a.seed, skipped: 'no non-empty file to damage' } };
    }
    const applied = await applyCorruption(dir, plan, { saveTo: this.disk.scratchDir(id) });
    // a node held down by another fault stays down: it meets the damage when that fault's stop restarts it
    if (!wasUp) {
      this.corrupted.set(id, { applied, refused: false });
      return { f: a.f, value: { target: a.target, node: id, seed: a.seed, corruption: applied.record, outcome: 'node down: restarted by another fault' } };
    }
    await this.restart(id);
    const outcome = await this.watch(id);
    this.corrupted.set(id, { applied, refused: outcome.refused });
    return { f: a.f, value: { target: a.target, node: id, seed: a.seed, corruption: applied.record, ...outcome } };
  }

  /** after a corruption: did the node come up, or refuse to start (its process exited)? */
  private async watch(id: string): Promise<{ refused: boolean; outcome: string; exitCode?: number | null }> {
    const end = Date.now() + WATCH_MS;
    while (Date.now() < end) {
      if (!(await this.rt.state(id)).running) {
        const exitCode = await this.disk.exitCode(id);
        return { refused: true, outcome: `refused to start (exit ${exitCode})`, exitCode };
      }
      if (await this.rt.health(id, 500)) return { refused: false, outcome: 'started' };
      await sleep(200);
    }
    return { refused: false, outcome: `running, not answering after ${WATCH_MS} ms` };
  }

  private async restart(id: string): Promise<void> {
    await this.rt.start(id);
    try {
      await this.onRestart(id);
    } catch (err) {
      // a node that refused its damaged data has exited already (its namespace is gone): the faults
      // in force are put back when stop-corrupt repairs and restarts it; a running node must get them
      if ((await this.rt.state(id)).running) throw err;
    }
  }

  /** repairs every node that refused to start (the exact bytes put back) and restarts it; the others keep what they did */
  async stopCorrupt(): Promise<FaultRecord | null> {
    if (this.corrupted.size === 0) return null;
    const repaired: string[] = [];
    const kept: string[] = [];
    for (const [id, c] of this.corrupted) {
      if (c.refused || !(await this.rt.state(id)).running) {
        await c.applied.undo();
        repaired.push(id);
      } else kept.push(id);
    }
    this.corrupted.clear();
    const restart = repaired.filter((id) => !this.cut.has(id) && !this.process.killed.has(id));
    for (const id of restart) await this.restart(id);
    const states = await Promise.all(restart.map((id) => this.rt.state(id)));
    return {
      f: 'stop-corrupt',
      value: {
        repaired,
        restarted: restart,
        running: Object.fromEntries(restart.map((id, i) => [id, states[i].running])),
        ...(kept.length ? { keptDamage: kept } : {}),
      },
    };
  }
}
