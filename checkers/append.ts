import { pairHistory } from '../src/history/pair.js';
import type { Op, Operation } from '../src/history/types.js';
import { RUN_FILES } from '../src/store/layout.js';
import { type CheckerResult, opTimeNs } from './types.js';

/** One anomalous read, for the report: the read's invocation index, its key, and the element at fault. */
export interface AppendAnomaly {
  key: unknown;
  /** history index of the read's invocation */
  read: number;
  element: unknown;
  /** the append's invocation index, when the element was invoked as one */
  append?: number;
}

export interface AppendResult extends CheckerResult {
  keys: number;
  attempted: number;
  acknowledged: number;
  reads: number;
  /** reads showing an element more than once: a command applied twice */
  duplicated: number;
  /** distinct elements some read shows more than once (the examples name one read of each) */
  duplicatedElements: number;
  /** reads that are not a prefix of their key's longest read: two orders of one list */
  incompatible: number;
  /** reads showing an element never invoked as an append of that key */
  unexpected: number;
  /** reads showing the element of an append that failed (definite: it must never take effect) */
  failedVisible: number;
  /** reads missing an append acknowledged before the read was invoked, other than each key's latest read */
  stale: number;
  /** appends acknowledged before their key's latest read was invoked, missing from it */
  lost: number;
  /** appends whose outcome was unknown (info) and that a read shows took effect */
  recovered: number;
  /** the first few of each kind */
  anomalies: {
    duplicated: AppendAnomaly[];
    incompatible: AppendAnomaly[];
    unexpected: AppendAnomaly[];
    failedVisible: AppendAnomaly[];
    stale: AppendAnomaly[];
    lost: AppendAnomaly[];
  };
}

const MAX_EXAMPLES = 5;
/** numbers key themselves (no allocation on the hot path); other values by their JSON */
const id = (v: unknown): unknown => (typeof v === 'number' ? v : JSON.stringify(v));

interface KeyOps {
  appends: Operation[];
  reads: Operation[];
}

/**
 * Jepsen's append workload, checked per key without a transaction graph (each op touches
 * one key): lists only grow, in one order, and each append takes effect at most once. Per
 * key: (a) no read shows an element twice; (b) every read is a prefix of the key's longest
 * read; (c) no read shows an element that was never appended to that key, nor (d) one whose
 * append failed; (e) every read shows every append acknowledged before it was invoked (a
 * read missing one is stale, or the element is lost if it is the key's latest read). Each
 * element of each key is numbered once and checked with stamps in typed arrays:
 * O(Σ read sizes + reads · log appends).
 */
export function checkAppend(ops: readonly Op[]): AppendResult {
  const { operations } = pairHistory(ops, RUN_FILES.history);
  const byKey = new Map<unknown, KeyOps>();
  const of = (k: unknown): KeyOps => {
    let x = byKey.get(id(k));
    if (!x) byKey.set(id(k), (x = { appends: [], reads: [] }));
    return x;
  };
  const r: AppendResult = {
    valid: 'unknown',
    keys: 0,
    attempted: 0,
    acknowledged: 0,
    reads: 0,
    duplicated: 0,
    duplicatedElements: 0,
    incompatible: 0,
    unexpected: 0,
    failedVisible: 0,
    stale: 0,
    lost: 0,
    recovered: 0,
    anomalies: { duplicated: [], incompatible: [], unexpected: [], failedVisible: [], stale: [], lost: [] },
  };
  for (const o of operations) {
    if (!Array.isArray(o.input)) continue;
    const key = o.input[0];
    if (o.f === 'append') {
      of(key).appends.push(o);
      r.attempted++;
      if (o.outcome === 'ok') r.acknowledged++;
    } else if (o.f === 'read' && o.outcome === 'ok' && Array.isArray(o.output) && Array.isArray(o.output[1])) {
      of(key).reads.push(o);
      r.reads++;
    }
  }
  r.keys = byKey.size;
  let first = Infinity;
  const note = (kind: keyof AppendResult['anomalies'], rd: Operation, a: Omit<AppendAnomaly, 'read'>, example = true): void => {
    r[kind]++;
    first = Math.min(first, opTimeNs(rd));
    if (example && r.anomalies[kind].length < MAX_EXAMPLES) r.anomalies[kind].push({ ...a, read: rd.invokeIndex });
  };
  for (const [, k] of byKey) checkKey(k, r, note);
  if (r.reads === 0) return r;
  r.valid = r.duplicated + r.incompatible + r.unexpected + r.failedVisible + r.stale + r.lost === 0;
  if (!r.valid && first < Infinity) r.firstAnomalyNs = first;
  return r;
}

