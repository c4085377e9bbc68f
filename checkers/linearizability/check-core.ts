import type { OpSource } from '../../src/history/pair.js';
import type { Operation } from '../../src/history/types.js';
import { InputError } from '../../src/util/errors.js';
import { opTimeNs } from '../types.js';
import type { Explanation } from './explain.js';
import { independent, keyed, looksIndependent, powerset } from './models/combinators.js';
import { canonicalJson } from './models/values.js';
import { PartitionSearch } from './search.js';
import { StateTable } from './states.js';
import type { summarize } from './summary.js';
import { Transitions } from './transitions.js';
import type { CheckProgress, LinearizabilityOptions, LinearizabilityResult, Model, PartitionResult, UnknownReason } from './types.js';

/**
 * A partition's turn in the round-robin: SLICE_STEPS steps (a few ms for a register
 * or kv model), or SLICE_MS if its steps are costly (one step of a set model over
 * thousands of elements costs far more than a register's). Budgets, Ctrl-C and
 * progress are looked at between turns, so at least every SLICE_MS plus one step.
 */
const SLICE_STEPS = 20_000;
const SLICE_MS = 20;
const PROGRESS_MS = 1000;

interface Group {
  key: unknown;
  ops: Operation[]; // as the search model sees them
  original: Operation[]; // as the history has them
  /** `ops` before model.reduce: the explanation's states are told in the history's own values */
  unreduced?: Operation[];
}

interface Resolved {
  timeoutMs: number;
  memoryBytes: number;
  explain: boolean;
  partition: boolean;
  greedy: boolean;
  reduce: boolean;
}

function resolve(opts: LinearizabilityOptions): Resolved {
  return {
    timeoutMs: opts.timeoutMs ?? Infinity,
    memoryBytes: opts.memoryBytes ?? 1 << 30,
    explain: opts.explain ?? true,
    partition: opts.partition ?? true,
    greedy: opts.greedy ?? true,
    reduce: opts.reduce ?? true,
  };
}

/**
 * What an illegal partition needs to be reported (explain.ts, summary.ts): the
 * synchronous check has it from the start; the asynchronous one loads it only when
 * a partition is found illegal (the command line's start-up does not pay for it).
 */
export interface Reporting {
  Explanation: typeof Explanation;
  summarize: typeof summarize;
}

/**
 * One check, resumable: advance() until it returns true, then result(). Without
 * `reporting`, advance() stops once a partition is found illegal (needsReporting)
 * until provide() hands it over.
 */
export class LinearizabilityCheck {
  private readonly opts: Resolved;
  private readonly start = performance.now();
  private readonly deadline: number;
  private readonly base: Model<unknown>;
  private readonly searchModel: Model<unknown>;
  private readonly groups: Group[];
  private readonly relevant: number;
  private readonly results: PartitionResult[];
  private readonly searches: (PartitionSearch | null)[];
  private readonly tables: (StateTable<unknown> | null)[];
  /** bytes each running partition held after its last turn, and their sum */
  private readonly held: Float64Array;
  private heldTotal = 0;
  /** a search's cache refused to grow past the budget */
  private cacheFull = false;
  private active: number[];
  private still: number[] = [];
  private cursor = 0;
  private decided = 0;
  private illegal = -1;
  private unknownReason: UnknownReason | undefined;
  private unknownDetail: string | undefined;
  private stoppedAtBytes: number | undefined;
  private phase: 'search' | 'reporting' | 'explain' | 'done' = 'search';
  private explanation: Explanation | null = null;
  private explainInterrupted = false;
  private lastProgress: number;

