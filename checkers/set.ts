import { pairHistory } from '../src/history/pair.js';
import type { Op, Operation } from '../src/history/types.js';
import { RUN_FILES } from '../src/store/layout.js';
import { type CheckerResult, opTimeNs } from './types.js';

export interface SetOptions {
  /** reads are linearizable, so a read that misses an element known to be present is an error (stale) */
  linearizable: boolean;
}

export interface SetResult extends CheckerResult {
  attempted: number;
  acknowledged: number;
  reads: number;
  /** elements known present (acknowledged or read) and present in every read since: stable */
  ok: number;
  /** known present, then missing from the latest read that began after: lost */
  lost: unknown[];
  /** read but never attempted */
  unexpected: unknown[];
  /** adds with an unknown or failed outcome that a read shows took effect */
  recovered: number;
  /** known present, missing from some later read, present again in the latest one */
  stale: unknown[];
  /** known present, but no read began after: nothing can be said */
  neverRead: unknown[];
  /** the invocation index of a read behind each of the first stale elements */
  staleReads: { element: unknown; read: number }[];
  finalRead: boolean;
}

/** numbers key themselves (no allocation on the hot path); other values by their JSON */
const key = (v: unknown): unknown => (typeof v === 'number' ? v : JSON.stringify(v));

/**
 * Jepsen's set-full checker. For every element: the time it became known to be
 * present (its add completed ok, or a read completed that shows it); then, over the
 * reads that began after that time, whether the latest one shows it (else lost) and
 * whether any one missed it (stale). Elements are numbered once and tracked in typed
 * arrays: O(Σ read sizes + elements · log reads).
 */
export function checkSet(ops: readonly Op[], opts: SetOptions = { linearizable: true }): SetResult {
  const { operations } = pairHistory(ops, RUN_FILES.history);
  const adds: Operation[] = [];
  const reads: Operation[] = [];
  for (const o of operations) {
    if (o.f === 'add') adds.push(o);
    else if (o.f === 'read' && o.outcome === 'ok' && Array.isArray(o.output)) reads.push(o);
  }
  reads.sort((a, b) => a.call - b.call);
  const r: SetResult = {
    valid: 'unknown',
    attempted: adds.length,
    acknowledged: 0,
    reads: reads.length,
    ok: 0,
    lost: [],
    unexpected: [],
    recovered: 0,
    stale: [],
    neverRead: [],
    staleReads: [],
    finalRead: reads.length > 0,
  };
  const ids = new Map<unknown, number>();
  const values: unknown[] = [];
  const acked: boolean[] = [];
  const known = new Float64Array(adds.length).fill(Infinity);
  for (const a of adds) {
    const k = key(a.input);
    let id = ids.get(k);
    if (id === undefined) {
      ids.set(k, (id = values.length));
      values.push(a.input);
      acked.push(false);
    }
    if (a.outcome === 'ok') {
      r.acknowledged++;
      acked[id] = true;
      known[id] = Math.min(known[id], a.ret);
    }
  }
  const n = values.length;
  // pass 1: the earliest completion of a read showing each element
  const firstSeen = new Float64Array(n).fill(Infinity);
  const unexpected = new Map<unknown, unknown>();
  let firstAnomaly = Infinity; // the earliest read showing an unexpected element, or missing a lost or stale one
  for (const rd of reads) {
    for (const v of rd.output as unknown[]) {
      const id = ids.get(key(v));
      if (id === undefined) {
        unexpected.set(key(v), v);
        firstAnomaly = Math.min(firstAnomaly, opTimeNs(rd));
      } else if (rd.ret < firstSeen[id]) firstSeen[id] = rd.ret;
    }
  }
  r.unexpected = [...unexpected.values()];
  for (let id = 0; id < n; id++) {
    if (firstSeen[id] < Infinity && !acked[id]) r.recovered++;
    known[id] = Math.min(known[id], firstSeen[id]);
  }
  // pass 2: per element, how many reads begun after it was known show it, and the latest such read
  const present = new Int32Array(n);
  const latestShowing = new Int32Array(n).fill(-1);
  for (let i = 0; i < reads.length; i++) {
    const rd = reads[i];
    for (const v of rd.output as unknown[]) {
      const id = ids.get(key(v));
      if (id === undefined || rd.call <= known[id]) continue;
      present[id]++;
      latestShowing[id] = i;
    }
  }
  const calls = Float64Array.from(reads, (rd) => rd.call);
  for (let id = 0; id < n; id++) {
    if (known[id] === Infinity) continue; // never known to be present: an unknown add that did not happen
    const first = upperBound(calls, known[id]); // reads [first, n) began after it was known
    const after = reads.length - first;
    if (after === 0) r.neverRead.push(values[id]);
    else if (latestShowing[id] !== reads.length - 1) {
      r.lost.push(values[id]);
      if (r.lost.length <= 20) firstAnomaly = Math.min(firstAnomaly, firstMissing(reads, first, key(values[id])));
    } else if (present[id] < after) {
      r.stale.push(values[id]);
      if (r.staleReads.length < 20) {
        const k = key(values[id]);
        const missing = reads.slice(first).find((rd) => !(rd.output as unknown[]).some((v) => key(v) === k));
        if (missing) {
          r.staleReads.push({ element: values[id], read: missing.invokeIndex });
          firstAnomaly = Math.min(firstAnomaly, opTimeNs(missing));
        }
      }
    } else r.ok++;
  }
  if (reads.length === 0) return r;
  r.valid = r.lost.length === 0 && r.unexpected.length === 0 && (!opts.linearizable || r.stale.length === 0);
  if (!r.valid && firstAnomaly < Infinity) r.firstAnomalyNs = firstAnomaly;
  return r;
}

/** the completion time of the first read from `from` on that misses element `k` (the first 20 lost elements are searched) */
function firstMissing(reads: readonly Operation[], from: number, k: unknown): number {
  for (let i = from; i < reads.length; i++) if (!(reads[i].output as unknown[]).some((v) => key(v) === k)) return opTimeNs(reads[i]);
  return Infinity;
}

/** first index whose value is > x */
function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
