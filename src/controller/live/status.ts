import type { Op } from '../../history/types.js';
import { splitNemesisF } from '../../report/faults.js';
import { quantile } from '../../report/stats.js';
import type { NodeHealth } from '../../sut/types.js';
import type { OnlineAnomaly, OnlineCheck } from './online.js';

export type LivePhase = 'starting' | 'load' | 'recovering' | 'final' | 'checking' | 'done' | 'aborted';

/** status.json: the state of a run in progress, rewritten every second (serve's live page and the terminal progress read it). */
export interface LiveStatus {
  version: 1;
  test: string;
  workload: string;
  nemesis: string;
  phase: LivePhase;
  /** ISO times: when the run started, and of this status */
  started: string;
  updated: string;
  /** seconds since the load started (null before), of `timeLimitS` */
  elapsedS: number | null;
  timeLimitS: number;
  /** each node as its last health poll said (up: it answered) */
  nodes: {
    id: string;
    up: boolean;
    role: string | null;
    term: number | null;
    commitIndex: number | null;
    appliedIndex: number | null;
    leader: string | null;
  }[];
  leader: string | null;
  ops: { invoked: number; ok: number; fail: number; info: number };
  /** completions per second over the last 10 s */
  opsPerSecond: number;
  /** one bucket per second over the last minute: completions by outcome and ok latency quantiles (ms) */
  series: { t: number; ok: number; fail: number; info: number; p50: number | null; p99: number | null }[];
  faults: {
    inForce: { f: string; sinceS: number; value: unknown }[];
    /** faults applied so far, newest last (at most the last 100) */
    applied: { f: string; atS: number; value: unknown }[];
    total: number;
  };
  online: { covers: string; progress: string; anomalies: (Omit<OnlineAnomaly, 'time'> & { atS: number })[] };
  /** the verdict, once checked */
  valid?: true | false | 'unknown';
}

const WINDOW_S = 60;
const MAX_APPLIED = 100;
const MAX_ANOMALIES = 50;

interface Bucket {
  ok: number;
  fail: number;
  info: number;
  latencies: number[];
}

/**
 * Builds the live status from the history as it grows (each op looked at once) and the
 * nodes' health: pure, so it is tested without a cluster. Times are the history's
 * (ns since the recorder started); the load's start is set when it begins.
 */
export class StatusTracker {
  private cursor = 0;
  private loadStart: number | null = null;
  private readonly invokes = new Map<number | string, number>();
  private readonly buckets = new Map<number, Bucket>();
  private readonly counts = { invoked: 0, ok: 0, fail: 0, info: 0 };
  private readonly inForce = new Map<string, { sinceNs: number; value: unknown }[]>();
  private readonly applied: { f: string; atNs: number; value: unknown }[] = [];
  private appliedTotal = 0;
  private readonly anomalies: OnlineAnomaly[] = [];
  private nodes: LiveStatus['nodes'] = [];
  private leader: string | null = null;

  constructor(
    private readonly meta: { test: string; workload: string; nemesis: string; timeLimitS: number; started: Date },
    private readonly online: OnlineCheck | null,
    private readonly noOnline = 'none',
  ) {}

  startLoad(ns: number): void {
    this.loadStart = ns;
  }

  /** Takes the ops recorded since the last call. */
  ingest(ops: readonly Op[]): void {
    for (; this.cursor < ops.length; this.cursor++) {
      const op = ops[this.cursor];
      this.online?.ingest(op);
      if (op.process === 'nemesis') {
        if (op.type !== 'invoke') this.nemesis(op);
        continue;
      }
      if (op.type === 'invoke') {
        this.counts.invoked++;
        this.invokes.set(op.process, op.time);
        continue;
      }
      this.counts[op.type]++;
      const start = this.invokes.get(op.process);
      this.invokes.delete(op.process);
      const b = this.bucket(op.time);
      b[op.type]++;
      if (op.type === 'ok' && start !== undefined) b.latencies.push((op.time - start) / 1e6);
    }
  }

