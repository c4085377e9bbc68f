import { describe } from '../../../src/history/describe.js';
import type { Operation } from '../../../src/history/types.js';
import { StateTable } from '../states.js';
import type { Model } from '../types.js';
import { isKeyValuePair, show } from './values.js';

/**
 * Jepsen's independent histories: every input is `[key, value]` (and an ok output
 * `[key, result]`); each key is its own instance of `model`.
 */
export function independent<S>(model: Model<S>): Model<S> {
  const split = (op: Operation): { key: unknown; op: Operation } => {
    const input = op.input as [unknown, unknown];
    const output = op.output;
    return { key: input[0], op: { ...op, input: input[1], output: isKeyValuePair(output) ? output[1] : output } };
  };
  return {
    ...model,
    split,
    validate(op) {
      if (!isKeyValuePair(op.input)) {
        return { event: 'invoke', message: `expected [key, value] as in the rest of this independent history; got ${describe(op.input)}` };
      }
      return model.validate?.(op, op.input[1], isKeyValuePair(op.output) ? op.output[1] : op.output);
    },
    isNoop: model.isNoop ? (op) => model.isNoop!(split(op).op) : undefined,
    describeOp(op) {
      const { key, op: inner } = split(op);
      return `${show(key)}: ${model.describeOp(inner)}`;
    },
  };
}

/**
 * True if the history is in the independent `[key, value]` form: every op's value is
 * a [key, v] pair. A cas alone is ambiguous (a plain cas [from, to] is a pair too),
 * so the other ops decide when there are any; a history of cas ops only is
 * independent when each is [k, [from, to]]. (So a malformed cas in an independent
 * history is reported as such instead of turning the history into a plain one.)
 */
export function looksIndependent(ops: readonly Operation[]): boolean {
  let others = 0;
  for (const op of ops) {
    if (op.f === 'cas') continue;
    if (!isKeyValuePair(op.input)) return false;
    others++;
  }
  if (others > 0) return true;
  if (ops.length === 0) return false;
  for (const op of ops) {
    if (!isKeyValuePair(op.input) || !(Array.isArray(op.input[1]) && op.input[1].length === 2)) return false;
  }
  return true;
}

/**
 * The whole history as one state: a map from key to the per-key state, for
 * checking without P-compositionality. State = Int32Array of per-key state ids.
 */
export function keyed<S>(model: Model<S>): Model<Int32Array> {
  const split = model.split!;
  const keys = new Map<unknown, number>();
  const inner = new StateTable<S>(model);
  const init = inner.id(model.init());
  const slot = (key: unknown): number => {
    let k = keys.get(key);
    if (k === undefined) {
      k = keys.size;
      keys.set(key, k);
    }
    return k;
  };
  return {
    name: model.name,
    fs: model.fs,
    init: () => new Int32Array(0),
    step(state, op) {
      const { key, op: sub } = split(op);
      const k = slot(key);
      const current = k < state.length ? state[k] : init;
      const next = model.step!(inner.states[current], sub);
      if (next === undefined) return undefined;
      const id = inner.id(next);
      if (id === current) return state;
      const out = new Int32Array(Math.max(state.length, k + 1)).fill(init);
      out.set(state);
      out[k] = id;
      return out;
    },
    equal(a, b) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) if ((i < a.length ? a[i] : init) !== (i < b.length ? b[i] : init)) return false;
      return true;
    },
    hash(s) {
      let h = 0x811c9dc5;
      let end = s.length;
      while (end > 0 && s[end - 1] === init) end--; // trailing initial states hash like absent ones
      for (let i = 0; i < end; i++) h = Math.imul(h ^ s[i], 0x01000193);
      return h >>> 0;
    },
    stateBytes: (s) => 64 + s.byteLength,
    heldBytes: () => inner.bytes + (model.heldBytes?.() ?? 0),
    isNoop: model.isNoop ? (op) => model.isNoop!(split(op).op) : undefined,
    // the other keys' states are untouched, so an op read-only for its key is read-only here
    readOnly: model.readOnly ? (op) => model.readOnly!(split(op).op) : undefined,
    describeOp: (op) => model.describeOp(op),
    describeState(s) {
      const parts: string[] = [];
      for (const [key, k] of keys) if (k < s.length && s[k] !== init) parts.push(`${show(key)}: ${model.describeState(inner.states[s[k]])}`);
      return `{${parts.join(', ')}}`;
    },
  };
}

/**
 * A nondeterministic model (stepAll) as a deterministic one over sets of states,
 * as Porcupine does; a set is the sorted ids of its member states, as text.
 */
export function powerset<S>(model: Model<S>): Model<string> {
  const inner = new StateTable<S>(model);
  const members = (s: string): number[] => (s === '' ? [] : s.split(',').map(Number));
  return {
    name: model.name,
    fs: model.fs,
    split: model.split,
    init: () => String(inner.id(model.init())),
    step(state, op) {
      const out = new Set<number>();
      for (const id of members(state)) for (const next of model.stepAll!(inner.states[id], op)) out.add(inner.id(next));
      if (out.size === 0) return undefined;
      return [...out].sort((a, b) => a - b).join(',');
    },
    equal: (a, b) => a === b,
    hash: (s) => s.length,
    heldBytes: () => inner.bytes + (model.heldBytes?.() ?? 0),
    isNoop: model.isNoop,
    // no readOnly: a read-only op of the model still narrows a set of states (a read
    // filters out the states it does not match), so here it changes the state
    describeOp: (op) => model.describeOp(op),
    describeState: (s) =>
      members(s)
        .map((id) => model.describeState(inner.states[id]))
        .join(' | '),
  };
}
