import type { Logger } from 'pino';
import { delay, flipFlop, PENDING, timeLimit } from '../../workloads/generator.js';
import type { FaultRecord } from '../../nemesis/nemesis.js';
import { leaderOf, timeToNewLeader, timeToRecover, type Watchable } from './monitor.js';
import type { Recorder } from './recorder.js';
import { sleep } from './workers.js';

/** What the loop needs of a nemesis (nemesis/nemesis.ts): start a fault, undo it. */
export interface FaultInjector {
  start(): Promise<FaultRecord | null>;
  stop(): Promise<FaultRecord | null>;
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
  cluster: Watchable;
  recorder: Recorder;
  /** seconds between a fault's start and stop, and between a stop and the next start */
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
 * Jepsen's flip-flop schedule: start a fault, wait an interval, stop it, wait, ...
 * until the load ends; then heal whatever is still active. Each start and stop is a
 * `nemesis` info event in the history carrying what was applied and verified. After
 * each stop the time to recover is measured, and after a fault that hit the leader
 * the time until another node leads.
 */
export async function runNemesisLoop(o: NemesisLoopOptions): Promise<NemesisReport> {
  const report: NemesisReport = { faults: 0, failures: 0, recoveries: [] };
  const measuring: Promise<void>[] = [];
  const intervalMs = o.intervalS * 1000;
  const measure = (kind: Recovery['kind'], rec: FaultRecord, at: number, p: Promise<number | null>): void => {
    measuring.push(p.then((ms) => void report.recoveries.push({ kind, after: rec.f, atMs: at, ms })));
  };
  const apply = async (which: 'start' | 'stop'): Promise<void> => {
    const before = which === 'start' ? leaderOf(await Promise.all(o.cluster.nodes.map((n) => o.cluster.health(n, 500)))) : null;
    let rec: FaultRecord | null;
    try {
      rec = await o.nemesis[which]();
    } catch (err) {
      // a fault that could not be applied is logged and counted, never silently skipped
      report.failures++;
      o.log.error({ err: (err as Error).message, which }, 'nemesis failed');
      return;
    }
    if (!rec) return;
    const at = o.clock();
    o.recorder.record({ type: 'info', process: 'nemesis', f: rec.f, value: rec.value });
    o.log.info({ f: rec.f, value: rec.value }, 'nemesis');
    if (which === 'stop') measure('heal', rec, at, timeToRecover(o.cluster, Math.max(10_000, 2 * intervalMs)));
    else {
      report.faults++;
      if (before && hitsLeader(rec, before.id, o.cluster.nodes.length)) measure('leader', rec, at, timeToNewLeader(o.cluster, before.id, intervalMs + 5000));
    }
  };
  // the first fault after a short warm-up, so the history shows the healthy cluster first
  await sleepWhile(Math.min(intervalMs, 2000), o);
  const schedule = timeLimit(Math.max(0, o.endMs - o.clock()), delay(intervalMs, flipFlop({ f: 'start', value: null }, { f: 'stop', value: null })));
  try {
    for (;;) {
      const op = schedule.next({ time: o.clock(), thread: 0, process: 0, rand: Math.random });
      if (op === null || op === PENDING || o.stopped()) break;
      await sleepWhile((op.at ?? 0) - o.clock(), o);
      if (o.stopped() || o.clock() >= o.endMs) break;
      await apply(op.f as 'start' | 'stop');
    }
  } finally {
    await apply('stop'); // heal whatever is still in force
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

async function sleepWhile(ms: number, o: { stopped: () => boolean }): Promise<void> {
  const end = Date.now() + ms;
  while (!o.stopped() && Date.now() < end) await sleep(Math.min(200, end - Date.now()));
}
