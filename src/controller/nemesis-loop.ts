import type { Logger } from 'pino';
import type { FaultInjector, FaultRecord } from '../../nemesis/nemesis.js';
import { involvesLeader, type NemesisPlan } from '../../nemesis/plan.js';
import { leaderOf } from '../sut/leader.js';
import { healths, timeToNewLeader, timeToRecover, type Watchable } from './monitor.js';
import type { Recorder } from './recorder.js';
import { sleepWhile } from './workers.js';

/** A recovery time: after a heal (cluster converged again) or after a fault hit the leader (a new one elected). */
export interface Recovery {
  kind: 'heal' | 'leader';
  /** the nemesis event it follows */
  after: string;
  /** when that event happened, ms since the load started */
  atMs: number;
  /** null: not within the timeout */
  ms: number | null;
}

export interface NemesisLoopOptions {
  nemesis: FaultInjector;
  /** what to do at each step (nemesis/plan.ts) */
  plan: NemesisPlan;
  /** the plan's and the schedule's seeded randomness */
  rand: () => number;
  cluster: Watchable;
  recorder: Recorder;
  /** mean seconds between steps: each wait is uniform over 0–2× (Jepsen's stagger) */
  intervalS: number;
  /** ms since the load started, and when the load ends */
  clock: () => number;
  endMs: number;
  stopped: () => boolean;
  log: Logger;
  /** waits (tests pass a fast one); default: naps that notice `stopped` */
  sleep?: (ms: number) => Promise<void>;
}

export interface NemesisReport {
  faults: number;
  /** faults whose start involved the node leading at that moment */
  leaderFaults: number;
  failures: number;
  recoveries: Recovery[];
}

/**
 * The nemesis schedule: after a staggered wait the plan says what to do next, from
 * the live cluster (who leads right now), until the load ends; then everything still
 * in force is healed. Each action is a `nemesis` info event in the history carrying
 * what was applied and verified, the target, and who led when it was chosen
 * (`currentLeader`). After a stop that leaves no fault in force the time to recover
 * is measured, and after a fault that took the leader away, the time until another
 * node leads.
 */
export async function runNemesisLoop(o: NemesisLoopOptions): Promise<NemesisReport> {
  const report: NemesisReport = { faults: 0, leaderFaults: 0, failures: 0, recoveries: [] };
  const measuring: Promise<void>[] = [];
  const intervalMs = o.intervalS * 1000;
  const wait = o.sleep ?? ((ms: number) => sleepWhile(ms, o));
  const measure = (kind: Recovery['kind'], rec: FaultRecord, at: number, p: Promise<number | null>): void => {
    measuring.push(p.then((ms) => void report.recoveries.push({ kind, after: rec.f, atMs: at, ms })));
  };
  const record = (rec: FaultRecord, leader: string | null, tookMs?: number): void => {
    const at = o.clock();
    const value = { ...rec.value, currentLeader: leader };
    o.recorder.record({ type: 'info', process: 'nemesis', f: rec.f, value });
    // tookMs: how long applying and verifying it held the schedule (the log only: what keeps the cadence down)
    o.log.info({ f: rec.f, value, ...(tookMs !== undefined ? { tookMs: Math.round(tookMs) } : {}) }, 'nemesis');
    // a heal is timed when it leaves the cluster whole: with other faults in force there is nothing to converge to
    if (rec.f.startsWith('stop-')) {
      if (o.nemesis.inForce().length === 0) measure('heal', rec, at, timeToRecover(o.cluster, Math.max(10_000, 2 * intervalMs)));
    } else if (leader && hitsLeader(rec, leader, o.cluster.nodes.length)) measure('leader', rec, at, timeToNewLeader(o.cluster, leader, intervalMs + 5000));
  };
  const step = async (): Promise<void> => {
    const leader = leaderOf(await healths(o.cluster, 500))?.id ?? null;
    const action = o.plan.next({ nodes: o.cluster.nodes.map((n) => n.id), leader, rand: o.rand, remainingMs: o.endMs - o.clock() });
    if (!action) return;
    const began = performance.now();
    try {
      const rec = await o.nemesis.apply(action);
      if (!rec) return;
      if (action.f.startsWith('start-')) {
        report.faults++;
        if (involvesLeader(action, leader)) report.leaderFaults++;
      }
      record(rec, leader, performance.now() - began);
    } catch (err) {
      // a fault that could not be applied is logged and counted, never silently skipped
      report.failures++;
      o.log.error({ err: (err as Error).message, action }, 'nemesis failed');
    }
  };
  try {
    // the first fault after a short warm-up, so the history shows the healthy cluster first
    await wait(Math.min(intervalMs, 2000));
    while (!o.stopped() && o.clock() < o.endMs) {
      await wait(Math.min(o.rand() * 2 * intervalMs, Math.max(0, o.endMs - o.clock())));
      if (o.stopped() || o.clock() >= o.endMs) break;
      await step();
    }
  } finally {
    // heal whatever is still in force
    const { records, errors } = await o.nemesis.healAll();
    for (const rec of records) record(rec, null);
    for (const err of errors) {
      report.failures++;
      o.log.error({ err }, 'heal failed');
    }
    await Promise.all(measuring);
  }
  return report;
}

/** Did this fault take the leader away: killed, paused, or cut off from a majority? */
export function hitsLeader(rec: FaultRecord, leader: string, nodes: number): boolean {
  const v = rec.value as { nodes?: string[]; node?: string; leader?: string; variant?: string; grudge?: Record<string, string[]> };
  if ((rec.f === 'start-kill' || rec.f === 'start-pause' || rec.f === 'start-power-cut') && v.nodes?.includes(leader)) return true;
  if (rec.f === 'start-corrupt' && v.node === leader) return true;
  if (v.variant === 'pause-isolate-bump-leader' && v.leader === leader) return true;
  return (v.grudge?.[leader]?.length ?? 0) >= Math.ceil(nodes / 2);
}
