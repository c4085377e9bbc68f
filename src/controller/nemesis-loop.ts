import type { Logger } from 'pino';
import { delay, PENDING, repeat, timeLimit } from '../../workloads/generator.js';
import type { FaultRecord } from '../../nemesis/nemesis.js';
import type { NemesisAction, NemesisPlan } from '../../nemesis/plan.js';
import { leaderOf } from '../node/protocol.js';
import { healths, timeToNewLeader, timeToRecover, type Watchable } from './monitor.js';
import type { Recorder } from './recorder.js';
import { sleepWhile } from './workers.js';

/** What the loop needs of a nemesis (nemesis/nemesis.ts): apply an action, undo everything. */
export interface FaultInjector {
  apply(action: NemesisAction): Promise<FaultRecord | null>;
  healAll(): Promise<FaultRecord[]>;
}

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
  /** the plan's seeded randomness */
  rand: () => number;
  cluster: Watchable;
  recorder: Recorder;
  /** seconds between the plan's steps (a fault's start and stop, a stop and the next start) */
  intervalS: number;
  /** ms since the load started, and when the load ends */
  clock: () => number;
  endMs: number;
  stopped: () => boolean;
  log: Logger;
}

export interface NemesisReport {
  faults: number;
  failures: number;
  recoveries: Recovery[];
}

/**
 * The nemesis schedule: every interval the plan says what to do next (for `chaos`,
 * Jepsen's flip-flop: start a fault, stop it, start another, ...) until the load ends;
 * then everything still in force is healed. Each action is a `nemesis` info event in
 * the history carrying what was applied and verified. After each stop the time to
 * recover is measured, and after a fault that hit the leader the time until another
 * node leads.
 */
export async function runNemesisLoop(o: NemesisLoopOptions): Promise<NemesisReport> {
  const report: NemesisReport = { faults: 0, failures: 0, recoveries: [] };
  const measuring: Promise<void>[] = [];
  const intervalMs = o.intervalS * 1000;
  const measure = (kind: Recovery['kind'], rec: FaultRecord, at: number, p: Promise<number | null>): void => {
    measuring.push(p.then((ms) => void report.recoveries.push({ kind, after: rec.f, atMs: at, ms })));
  };
  const record = (rec: FaultRecord, leader: string | null): void => {
    const at = o.clock();
    o.recorder.record({ type: 'info', process: 'nemesis', f: rec.f, value: rec.value });
    o.log.info({ f: rec.f, value: rec.value }, 'nemesis');
    if (rec.f.startsWith('stop-')) measure('heal', rec, at, timeToRecover(o.cluster, Math.max(10_000, 2 * intervalMs)));
    else {
      report.faults++;
      if (leader && hitsLeader(rec, leader, o.cluster.nodes.length)) measure('leader', rec, at, timeToNewLeader(o.cluster, leader, intervalMs + 5000));
    }
  };
  const step = async (): Promise<void> => {
    const leader = leaderOf(await healths(o.cluster, 500))?.id ?? null;
    const action = o.plan.next({ nodes: o.cluster.nodes.map((n) => n.id), leader, rand: o.rand });
    if (!action) return;
    try {
      const rec = await o.nemesis.apply(action);
      if (rec) record(rec, leader);
    } catch (err) {
      // a fault that could not be applied is logged and counted, never silently skipped
      report.failures++;
      o.log.error({ err: (err as Error).message, action }, 'nemesis failed');
    }
  };
  // the first fault after a short warm-up, so the history shows the healthy cluster first
  await sleepWhile(Math.min(intervalMs, 2000), o);
  const schedule = timeLimit(Math.max(0, o.endMs - o.clock()), delay(intervalMs, repeat({ f: 'step', value: null })));
  try {
    for (;;) {
      const op = schedule.next({ time: o.clock(), thread: 0, process: 0, rand: o.rand });
      if (op === null || op === PENDING || o.stopped()) break;
      await sleepWhile((op.at ?? 0) - o.clock(), o);
      if (o.stopped() || o.clock() >= o.endMs) break;
      await step();
    }
  } finally {
    // heal whatever is still in force
    try {
      for (const rec of await o.nemesis.healAll()) record(rec, null);
    } catch (err) {
      report.failures++;
      o.log.error({ err: (err as Error).message }, 'heal failed');
    }
    await Promise.all(measuring);
  }
  return report;
}

/** Did this fault take the leader away: killed, paused, or cut off from a majority? */
export function hitsLeader(rec: FaultRecord, leader: string, nodes: number): boolean {
  const v = rec.value as { nodes?: string[]; leader?: string; variant?: string; topology?: string; grudge?: Record<string, string[]> };
  if (v.nodes?.includes(leader)) return true;
  if (v.variant === 'pause-isolate-bump-leader' && v.leader === leader) return true;
  if (v.topology === 'isolate-leader') return true;
  return (v.grudge?.[leader]?.length ?? 0) >= Math.ceil(nodes / 2);
}
