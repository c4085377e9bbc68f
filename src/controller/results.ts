import type { Op } from '../history/types.js';
import { completedOps, quantile } from '../report/stats.js';
import type { DiskFacts } from './disk-facts.js';
import type { Recovery } from './nemesis-loop.js';

export interface Throughput {
  /** completed client ops per second over the load phase */
  opsPerSecond: number;
  /** latency quantiles of ok ops, ms */
  p50: number;
  p99: number;
}

export interface RunFacts {
  counts: { ok: number; fail: number; info: number };
  throughput: Throughput;
  faults: number;
  /** faults whose start involved the node leading at that moment */
  leaderFaults: number;
  /** faults that could not be applied (logged in controller.log) */
  faultFailures: number;
  /** distinct terms in which a node was seen leading */
  elections: number;
  recoveries: Recovery[];
  /** after the final heal: ms until every node applied the same index under one leader */
  finalRecoveryMs: number | null;
  interrupted: boolean;
  /** power cuts (what each lost) and corruptions (what the node did) */
  disk: DiskFacts;
}

export function throughputOf(ops: readonly Op[], loadStartNs: number, loadEndNs: number): Throughput {
  const done = completedOps(ops).filter((d) => d.start >= loadStartNs && d.start <= loadEndNs);
  const ok = Float64Array.from(
    done.filter((d) => d.outcome === 'ok'),
    (d) => d.end - d.start,
  ).sort();
  const ms = (ns: number): number => (Number.isNaN(ns) ? 0 : Math.round(ns / 1e4) / 100);
  return { opsPerSecond: Math.round(done.length / Math.max(1e-9, (loadEndNs - loadStartNs) / 1e9)), p50: ms(quantile(ok, 0.5)), p99: ms(quantile(ok, 0.99)) };
}

export function countOutcomes(ops: readonly Op[]): RunFacts['counts'] {
  const counts = { ok: 0, fail: 0, info: 0 };
  for (const op of ops) if (op.process !== 'nemesis' && op.type !== 'invoke') counts[op.type]++;
  return counts;
}
