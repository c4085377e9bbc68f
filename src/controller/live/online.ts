import { checkLinearizability } from '../../../checkers/linearizability/check.js';
import { getModel } from '../../../checkers/linearizability/models/index.js';
import type { Workload } from '../../../workloads/workload.js';
import { pairHistory } from '../../history/pair.js';
import type { Op } from '../../history/types.js';
import { describeAnomalies } from '../../report/anomalies.js';
import { RUN_FILES } from '../../store/layout.js';

/** An anomaly an online check found while the run goes on. */
export interface OnlineAnomaly {
  checker: string;
  /** ns on the history's clock of the op at fault */
  time: number;
  /** history index of that op's invocation */
  index: number;
  text: string;
}

/**
 * A check run during the run, over the history so far: cheap, incremental, and sound —
 * whatever it reports, the final check reports too (it only looks at what a prefix of the
 * history already settles). The final checkers remain the verdict.
 */
export interface OnlineCheck {
  /** what it covers, in words (the live page shows it) */
  readonly covers: string;
  ingest(op: Op): void;
  /** anomalies found since the last call; `now` is the history's clock (ns) */
  check(now: number): OnlineAnomaly[];
  /** how much it has checked so far, in words */
  progress(): string;
}

/** The online check of a workload, or null when it has none. */
export function onlineCheck(w: Workload): OnlineCheck | null {
  switch (w.name) {
    case 'register':
      return new RegisterOnline();
    case 'set':
      return new SetOnline();
    case 'append':
      return new AppendOnline();
    case 'bank':
      return new BankOnline((w.accounts ?? []).reduce((t, a) => t + a.cash, 0));
    default:
      return null;
  }
}

/** Why a workload has no online check (the live page says it). */
export function noOnlineCheck(w: Workload): string {
  return w.name === 'orders' ? 'none: the orders checker judges the final state of the exchange, known only at the end' : `none for ${w.name}`;
}

const MAX_ANOMALIES = 20;
const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** Pairs a client's completion with its invocation: an invocation is kept (undefined is returned), a completion takes its own. */
function invocationOf(invoked: Map<number | string, Op>, op: Op): Op | undefined {
  if (op.type === 'invoke') {
    invoked.set(op.process, op);
    return undefined;
  }
  const inv = invoked.get(op.process);
  invoked.delete(op.process);
  return inv;
}

interface KeyOps {
  ops: Op[];
  inFlight: number;
  last: number;
  /** ops already checked (a key is checked again only when it got new ops) */
  checked: number;
}

/**
 * Register: linearizability per key, on keys that have gone quiet. The workload moves to
 * fresh keys every 150 ops per key, so most keys finish during the run; a key with no op
 * in flight and none for `idleNs` is checked with the final checker's model. A history
 * prefix in which every op completed is itself a history, and linearizability is closed
 * under such prefixes: an anomaly found here is one the final check finds. Each key costs
 * about a millisecond; a check call stops after `budgetMs` and resumes at the next.
 */
export class RegisterOnline implements OnlineCheck {
  readonly covers = 'linearizability of each register key once it has been idle 2 s with no op in flight (keys still in use are checked at the end)';
  private readonly keys = new Map<string, KeyOps>();
  private readonly pending = new Map<number | string, string>();
  private keysChecked = 0;
  private opsChecked = 0;
  private found = 0;
  private readonly model = getModel('cas-register', { nilRead: 'value' });

  constructor(
    private readonly idleNs = 2e9,
    private readonly budgetMs = 250,
  ) {}

  ingest(op: Op): void {
    if (op.process === 'nemesis') return;
    let k: string | undefined;
    if (op.type === 'invoke') {
      if (!Array.isArray(op.value)) return;
      k = show(op.value[0]);
      this.pending.set(op.process, k);
    } else {
      k = this.pending.get(op.process);
      this.pending.delete(op.process);
    }
    if (k === undefined) return;
    let entry = this.keys.get(k);
    if (!entry) this.keys.set(k, (entry = { ops: [], inFlight: 0, last: 0, checked: 0 }));
    entry.ops.push(op);
    entry.inFlight += op.type === 'invoke' ? 1 : -1;
    entry.last = op.time;
  }

