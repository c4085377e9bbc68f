import type { Op } from '../history/types.js';

/** A client op from its invocation to its completion (ok, fail or info), for the perf pictures. */
export interface Completed {
  process: number | string;
  f: string;
  outcome: 'ok' | 'fail' | 'info';
  /** invocation and completion times, ns since test start */
  start: number;
  end: number;
}

/**
 * Client ops that completed, in completion order: each process's invocation paired with its
 * next completion. Nemesis events and invocations left open are not latencies and are skipped.
 */
export function completedOps(ops: readonly Op[]): Completed[] {
  const pending = new Map<number | string, Op>();
  const out: Completed[] = [];
  for (const op of ops) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') {
      pending.set(op.process, op);
      continue;
    }
    const inv = pending.get(op.process);
    if (!inv) continue;
    pending.delete(op.process);
    out.push({ process: op.process, f: inv.f, outcome: op.type, start: inv.time, end: Math.max(op.time, inv.time) });
  }
  return out;
}

/** The q-quantile (0..1) of ascending `sorted` by the nearest-rank method; NaN when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.ceil(q * n);
  return sorted[Math.min(n - 1, Math.max(0, rank - 1))];
}

/** Counts of `times` (ns) per bucket of `bucketNs`, buckets 0..ceil(end/bucketNs)-1 (at least one). */
export function bucketCounts(times: readonly number[], bucketNs: number, end: number): Uint32Array {
  const n = Math.max(1, Math.ceil(end / bucketNs));
  const counts = new Uint32Array(n);
  for (const t of times) {
    const i = Math.floor(t / bucketNs);
    if (i >= 0) counts[Math.min(n - 1, i)]++;
  }
  return counts;
}

export interface LatencyStats {
  f: string;
  outcome: Completed['outcome'];
  count: number;
  /** completions per second over the whole history */
  rate: number;
  /** latency quantiles, ms */
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Count, rate and latency quantiles per (f, outcome), sorted by f then outcome. */
export function latencyStats(done: readonly Completed[], durationNs: number): LatencyStats[] {
  const groups = new Map<string, { f: string; outcome: Completed['outcome']; lat: number[] }>();
  for (const c of done) {
    const k = `${c.f}\u0000${c.outcome}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { f: c.f, outcome: c.outcome, lat: [] }));
    g.lat.push(c.end - c.start);
  }
  const seconds = Math.max(durationNs, 1) / 1e9;
  return [...groups.values()]
    .map((g) => {
      const sorted = Float64Array.from(g.lat).sort();
      const ms = (q: number) => quantile(sorted, q) / 1e6;
      return {
        f: g.f,
        outcome: g.outcome,
        count: sorted.length,
        rate: sorted.length / seconds,
        p50: ms(0.5),
        p95: ms(0.95),
        p99: ms(0.99),
        max: sorted[sorted.length - 1] / 1e6,
      };
    })
    .sort((a, b) => a.f.localeCompare(b.f) || a.outcome.localeCompare(b.outcome));
}

/** The history's last time (ns). */
export function historyEnd(ops: readonly Op[]): number {
  let end = 0;
  for (const op of ops) if (op.time > end) end = op.time;
  return end;
}