  constructor(
    private readonly operations: readonly Operation[],
    model: Model<unknown>,
    private readonly options: LinearizabilityOptions,
    private reporting?: Reporting,
  ) {
    const opts = (this.opts = resolve(options));
    this.deadline = this.start + opts.timeoutMs;
    this.lastProgress = this.start;

    let base: Model<unknown> = model;
    if (!base.split && !base.partition && looksIndependent(operations.filter((o) => o.outcome !== 'fail'))) base = independent(base);
    const { relevant, completed } = screen(operations, base, options.source);
    if (!base.step && base.stepAll) base = powerset(base) as Model<unknown>;
    this.base = base;
    this.relevant = relevant.length;

    let searchModel: Model<unknown> = base;
    let groups: Group[];
    if (opts.partition && base.split) groups = splitGroups(relevant, base);
    else if (opts.partition && base.partition) {
      groups = base.partition([...relevant]).map((g) => ({ key: g.key, ops: g.ops, original: g.ops.map((o) => operations[o.id] ?? o) }));
    } else {
      if (base.split) searchModel = keyed(base) as Model<unknown>;
      groups = [{ key: null, ops: [...relevant], original: [...relevant] }];
    }
    this.searchModel = searchModel;
    if (opts.reduce && searchModel.reduce) {
      for (const g of groups) {
        g.unreduced = g.ops;
        g.ops = searchModel.reduce(g.ops);
      }
    }
    this.groups = groups;
    this.results = groups.map((g) => ({ key: g.key, valid: 'unknown', ops: g.ops.length, elapsedMs: 0 }));
    this.searches = groups.map(() => null);
    this.tables = groups.map(() => null);
    this.held = new Float64Array(groups.length);
    this.active = groups.map((_, i) => i).sort((a, b) => groups[a].ops.length - groups[b].ops.length);

    if (completed === 0) {
      this.stop(
        'empty',
        operations.length === 0
          ? 'the history has no client operations: nothing to check'
          : `none of its ${operations.length} client operation${operations.length === 1 ? '' : 's'} completed ok (they failed or their outcome is unknown): nothing to check`,
      );
    }
  }

  /** A partition was found illegal and reporting it needs provide(). */
  get needsReporting(): boolean {
    return this.phase === 'reporting';
  }

  provide(reporting: Reporting): void {
    this.reporting = reporting;
    if (this.phase === 'reporting') this.startExplaining();
  }

  /** Works until performance.now() passes `until`; true when the check is done (false also while it needs reporting). */
  advance(until: number): boolean {
    while (this.phase === 'search') {
      if (this.cursor >= this.active.length) {
        if (this.still.length === 0) {
          this.endSearch();
          break;
        }
        this.active = this.still;
        this.still = [];
        this.cursor = 0;
      }
      this.turn(this.active[this.cursor++]);
      if (this.phase !== 'search') break;
      const now = performance.now();
      if (this.options.signal?.aborted) this.stop('interrupted', 'interrupted (Ctrl-C) before every partition was decided');
      else if (now >= this.deadline) this.stop('timeout', `the time budget (${fmtMs(this.opts.timeoutMs)}) ran out`);
      else if (this.cacheFull || this.heldTotal + this.modelBytes() > this.opts.memoryBytes) {
        this.stoppedAtBytes = this.heldTotal + this.modelBytes();
        this.stop('memory', `the memory budget (${fmtBytes(this.opts.memoryBytes)}) ran out`);
      }
      if (this.phase !== 'search') break;
      this.progress(now);
      if (now >= until) return false;
    }
    if (this.phase === 'reporting') return false;
    while (this.phase === 'explain') {
      const e = this.explanation!;
      if (this.options.signal?.aborted) {
        this.explainInterrupted = true;
        this.phase = 'done';
        break;
      }
      const done = e.advance(Math.min(until, performance.now() + SLICE_MS * 5));
      const now = performance.now();
      if (done) {
        this.phase = 'done';
        break;
      }
      this.progress(now);
      if (now >= until) return false;
    }
    return true;
  }