  check(now: number): OnlineAnomaly[] {
    const out: OnlineAnomaly[] = [];
    const until = Date.now() + this.budgetMs;
    for (const [, e] of this.keys) {
      if (Date.now() > until) break;
      if (e.inFlight > 0 || now - e.last < this.idleNs || e.checked === e.ops.length) continue;
      e.checked = e.ops.length;
      this.keysChecked++;
      const { operations } = pairHistory(e.ops, RUN_FILES.history);
      this.opsChecked += operations.length;
      const r = checkLinearizability(operations, this.model, { timeoutMs: 200 });
      if (r.valid !== false || this.found >= MAX_ANOMALIES) continue;
      this.found++;
      const [a] = describeAnomalies({ linearizable: r });
      const index = r.anomaly?.op.invokeIndex ?? e.ops[0].index;
      out.push({ checker: 'linearizable', time: r.anomaly?.op.call ?? e.last, index, text: a?.headline ?? 'not linearizable' });
    }
    return out;
  }

  progress(): string {
    return `${this.keysChecked} key checks (${this.opsChecked} ops) of ${this.keys.size} keys seen`;
  }
}

/**
 * Set: Jepsen's set-full rule applied read by read. An element becomes known present when
 * its add is acknowledged or a read shows it; a read that began after that and does not
 * show it is a stale read (or a lost element) — either makes the final set checker
 * invalid, since reads are linearizable. A read showing an element never added is
 * unexpected. Each read costs its size plus the elements known before it.
 */
export class SetOnline implements OnlineCheck {
  readonly covers = 'every read of the set against the adds acknowledged (or elements read) before it began: stale or lost elements, and elements never added';
  private readonly invoked = new Map<number | string, Op>();
  private readonly attempted = new Set<string>();
  /** element → when it became known present (ns); `times` holds the same times in the order they came, which is time order */
  private readonly known = new Map<string, number>();
  private readonly times: number[] = [];
  private readonly found: OnlineAnomaly[] = [];
  private reads = 0;
  private total = 0;

  ingest(op: Op): void {
    if (op.process === 'nemesis') return;
    if (op.type === 'invoke' && op.f === 'add') this.attempted.add(show(op.value));
    const inv = invocationOf(this.invoked, op);
    if (!inv || op.type !== 'ok') return;
    if (op.f === 'add') this.learn(show(inv.value), op.time);
    else if (op.f === 'read' && Array.isArray(op.value)) this.read(inv, op);
  }

  private learn(k: string, t: number): void {
    if (this.known.has(k)) return;
    this.known.set(k, t);
    this.times.push(t);
  }

  private read(inv: Op, op: Op): void {
    this.reads++;
    const elements = (op.value as unknown[]).map(show);
    // the common case costs the read's size: it shows every element known before it began
    const before = lowerBound(this.times, inv.time);
    let shown = 0;
    const unexpected: string[] = [];
    for (const k of elements) {
      const t = this.known.get(k);
      if (t !== undefined && t < inv.time) shown++;
      if (!this.attempted.has(k)) unexpected.push(k);
    }
    if (shown < before) {
      const seen = new Set(elements);
      const missing: string[] = [];
      for (const [k, t] of this.known) {
        if (t >= inv.time) break;
        if (!seen.has(k)) missing.push(k);
      }
      this.report(
        inv,
        `a read that began at ${(inv.time / 1e9).toFixed(2)} s misses ${missing.length} element${missing.length === 1 ? '' : 's'} known present before it (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}): stale or lost`,
      );
    }
    if (unexpected.length > 0)
      this.report(inv, `a read shows ${unexpected.length} element${unexpected.length === 1 ? '' : 's'} never added (${unexpected.slice(0, 5).join(', ')})`);
    for (const k of elements) this.learn(k, op.time);
  }

  private report(inv: Op, text: string): void {
    if (++this.total <= MAX_ANOMALIES) this.found.push({ checker: 'set', time: inv.time, index: inv.index, text });
  }

  check(): OnlineAnomaly[] {
    return this.found.splice(0);
  }

  progress(): string {
    return `${this.reads} reads against ${this.known.size} elements known present`;
  }
}

