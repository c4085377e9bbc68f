import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckerResult, Valid } from '../../checkers/types.js';
import type { Op } from '../history/types.js';
import { completedOps, quantile } from '../report/stats.js';
import { renderViolationHtml } from '../report/violation-html.js';
import { writeRunPictures } from '../report/write.js';
import { writeJson } from '../store/store.js';
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
}

export function throughputOf(ops: readonly Op[], loadStartNs: number, loadEndNs: number): Throughput {
  const done = completedOps(ops).filter((d) => d.start >= loadStartNs && d.start <= loadEndNs);
  const ok = Float64Array.from(done.filter((d) => d.outcome === 'ok'), (d) => d.end - d.start).sort();
  const ms = (ns: number): number => (Number.isNaN(ns) ? 0 : Math.round(ns / 1e4) / 100);
  return { opsPerSecond: Math.round(done.length / Math.max(1e-9, (loadEndNs - loadStartNs) / 1e9)), p50: ms(quantile(ok, 0.5)), p99: ms(quantile(ok, 0.99)) };
}

export function countOutcomes(ops: readonly Op[]): RunFacts['counts'] {
  const counts = { ok: 0, fail: 0, info: 0 };
  for (const op of ops) if (op.process !== 'nemesis' && op.type !== 'invoke') counts[op.type]++;
  return counts;
}

/**
 * results.json (every checker's result, the merged verdict, the run's facts), the
 * pictures, and the violation page when linearizability was violated.
 */
export async function writeResults(dir: string, title: string, ops: readonly Op[], valid: Valid, results: Record<string, CheckerResult>, facts: RunFacts): Promise<void> {
  writeJson(path.join(dir, 'results.json'), { valid, ...results, run: facts });
  await writeRunPictures(dir, ops, title);
  const lin = results.linearizable as Parameters<typeof renderViolationHtml>[0] | undefined;
  if (lin && lin.valid === false) writeFileSync(path.join(dir, 'linearizability.html'), renderViolationHtml(lin, { file: path.join(dir, 'history.jsonl'), model: 'cas-register' }));
}

/** nodes/<node>/data-listing.txt: what each node's data directory held at the end. */
export function writeDataListings(nodesDir: string): void {
  for (const node of safeList(nodesDir)) {
    const data = path.join(nodesDir, node, 'data');
    const lines: string[] = [];
    const walk = (d: string, rel: string): void => {
      for (const name of safeList(d)) {
        const st = statSync(path.join(d, name), { throwIfNoEntry: false });
        if (!st) continue;
        if (st.isDirectory()) walk(path.join(d, name), `${rel}${name}/`);
        else lines.push(`${st.size}\t${rel}${name}`);
      }
    };
    walk(data, '');
    writeFileSync(path.join(nodesDir, node, 'data-listing.txt'), lines.length ? `${lines.join('\n')}\n` : '');
  }
}

function safeList(d: string): string[] {
  try {
    return readdirSync(d).sort();
  } catch {
    return [];
  }
}