  result(): LinearizabilityResult {
    const result: LinearizabilityResult = {
      valid: this.illegal >= 0 ? false : this.unknownReason !== undefined ? 'unknown' : true,
      model: this.base.name,
      ops: this.relevant,
      partitions: this.groups.length,
      elapsedMs: 0,
      partitionResults: this.results,
    };
    if (this.illegal < 0 && this.unknownReason !== undefined) {
      result.unknownReason = this.unknownReason;
      result.unknownDetail = this.unknownDetail;
      if (this.stoppedAtBytes !== undefined) result.memoryBytes = this.stoppedAtBytes;
    }
    if (this.illegal >= 0) {
      const g = this.groups[this.illegal];
      const summarize = this.reporting!.summarize;
      result.partitionOps = g.original.map((o) => summarize(o, this.base));
      const anomaly = this.explanation?.anomaly();
      if (anomaly) {
        result.anomaly = anomaly;
        result.firstAnomalyNs = opTimeNs(anomaly.op);
      }
      if (this.explainInterrupted) result.explainInterrupted = true;
    }
    result.elapsedMs = performance.now() - this.start;
    return result;
  }

  /** One partition's turn: create its search on its first, then search one slice. */
  private turn(g: number): void {
    let search = this.searches[g];
    let table = this.tables[g];
    if (search === null || table === null) {
      table = new StateTable<unknown>(this.searchModel);
      const ops = this.groups[g].ops;
      const initial = table.id(this.searchModel.init());
      search = new PartitionSearch(
        ops,
        new Transitions(this.searchModel, table, ops),
        table,
        initial,
        readOnlyOps(ops, this.searchModel, this.opts.greedy),
        false,
        10,
        this.searchModel.mustFollow?.(ops) ?? null,
      );
      this.searches[g] = search;
      this.tables[g] = table;
    }
    const t = performance.now();
    // what the cache may still take: the budget less everything else held
    search.cacheLimit = this.opts.memoryBytes - (this.heldTotal - this.held[g]) - this.modelBytes() - table.bytes;
    const status = search.run(SLICE_STEPS, Math.min(t + SLICE_MS, this.deadline));
    this.results[g].elapsedMs += performance.now() - t;
    this.heldTotal -= this.held[g];
    this.held[g] = 0;
    if (status === 'illegal') {
      this.results[g].valid = false;
      this.decided++;
      this.illegal = g;
      this.endSearch();
      return;
    }
    if (status === 'ok') {
      this.results[g].valid = true;
      this.decided++;
      this.searches[g] = null;
      this.tables[g] = null;
      return;
    }
    this.held[g] = search.cacheBytes + table.bytes;
    this.heldTotal += this.held[g];
    if (search.cacheFull) this.cacheFull = true;
    this.still.push(g);
  }

  private modelBytes(): number {
    return this.searchModel.heldBytes?.() ?? 0;
  }

  private stop(reason: UnknownReason, detail: string): void {
    this.unknownReason = reason;
    this.unknownDetail = detail;
    this.phase = 'done';
    this.release();
  }

  private release(): void {
    this.searches.fill(null);
    this.tables.fill(null);
    this.held.fill(0);
    this.heldTotal = 0;
  }

  /** The verdict is known: explain an illegal partition (within its own deadline), or finish. */
  private endSearch(): void {
    this.release();
    if (this.illegal < 0) {
      this.phase = 'done';
      return;
    }
    if (this.reporting === undefined) {
      this.phase = 'reporting';
      return;
    }
    this.startExplaining();
  }

  private startExplaining(): void {
    if (!this.opts.explain) {
      this.phase = 'done';
      return;
    }
    const g = this.groups[this.illegal];
    const spent = performance.now() - this.start;
    const deadline = Math.min(this.deadline, performance.now() + Math.max(2000, 2 * spent));
    const model = this.searchModel;
    const table = new StateTable<unknown>(model);
    const initial = table.id(model.init());
    // searched reduced (fast), told in the history's own values
    this.explanation = new this.reporting!.Explanation(
      g.key,
      g.ops,
      g.original,
      model,
      this.base,
      new Transitions(model, table, g.ops),
      table,
      initial,
      readOnlyOps(g.ops, model, this.opts.greedy),
      deadline,
      g.unreduced ?? g.ops,
      model.mustFollow?.(g.ops) ?? null,
      this.opts.memoryBytes,
    );
    this.phase = 'explain';
  }