/**
 * Append: every read of a list, decided read by read against what came before it — an
 * element shown twice (a command applied twice), or an append acknowledged before the
 * read began and missing from it. Both are settled by the history so far, so the final
 * append checker reports them too (as duplicated, stale or lost).
 */
export class AppendOnline implements OnlineCheck {
  readonly covers = 'every read of a list: no element twice (applied twice), and every append acknowledged before the read began present';
  private readonly invoked = new Map<number | string, Op>();
  /** per key: acknowledged elements in acknowledgement order, with their times */
  private readonly acked = new Map<string, { elements: string[]; times: number[] }>();
  private readonly found: OnlineAnomaly[] = [];
  private reads = 0;
  private appends = 0;
  private total = 0;

  ingest(op: Op): void {
    if (op.process === 'nemesis') return;
    const inv = invocationOf(this.invoked, op);
    if (!inv || op.type !== 'ok' || !Array.isArray(inv.value)) return;
    const key = show(inv.value[0]);
    if (op.f === 'append') {
      let a = this.acked.get(key);
      if (!a) this.acked.set(key, (a = { elements: [], times: [] }));
      a.elements.push(show(inv.value[1]));
      a.times.push(op.time);
      this.appends++;
    } else if (op.f === 'read' && Array.isArray(op.value) && Array.isArray(op.value[1])) this.read(inv, key, (op.value[1] as unknown[]).map(show));
  }

  private read(inv: Op, key: string, elements: string[]): void {
    this.reads++;
    const seen = new Set<string>();
    const twice: string[] = [];
    for (const e of elements) {
      if (seen.has(e)) twice.push(e);
      seen.add(e);
    }
    if (twice.length > 0)
      this.report(inv, `a read of ${key} shows ${twice.length} element${twice.length === 1 ? '' : 's'} twice (${twice.slice(0, 5).join(', ')}): applied twice`);
    const a = this.acked.get(key);
    if (!a) return;
    const missing: string[] = [];
    for (let i = 0, n = lowerBound(a.times, inv.time); i < n; i++) if (!seen.has(a.elements[i])) missing.push(a.elements[i]);
    if (missing.length > 0)
      this.report(
        inv,
        `a read of ${key} that began at ${(inv.time / 1e9).toFixed(2)} s misses ${missing.length} append${missing.length === 1 ? '' : 's'} acknowledged before it (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}): stale or lost`,
      );
  }

  private report(inv: Op, text: string): void {
    if (++this.total <= MAX_ANOMALIES) this.found.push({ checker: 'append', time: inv.time, index: inv.index, text });
  }

  check(): OnlineAnomaly[] {
    return this.found.splice(0);
  }

  progress(): string {
    return `${this.reads} reads of ${this.acked.size} lists against ${this.appends} acknowledged appends`;
  }
}

/** Bank: every read of all balances must add up to the opening total with none negative — decided read by read. */
export class BankOnline implements OnlineCheck {
  readonly covers = 'every read of the balances: the total conserved and no balance negative';
  private readonly invoked = new Map<number | string, Op>();
  private readonly found: OnlineAnomaly[] = [];
  private reads = 0;
  private total = 0;

  constructor(private readonly expected: number) {}

  ingest(op: Op): void {
    if (op.process === 'nemesis') return;
    const inv = invocationOf(this.invoked, op);
    if (!inv || op.type !== 'ok' || op.f !== 'read' || op.value === null || typeof op.value !== 'object') return;
    this.reads++;
    const balances = Object.entries(op.value as Record<string, number>);
    const sum = balances.reduce((t, [, b]) => t + b, 0);
    const negative = balances.filter(([, b]) => b < 0);
    if (sum === this.expected && negative.length === 0) return;
    if (++this.total > MAX_ANOMALIES) return;
    const what = [
      sum !== this.expected ? `adds up to ${sum}, not ${this.expected}` : '',
      negative.length ? `shows ${negative.map(([a, b]) => `${a} at ${b}`).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    this.found.push({ checker: 'bank', time: inv.time, index: inv.index, text: `the read at history index ${inv.index} ${what}` });
  }

  check(): OnlineAnomaly[] {
    return this.found.splice(0);
  }

  progress(): string {
    return `${this.reads} reads`;
  }
}

/** First index whose value is ≥ t (values ascending). */
function lowerBound(xs: readonly number[], t: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
