import type { Operation } from '../../src/history/types.js';
import { InputError } from '../../src/util/errors.js';
import { explain } from './explain.js';
import { independent, keyed, looksIndependent, powerset } from './models/combinators.js';
import { PartitionSearch } from './search.js';
import { StateTable } from './states.js';
import { summarize } from './summary.js';
import { Transitions } from './transitions.js';
import { opTimeNs } from '../types.js';
import type { LinearizabilityOptions, LinearizabilityResult, Model, PartitionResult } from './types.js';

const SLICE = 20_000; // search steps a partition runs before the next gets its turn
const STATE_BYTES = 64; // rough cost of one interned state, for the memory budget

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
 * Is this history linearizable with respect to `model`? Porcupine's algorithm,
 * P-compositional: partitions are searched round-robin in slices, smallest first,
 * so one illegal partition is found without finishing slow legal ones, and the
 * first illegal one ends the check. Time and memory budgets end in 'unknown'.
 */
export function checkLinearizability(
  operations: readonly Operation[],
  model: Model<any>,
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  const opts = resolve(options);
  const start = performance.now();
  const deadline = start + opts.timeoutMs;
  validateFs(operations, model);

  let base: Model<unknown> = model;
  if (!base.split && !base.partition && looksIndependent(operations.filter((o) => o.outcome !== 'fail'))) base = independent(base);
  if (!base.step && base.stepAll) base = powerset(base) as Model<unknown>;
  const relevant = operations.filter((o) => o.outcome !== 'fail' && !(base.isNoop?.(o) ?? false));

  let searchModel: Model<unknown> = base;
  let groups: Group[];
  if (opts.partition && base.split) groups = splitGroups(relevant, base);
  else if (opts.partition && base.partition) {
    groups = base.partition([...relevant]).map((g) => ({ key: g.key, ops: g.ops, original: g.ops.map((o) => operations[o.id] ?? o) }));
  } else {
    if (base.split) searchModel = keyed(base) as Model<unknown>;
    groups = [{ key: null, ops: [...relevant], original: [...relevant] }];
  }

  if (opts.reduce && searchModel.reduce) {
    for (const g of groups) {
      g.unreduced = g.ops;
      g.ops = searchModel.reduce(g.ops);
    }
  }

  const results: PartitionResult[] = groups.map((g) => ({ key: g.key, valid: 'unknown', ops: g.ops.length, elapsedMs: 0 }));
  const order = groups.map((_, i) => i).sort((a, b) => groups[a].ops.length - groups[b].ops.length);
  const searches: (PartitionSearch | null)[] = groups.map(() => null);
  const tables: StateTable<unknown>[] = [];
  let active = order;
  let illegal = -1;
  let unknownReason: 'timeout' | 'memory' | undefined;

  while (active.length > 0 && illegal < 0 && unknownReason === undefined) {
    const still: number[] = [];
    let bytes = 0;
    for (const g of active) {
      let search = searches[g];
      if (search === null) {
        const table = new StateTable<unknown>(searchModel);
        tables[g] = table;
        const initial = table.id(searchModel.init());
        const ops = groups[g].ops;
        search = new PartitionSearch(ops, new Transitions(searchModel, table, ops), table, initial, readOnlyOps(ops, searchModel, opts.greedy));
        searches[g] = search;
      }
      const t = performance.now();
      const status = search.run(SLICE);
      const now = performance.now();
      results[g].elapsedMs += now - t;
      if (status === 'illegal') {
        results[g].valid = false;
        illegal = g;
        break;
      }
      if (status === 'ok') {
        results[g].valid = true;
        searches[g] = null;
        tables[g] = undefined as unknown as StateTable<unknown>;
        continue;
      }
      still.push(g);
      bytes += search.cacheBytes + tables[g].size * STATE_BYTES;
      if (now > deadline) {
        unknownReason = 'timeout';
        break;
      }
      if (bytes > opts.memoryBytes) {
        unknownReason = 'memory';
        break;
      }
    }
    active = still;
  }

  const result: LinearizabilityResult = {
    valid: illegal >= 0 ? false : unknownReason !== undefined ? 'unknown' : true,
    model: model.name,
    ops: relevant.length,
    partitions: groups.length,
    elapsedMs: 0,
    partitionResults: results,
  };
  if (illegal < 0 && unknownReason !== undefined) result.unknownReason = unknownReason;
  if (illegal >= 0) {
    const g = groups[illegal];
    const reportModel = base;
    result.partitionOps = g.original.map((o) => summarize(o, reportModel));
    if (opts.explain) {
      const spent = performance.now() - start;
      const explainDeadline = Math.min(deadline, performance.now() + Math.max(2000, 2 * spent));
      const table = new StateTable<unknown>(searchModel);
      const initial = table.id(searchModel.init());
      const transitions = new Transitions(searchModel, table, g.ops);
      const readOnly = readOnlyOps(g.ops, searchModel, opts.greedy);
      // searched reduced (fast), told in the history's own values
      const anomaly = explain(g.key, g.ops, g.original, searchModel, reportModel, transitions, table, initial, readOnly, explainDeadline, g.unreduced ?? g.ops);
      if (anomaly) {
        result.anomaly = anomaly;
        result.firstAnomalyNs = opTimeNs(anomaly.op);
      }
    }
  }
  result.elapsedMs = performance.now() - start;
  return result;
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
    const k = typeof key === 'object' && key !== null ? JSON.stringify(key) : key;
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

function validateFs(ops: readonly Operation[], model: Model<unknown>): void {
  if (!model.fs) return;
  const known = new Set(model.fs);
  for (const op of ops) {
    if (!known.has(op.f)) {
      const where = op.invokeIndex >= 0 ? op.invokeIndex : op.id;
      throw new InputError(
        '<history>',
        where + 1,
        `op ${JSON.stringify(op.f)} (process ${op.process}, history index ${where}) is not an operation of the ${model.name} model; expected one of ${model.fs.join(', ')}`,
      );
    }
  }
}
