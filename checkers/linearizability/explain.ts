import type { Operation } from '../../src/history/types.js';
import { PartitionSearch, type Stepper } from './search.js';
import type { StateTable } from './states.js';
import { summarize } from './summary.js';
import type { Anomaly, Model } from './types.js';

/**
 * Explains an illegal partition: reruns its search recording the longest partial
 * linearizations (kept out of the verdict pass, which must stay lean), then names
 * the op every longest prefix is blocked on. `original` maps local op indexes to
 * the history's operations (as the user wrote them). `shown` are the ops before
 * model.reduce (default `ops`): states are told by replaying the orders on them,
 * so a reduced value (a register's "unread") is shown as the value it stands for.
 * Resumable like the search: advance() runs until a time, so the checker can yield
 * (Ctrl-C, progress) and stop at its deadline.
 */
export class Explanation {
  private readonly search: PartitionSearch;

  constructor(
    private readonly key: unknown,
    private readonly ops: readonly Operation[],
    private readonly original: readonly Operation[],
    private readonly model: Model<unknown>,
    private readonly reportModel: Model<unknown>,
    stepper: Stepper,
    private readonly table: StateTable<unknown>,
    initialState: number,
    readOnly: Uint8Array | null,
    private readonly deadline: number,
    private readonly shown: readonly Operation[] = ops,
    after: readonly (readonly number[] | undefined)[] | null = null,
    memoryBytes = Infinity,
  ) {
    this.search = new PartitionSearch(ops, stepper, table, initialState, readOnly, true, 10, after);
    this.search.cacheLimit = memoryBytes;
  }

  /** bytes held (for progress) */
  get bytes(): number {
    return this.search.cacheBytes + this.table.bytes;
  }

  /** Searches until `until` (or its deadline, or a full cache); true when done. */
  advance(until: number): boolean {
    if (this.search.status !== 'running' || this.search.cacheFull) return true;
    const end = Math.min(until, this.deadline);
    this.search.run(Infinity, end);
    return this.search.status !== 'running' || this.search.cacheFull || performance.now() >= this.deadline;
  }

  /** The anomaly from the longest prefixes found so far (undefined if none was). */
  anomaly(): Anomaly | undefined {
    return describeAnomaly(this.search, this.key, this.ops, this.original, this.model, this.reportModel, this.table, this.shown);
  }
}

function describeAnomaly(
  search: PartitionSearch,
  key: unknown,
  ops: readonly Operation[],
  original: readonly Operation[],
  model: Model<unknown>,
  reportModel: Model<unknown>,
  table: StateTable<unknown>,
  shown: readonly Operation[],
): Anomaly | undefined {
  const best = search.longest[0];
  if (best === undefined) return undefined;
  const blocked = shown[best.blocked];
  const state = shown === ops ? table.states[best.stateId] : (stateAfter(best.order, shown, model) ?? table.states[best.stateId]);
  const stepResult = model.step ? model.step(state, blocked) : (model.stepAll?.(state, blocked) ?? []).length > 0 ? state : undefined;
  const failingOp = original[best.blocked];
  const concurrent = original.filter(
    (o, i) => i !== best.blocked && o.call < (failingOp.ret === Infinity ? Infinity : failingOp.ret) && o.ret > failingOp.call,
  );
  const seen = new Set<string>();
  const linearizations = [];
  for (const l of search.longest) {
    const sig = l.order.join(',');
    if (seen.has(sig)) continue;
    seen.add(sig);
    linearizations.push({
      order: l.order.map((i) => original[i].id),
      state: model.describeState(shown === ops ? table.states[l.stateId] : (stateAfter(l.order, shown, model) ?? table.states[l.stateId])),
      states: replay(l.order, shown, model),
    });
  }
  const described = reportModel.describeOp(failingOp);
  const stateText = model.describeState(state);
  const reason =
    stepResult === undefined
      ? `${described} is not possible in state ${stateText}, and no other order of the operations concurrent with it reaches a state where it is`
      : `${described} is possible in state ${stateText}, but every order of the operations concurrent with it leads to a later operation that is not`;
  return {
    key,
    op: summarize(failingOp, reportModel),
    prefix: best.order.map((i) => summarize(original[i], reportModel)),
    state: stateText,
    concurrent: concurrent.map((o) => summarize(o, reportModel)),
    linearizations,
    reason,
  };
}

/** The state after a partial linearization, or undefined if it is not legal (or the model has no step). */
function stateAfter(order: number[], ops: readonly Operation[], model: Model<unknown>): unknown {
  if (!model.step) return undefined;
  let state = model.init();
  for (const i of order) {
    const next = model.step(state, ops[i]);
    if (next === undefined) return undefined;
    state = next;
  }
  return state;
}

/** The state after each op of a partial linearization, as text (for the HTML page). */
function replay(order: number[], ops: readonly Operation[], model: Model<unknown>): string[] {
  const out: string[] = [];
  let state = model.init();
  for (const i of order) {
    const next = model.step?.(state, ops[i]);
    if (next === undefined) break;
    state = next;
    out.push(model.describeState(state));
  }
  return out;
}