  private progress(now: number): void {
    const report = this.options.onProgress;
    if (report === undefined || now - this.lastProgress < PROGRESS_MS) return;
    this.lastProgress = now;
    const p: CheckProgress = {
      elapsedMs: now - this.start,
      phase: this.phase === 'explain' ? 'explain' : 'search',
      partitions: this.groups.length,
      decided: this.decided,
      bytes: this.phase === 'explain' ? (this.explanation?.bytes ?? 0) : this.heldTotal + this.modelBytes(),
    };
    report(p);
  }
}

/**
 * For the greedy pass: 1 for each op the model declares read-only, 2 for a write of
 * an unread state (greedy only in that state); null when the greedy pass is off.
 */
function readOnlyOps(ops: readonly Operation[], model: Model<unknown>, greedy: boolean): Uint8Array | null {
  if (!greedy || (!model.readOnly && !model.unreadWrite)) return null;
  const out = new Uint8Array(ops.length);
  for (let i = 0; i < ops.length; i++) {
    if (model.readOnly?.(ops[i])) out[i] = 1;
    else if (model.unreadWrite?.(ops[i])) out[i] = 2;
  }
  return out;
}

function splitGroups(ops: readonly Operation[], model: Model<unknown>): Group[] {
  const byKey = new Map<unknown, Group>();
  for (const op of ops) {
    const { key, op: inner } = model.split!(op);
    const k = typeof key === 'object' && key !== null ? canonicalJson(key) : key;
    let g = byKey.get(k);
    if (g === undefined) {
      g = { key, ops: [], original: [] };
      byKey.set(k, g);
    }
    g.ops.push(inner);
    g.original.push(op);
  }
  return [...byKey.values()];
}

/**
 * One pass over the history (a large one is a pass of cache misses: keep it to one):
 * every op's shape, before any search; the ops that matter (not failed, not no-ops);
 * how many completed ok. (A function of its own: inside the check's constructor V8
 * kept deoptimizing the loop, which then ran unoptimized, 20% of a c64 check.)
 */
function screen(operations: readonly Operation[], base: Model<unknown>, source: OpSource | undefined): { relevant: Operation[]; completed: number } {
  const validate = validator(base, source);
  const isNoop = base.isNoop;
  const relevant: Operation[] = [];
  let completed = 0;
  for (const o of operations) {
    validate(o);
    if (o.outcome === 'fail') continue;
    if (o.outcome === 'ok') completed++;
    if (isNoop === undefined || !isNoop(o)) relevant.push(o);
  }
  return { relevant, completed };
}

/**
 * Checks one op, before any search: an f the model does not know, or an op whose
 * shape it cannot read (model.validate), is an input error naming file and line.
 */
function validator(model: Model<unknown>, source: OpSource | undefined): (op: Operation) => void {
  const known = model.fs ? new Set(model.fs) : null;
  const validate = model.validate;
  return (op) => {
    if (known !== null && !known.has(op.f)) {
      throw opError(op, 'invoke', `${JSON.stringify(op.f)} is not an operation of the ${model.name} model; expected one of ${model.fs!.join(', ')}`, source);
    }
    const problem = validate?.(op, op.input, op.output);
    if (problem !== undefined) throw opError(op, problem.event, `${problem.message} (a ${op.f} of process ${op.process}; the ${model.name} model)`, source);
  };
}

function opError(op: Operation, event: 'invoke' | 'complete', message: string, source: OpSource | undefined): InputError {
  if (source !== undefined) return new InputError(source.file, source.line(op, event), message);
  // no file to name: say where in the history, by its event index
  const index = event === 'complete' && op.completeIndex >= 0 ? op.completeIndex : op.invokeIndex;
  return new InputError('history', undefined, `${index >= 0 ? `event ${index}` : `operation ${op.id}`}: ${message}`);
}

function fmtMs(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 100_000 ? 1 : 0)} s`;
}

function fmtBytes(b: number): string {
  return b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(b >= 10 << 20 ? 0 : 1)} MB` : `${Math.round(b / 1024)} KB`;
}
