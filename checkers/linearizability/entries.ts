import type { Operation } from '../../src/history/types.js';

/**
 * The history as Porcupine's doubly linked list of call and return entries,
 * in typed arrays: entry 2i is op i's call, 2i+1 its return; `head` is a sentinel.
 * Sorted by time, calls before returns at equal times (so touching ops overlap).
 * Ops that never returned (info) have their returns at the end.
 */
export interface EntryList {
  next: Int32Array;
  prev: Int32Array;
  /** for a call entry: its return entry; for a return entry: -1 */
  match: Int32Array;
  head: number;
}

export function buildEntries(ops: readonly Operation[]): EntryList {
  const n = ops.length;
  const order = new Int32Array(2 * n);
  const time = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    order[2 * i] = 2 * i;
    order[2 * i + 1] = 2 * i + 1;
    time[2 * i] = ops[i].call;
    time[2 * i + 1] = ops[i].ret;
  }
  order.sort((a, b) => time[a] - time[b] || (a & 1) - (b & 1) || a - b);
  const head = 2 * n;
  const next = new Int32Array(2 * n + 1).fill(-1);
  const prev = new Int32Array(2 * n + 1).fill(-1);
  const match = new Int32Array(2 * n + 1).fill(-1);
  let last = head;
  for (let k = 0; k < order.length; k++) {
    const e = order[k];
    next[last] = e;
    prev[e] = last;
    last = e;
    if ((e & 1) === 0) match[e] = e + 1;
  }
  return { next, prev, match, head };
}
