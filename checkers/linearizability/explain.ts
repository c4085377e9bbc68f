import type { Operation } from '../../src/history/types.js';
import { PartitionSearch, type Stepper } from './search.js';
import type { StateTable } from './states.js';
import { summarize } from './summary.js';
import type { Anomaly, Model } from './types.js';

const SLICE = 50_000;

/**
 * Explains an illegal partition: reruns its search recording the longest partial
 * linearizations (kept out of the verdict pass, which must stay lean), then names
 * the op every longest prefix is blocked on. `original` maps local op indexes to
 * the history's operations (as the user wrote them).
 */
export function explain(
  key: unknown,
  ops: readonly Operation[],
  original: readonly Operation[],
  model: Model<unknown>,
  reportModel: Model<unknown>,
  stepper: Stepper,
  table: StateTable<unknown>,
  initialState: number,
  readOnly: Uint8Array | null,
  deadline: number,
): Anomaly | undefined {
  const search = new PartitionSearch(ops, stepper, table, initialState, readOnly, true);
  while (search.run(SLICE) === 'running') {
    if (performance.now() > deadline) break;
  }
  const best = search.longest[0];
  if (best === undefined) return undefined;
  const blocked = ops[best.blocked];
  const state = table.states[best.stateId];
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
      state: model.describeState(table.states[l.stateId]),
      states: replay(l.order, ops, model),
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
