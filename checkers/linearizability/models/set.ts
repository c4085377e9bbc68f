import { describe } from '../../../src/history/describe.js';
import type { Operation } from '../../../src/history/types.js';
import type { Model } from '../types.js';
import { canonicalJson, show } from './values.js';

/**
 * A set's state: the ids of its elements, sorted, and an order-independent hash
 * (a sum of per-element random numbers), so an add is one copy of an Int32Array and
 * a read that cannot match is refused by its hash and size without a comparison.
 */
export interface SetState {
  readonly ids: Int32Array;
  readonly h: number;
}

/** an info add of an element no read observes, after reduce: it changes nothing anyone can tell */
const UNOBSERVED = Symbol('unobserved');

/** at most this many ordering constraints per add (they only prune: fewer is still exact) */
const MAX_AFTER = 64;

/**
 * A grow-only set: add v; read → every element (in any order, duplicates ignored).
 * Elements are equal as values (map key order does not matter). Three things keep
 * the search small on the long histories a set workload records:
 * - states are sorted element ids with an incremental hash (see SetState);
 * - reduce: an info add of an element that no ok read contains is a no-op (in a
 *   valid order it either never happened or came after every read, so nothing can
 *   tell it from a no-op);
 * - mustFollow: every ok read that lacks an element must be linearized before that
 *   element's add (the set only grows), so the search does not try the adds in all
 *   the orders that no read can match.
 */
export function setModel(): Model<SetState> {
  const ids = new Map<string, number>(); // canonical JSON → element id
  const texts: string[] = []; // element id → JSON, for display
  const weights: number[] = []; // element id → its share of the hash
  const elementId = (v: unknown): number => {
    const key = canonicalJson(v);
    let id = ids.get(key);
    if (id === undefined) {
      id = texts.length;
      ids.set(key, id);
      texts.push(key);
      weights.push(mix(id + 1));
    }
    return id;
  };
  // per op, prepared once: an add's element id; an ok read's sorted ids and hash
  const adds = new WeakMap<Operation, number>();
  const reads = new WeakMap<Operation, SetState>();
  const addId = (op: Operation): number => {
    let id = adds.get(op);
    if (id === undefined) {
      id = elementId(op.input);
      adds.set(op, id);
    }
    return id;
  };
  const readSet = (op: Operation): SetState | undefined => {
    if (!Array.isArray(op.output)) return undefined;
    let s = reads.get(op);
    if (s === undefined) {
      const sorted = Int32Array.from(new Set(op.output.map(elementId))).sort();
      let h = 0;
      for (let i = 0; i < sorted.length; i++) h = (h + weights[sorted[i]]) | 0;
      s = { ids: sorted, h };
      reads.set(op, s);
    }
    return s;
  };
  const empty: SetState = { ids: new Int32Array(0), h: 0 };

  return {
    name: 'set',
    fs: ['add', 'read'],
    init: () => empty,
    validate(op, input, output) {
      if (op.f === 'add' && input === undefined) return { event: 'invoke', message: 'expected the add to carry the element added; got no value' };
      if (op.f === 'read' && op.outcome === 'ok' && !Array.isArray(output)) {
        return {
          event: 'complete',
          message: `expected the ok read to carry the set read, a list; got ${output === undefined ? 'no value' : describe(output)}`,
        };
      }
      return undefined;
    },
    step(state, op) {
      if (op.f === 'add') {
        if (op.input === UNOBSERVED) return state;
        const id = addId(op);
        const at = lowerBound(state.ids, id);
        if (at < state.ids.length && state.ids[at] === id) return state;
        const next = new Int32Array(state.ids.length + 1);
        next.set(state.ids.subarray(0, at));
        next[at] = id;
        next.set(state.ids.subarray(at), at + 1);
        return { ids: next, h: (state.h + weights[id]) | 0 };
      }
      if (op.f !== 'read') return undefined;
      if (op.outcome !== 'ok') return state;
      const read = readSet(op);
      if (read === undefined || read.h !== state.h || read.ids.length !== state.ids.length) return undefined;
      return sameIds(read.ids, state.ids) ? state : undefined;
    },
    equal: (a, b) => a === b || (a.h === b.h && a.ids.length === b.ids.length && sameIds(a.ids, b.ids)),
    hash: (s) => s.h,
    stateBytes: (s) => 96 + s.ids.byteLength,
    readOnly: (op) => op.f === 'read' || (op.f === 'add' && op.input === UNOBSERVED),
    isNoop: (op) => op.f === 'read' && op.outcome !== 'ok',
    reduce(ops) {
      const observed = new Set<number>();
      for (const op of ops) {
        if (op.f !== 'read' || op.outcome !== 'ok') continue;
        const read = readSet(op);
        if (read) for (const id of read.ids) observed.add(id);
      }
      let out: Operation[] | null = null;
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i];
        if (op.f !== 'add' || op.outcome !== 'info' || observed.has(addId(op))) continue;
        out ??= ops.slice();
        out[i] = { ...op, input: UNOBSERVED };
      }
      return out ?? ops;
    },
    mustFollow(ops) {
      const okReads: number[] = [];
      for (let i = 0; i < ops.length; i++) if (ops[i].f === 'read' && ops[i].outcome === 'ok' && readSet(ops[i])) okReads.push(i);
      okReads.sort((a, b) => ops[a].call - ops[b].call);
      let longest = 0; // the longest ok read: reads overlapping an add start at most this long before it
      for (const r of okReads) longest = Math.max(longest, ops[r].ret - ops[r].call);
      const after: (number[] | undefined)[] = new Array(ops.length);
      for (let i = 0; i < ops.length; i++) {
        const add = ops[i];
        if (add.f !== 'add' || add.input === UNOBSERVED) continue;
        const id = addId(add);
        // the ok reads overlapping the add that lack its element (any such read must
        // come first; the ones before the add do anyway, by real time)
        let k = lowerBoundBy(okReads, (r) => ops[r].call >= add.call - longest);
        let list: number[] | undefined;
        for (; k < okReads.length && (list?.length ?? 0) < MAX_AFTER; k++) {
          const read = ops[okReads[k]];
          if (read.call > add.ret) break;
          if (read.ret < add.call) continue;
          const ids = readSet(read)!.ids;
          const at = lowerBound(ids, id);
          if (at < ids.length && ids[at] === id) continue;
          (list ??= []).push(okReads[k]);
        }
        after[i] = list;
      }
      return after;
    },
    describeOp: (op) =>
      op.f === 'read' ? `read() → ${op.outcome === 'ok' ? show(op.output) : '?'}` : `add(${show(op.input)})${op.outcome === 'info' ? ' (info)' : ''}`,
    describeState: (s) =>
      `#{${Array.from(s.ids, (id) => texts[id])
        .sort()
        .join(' ')}}`,
  };
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

function sameIds(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** the first index whose id is ≥ id */
function lowerBound(ids: Int32Array, id: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** the first index where `ok` holds (it holds from some index on) */
function lowerBoundBy(xs: readonly number[], ok: (x: number) => boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ok(xs[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