type Note = (kind: keyof AppendResult['anomalies'], rd: Operation, a: Omit<AppendAnomaly, 'read'>, example?: boolean) => void;

function checkKey({ appends, reads }: KeyOps, r: AppendResult, note: Note): void {
  if (reads.length === 0) return;
  const key = (reads[0].input as unknown[])[0];
  // number the key's appended elements; acknowledged ones sorted by completion
  const ids = new Map<unknown, number>();
  for (const a of appends) {
    const e = id((a.input as unknown[])[1]);
    if (!ids.has(e)) ids.set(e, ids.size);
  }
  const n = ids.size;
  const outcome = new Uint8Array(n); // 0 info, 1 ok, 2 fail (an element appended twice keeps its best outcome)
  const ackedAt = new Float64Array(n).fill(Infinity);
  const appendIndex = new Int32Array(n);
  const elements: unknown[] = new Array(n);
  for (const a of appends) {
    const e = (a.input as unknown[])[1];
    const i = ids.get(id(e)) as number;
    elements[i] = e;
    appendIndex[i] = a.invokeIndex;
    if (a.outcome === 'ok') {
      outcome[i] = 1;
      ackedAt[i] = Math.min(ackedAt[i], a.ret);
    } else if (a.outcome === 'fail' && outcome[i] !== 1) outcome[i] = 2;
  }
  const acked = Int32Array.from({ length: n }, (_, i) => i).filter((i) => outcome[i] === 1);
  acked.sort((a, b) => ackedAt[a] - ackedAt[b]);
  const ackTimes = Float64Array.from(acked, (i) => ackedAt[i]);
  reads.sort((a, b) => a.call - b.call);
  let longest = reads[0];
  for (const rd of reads) if (list(rd).length > list(longest).length) longest = rd;
  const top = list(longest).map(id);
  const latest = reads[reads.length - 1];
  // stamp[i] = 1 + the number of the last read that showed element i: one pass per read, no per-read sets
  const stamp = new Int32Array(n);
  const seen = new Uint8Array(n);
  const twice = new Uint8Array(n); // shown twice by some read: one example per element, not one per later read
  for (let ri = 0; ri < reads.length; ri++) {
    const rd = reads[ri];
    const xs = list(rd);
    const mark = ri + 1;
    let prefix = xs.length <= top.length;
    let dupNoted = false;
    let ackedShown = 0; // distinct acknowledged-before-the-read elements the read shows
    for (let p = 0; p < xs.length; p++) {
      const e = id(xs[p]);
      if (prefix && e !== top[p]) prefix = false;
      const i = ids.get(e);
      if (i === undefined) {
        note('unexpected', rd, { key, element: xs[p] });
        continue;
      }
      if (stamp[i] === mark) {
        if (!dupNoted) note('duplicated', rd, { key, element: xs[p], append: appendIndex[i] }, !twice[i]);
        dupNoted = true;
        if (!twice[i]) r.duplicatedElements++;
        twice[i] = 1;
        continue;
      }
      stamp[i] = mark;
      if (outcome[i] === 2) note('failedVisible', rd, { key, element: xs[p], append: appendIndex[i] });
      else if (outcome[i] === 0 && !seen[i]) r.recovered++;
      seen[i] = 1;
      if (ackedAt[i] < rd.call) ackedShown++;
    }
    if (!prefix) note('incompatible', rd, { key, element: xs.find((x, p) => id(x) !== top[p]) });
    const required = lowerBound(ackTimes, rd.call); // acknowledged before the read was invoked
    if (ackedShown < required) {
      // the slow path, only for a read that misses some: which ones
      const kind = rd === latest ? 'lost' : 'stale';
      for (let j = 0; j < required; j++) {
        const i = acked[j];
        if (stamp[i] === mark) continue;
        if (kind === 'lost') note('lost', rd, { key, element: elements[i], append: appendIndex[i] });
        else {
          note('stale', rd, { key, element: elements[i], append: appendIndex[i] });
          break; // a stale read counts once
        }
      }
    }
  }
}

const list = (rd: Operation): unknown[] => (rd.output as [unknown, unknown[]])[1];

/** first index whose value is >= x: how many are < x */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