  private nemesis(op: Op): void {
    const p = splitNemesisF(op.f);
    if (!p) return;
    if (p.phase === 'start') {
      const list = this.inForce.get(p.family) ?? [];
      list.push({ sinceNs: op.time, value: op.value });
      this.inForce.set(p.family, list);
      this.applied.push({ f: p.family, atNs: op.time, value: op.value });
      if (this.applied.length > MAX_APPLIED) this.applied.shift();
      this.appliedTotal++;
    } else this.inForce.delete(p.family); // a stop ends every start of its family (report/faults.ts)
  }

  private bucket(ns: number): Bucket {
    const s = Math.floor(this.seconds(ns));
    let b = this.buckets.get(s);
    if (!b) {
      this.buckets.set(s, (b = { ok: 0, fail: 0, info: 0, latencies: [] }));
      for (const k of this.buckets.keys()) if (k < s - WINDOW_S - 1) this.buckets.delete(k);
    }
    return b;
  }

  private seconds(ns: number): number {
    return (ns - (this.loadStart ?? 0)) / 1e9;
  }

  /** The nodes' latest health (null: did not answer). */
  observe(ids: readonly string[], hs: readonly (NodeHealth | null)[]): void {
    this.nodes = ids.map((id, i) => {
      const h = hs[i];
      return {
        id,
        up: h !== null,
        role: h?.role ?? null,
        term: h?.term ?? null,
        commitIndex: h?.commitIndex ?? null,
        appliedIndex: h?.appliedIndex ?? null,
        leader: h?.leader ?? null,
      };
    });
    let best: NodeHealth | null = null;
    for (const h of hs) if (h?.role === 'leader' && (!best || h.term > best.term)) best = h;
    this.leader = best?.id ?? null;
  }

  /** Runs the online check; `now` on the history's clock. */
  check(now: number): OnlineAnomaly[] {
    const found = this.online?.check(now) ?? [];
    for (const a of found) if (this.anomalies.length < MAX_ANOMALIES) this.anomalies.push(a);
    return found;
  }

  snapshot(phase: LivePhase, now: number, wall = new Date()): LiveStatus {
    const nowS = Math.floor(this.seconds(now));
    const series: LiveStatus['series'] = [];
    let recent = 0;
    for (let s = nowS - WINDOW_S + 1; s <= nowS; s++) {
      const b = this.buckets.get(s);
      const lat = b ? Float64Array.from(b.latencies).sort() : new Float64Array(0);
      const q = (x: number): number | null => (lat.length ? Math.round(quantile(lat, x) * 100) / 100 : null);
      series.push({ t: s, ok: b?.ok ?? 0, fail: b?.fail ?? 0, info: b?.info ?? 0, p50: q(0.5), p99: q(0.99) });
      if (b && s > nowS - 10 && s < nowS) recent += b.ok + b.fail + b.info;
    }
    const elapsed = this.loadStart === null ? null : Math.max(0, this.seconds(now));
    const round = (x: number): number => Math.round(x * 10) / 10;
    return {
      version: 1,
      test: this.meta.test,
      workload: this.meta.workload,
      nemesis: this.meta.nemesis,
      phase,
      started: this.meta.started.toISOString(),
      updated: wall.toISOString(),
      elapsedS: elapsed === null ? null : round(elapsed),
      timeLimitS: this.meta.timeLimitS,
      nodes: this.nodes,
      leader: this.leader,
      ops: { ...this.counts },
      // the current second is still filling: the rate is over the 9 full seconds before it
      opsPerSecond: elapsed === null ? 0 : Math.round(recent / Math.max(1, Math.min(9, Math.floor(elapsed)))),
      series: this.loadStart === null ? [] : series.filter((b) => b.t >= 0),
      faults: {
        inForce: [...this.inForce].flatMap(([f, xs]) => xs.map((x) => ({ f, sinceS: round(this.seconds(x.sinceNs)), value: x.value }))),
        applied: this.applied.map((a) => ({ f: a.f, atS: round(this.seconds(a.atNs)), value: a.value })),
        total: this.appliedTotal,
      },
      online: {
        covers: this.online?.covers ?? this.noOnline,
        progress: this.online?.progress() ?? '',
        anomalies: this.anomalies.map(({ time, ...a }) => ({ ...a, atS: round(this.seconds(time)) })),
      },
    };
  }
}
