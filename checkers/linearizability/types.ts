import type { OpSource } from '../../src/history/pair.js';
import type { Operation } from '../../src/history/types.js';
import type { CheckerResult, Valid } from '../types.js';

/** What is wrong with an op's shape: which of its events, and a sentence "expected ...; got ...". */
export interface OpProblem {
  event: 'invoke' | 'complete';
  message: string;
}

/**
 * A sequential specification, Porcupine-style: pure functions only.
 * Deterministic models implement `step`; nondeterministic ones implement `stepAll`
 * (every state the op may lead to). `partition` splits a history into independent
 * sub-histories (P-compositionality), e.g. by key.
 */
export interface Model<S = unknown> {
  name: string;
  init(): S;
  /** the state after `op`, or undefined if `op` (with its output) is illegal in `state` */
  step?(state: S, op: Operation): S | undefined;
  /** nondeterministic step: all possible next states (empty = illegal) */
  stepAll?(state: S, op: Operation): S[];
  equal(a: S, b: S): boolean;
  /** a 32-bit hash consistent with equal */
  hash(state: S): number;
  partition?(ops: Operation[]): { key: unknown; ops: Operation[] }[];
  /**
   * Per-op partitioning, preferred over `partition`: the key an op belongs to and
   * the op as the per-key model sees it (e.g. `[k, v]` unwrapped to `v`; keep `id`).
   * With it the checker can also run unpartitioned, over a map of per-key states.
   */
  split?(op: Operation): { key: unknown; op: Operation };
  /** the `f`s this model knows; an op with another f is an input error */
  fs?: readonly string[];
  /**
   * The shape this model needs of an op (a cas value is a [from, to] pair, an ok read
   * carries what it read, ...): undefined if the op has it, else what is wrong. The
   * checker asks once per op before searching (never in the search's loop) and
   * refuses the history at the first problem (exit 254, naming file and line): a
   * recording bug must not look like a bug in the database. `input` and `output` are
   * the op's values as this model sees them (a combinator passes them unwrapped, so
   * that no copy of the op is made for each op of a large history).
   */
  validate?(op: Operation, input: unknown, output: unknown): OpProblem | undefined;
  /** how nil reads are taken (register models only), for the summary */
  readonly nilRead?: 'value' | 'unknown';
  /**
   * Real-time aside, orders every valid linearization of this partition must follow
   * (e.g. a set read that lacks an element comes before that element's add):
   * after[i] lists ops (local indexes) that must be linearized before op i. The
   * search skips op i until they are. Only prunes: a missing constraint costs time,
   * a wrong one can make a valid history look invalid (never the reverse).
   */
  mustFollow?(ops: readonly Operation[]): (readonly number[] | undefined)[];
  /** bytes of one interned state, for the memory budget (default: an estimate from its shape) */
  stateBytes?(state: S): number;
  /** bytes the model itself holds (e.g. the inner states of a combinator), for the memory budget */
  heldBytes?(): number;
  /**
   * true if `op` can be dropped without changing the verdict: e.g. a read whose
   * result is unknown (info) has no effect and constrains nothing
   */
  isNoop?(op: Operation): boolean;
  /**
   * true if `op` (as this model's `step` sees it) never changes the state: for
   * EVERY state s, step(s, op) is undefined or equal to s (a read, a kv get, a cas
   * from v to v). Not "unchanged in this state": a write of the current value is
   * not read-only. The search linearizes such ops greedily (see search.ts), so a
   * wrong `true` can make the checker answer valid for a history that is not.
   */
  readOnly?(op: Operation): boolean;
  /**
   * An equivalent partition with fewer distinct states: the same ops (ids, times,
   * outcomes), values rewritten so that exactly the same orders are legal. E.g. a
   * register writes every value that no read or cas can observe as one "unread"
   * value: such states all make the same ops illegal, so the cache merges them.
   */
  reduce?(ops: Operation[]): Operation[];
  /**
   * true if `op` writes a state u that no op can observe: step(s, op) is u whatever
   * s is, and in u every op of the partition is illegal except such writes and
   * info ops that leave u unchanged (a register's write of the unread value after
   * reduce). In state u such an op changes nothing that anything can tell, so the
   * search linearizes it greedily there, as it does read-only ops.
   */
  unreadWrite?(op: Operation): boolean;
  describeOp(op: Operation): string;
  describeState(state: S): string;
}

export interface ModelOptions {
  /**
   * starting value: register and cas-register (default null), kv (a string for every
   * key; default ""); the other models have none and refuse one
   */
  initial?: unknown;
  /** 'value': a read of null claims the register is empty; 'unknown': a nil read matches any state */
  nilRead?: 'value' | 'unknown';
}

export interface LinearizabilityOptions {
  /** stop and answer unknown after this long; default: no limit */
  timeoutMs?: number;
  /**
   * stop and answer unknown when the search's memory (its configuration cache,
   * stacks and interned states, at their real sizes) would exceed this; default 1 GiB
   */
  memoryBytes?: number;
  /** where the ops come from, so a malformed op is reported by file and line */
  source?: OpSource;
  /** aborting it stops the check: unknown ('interrupted'), with what was decided so far */
  signal?: AbortSignal;
  /** called about once a second while the check runs (checkLinearizabilityAsync) */
  onProgress?(p: CheckProgress): void;
  /** compute the violation explanation (longest linearizations); default true */
  explain?: boolean;
  /** check partitions (model.partition); default true */
  partition?: boolean;
  /**
   * linearize read-only ops (model.readOnly) greedily, without a backtracking
   * point, as soon as they are legal; default true. Off is plain Wing & Gong /
   * Porcupine (kept for comparison in tests and the bench).
   */
  greedy?: boolean;
  /** rewrite each partition with model.reduce first; default true */
  reduce?: boolean;
}

/** An operation as shown in a report. */
export interface OpSummary {
  id: number;
  process: number | string;
  f: string;
  input: unknown;
  output: unknown;
  outcome: 'ok' | 'fail' | 'info';
  call: number;
  ret: number | null; // null for info (never returned)
  invokeIndex: number;
  completeIndex: number;
  description: string;
}

export interface PartialLinearization {
  /** operation ids in linearization order */
  order: number[];
  /** describeState after the last op */
  state: string;
  /** describeState after each op of `order` */
  states?: string[];
}

export interface Anomaly {
  /** which partition (e.g. key) is not linearizable */
  key: unknown;
  /** the operation that cannot be linearized: every partial linearization fails before it */
  op: OpSummary;
  /** the longest linearizable prefix, in linearization order */
  prefix: OpSummary[];
  /** describeState after the prefix */
  state: string;
  /** operations concurrent with `op` */
  concurrent: OpSummary[];
  /** the longest partial linearizations found (for the HTML page) */
  linearizations: PartialLinearization[];
  /** a sentence: why `op` cannot follow any longest prefix */
  reason: string;
}

export interface PartitionResult {
  key: unknown;
  valid: Valid;
  ops: number;
  elapsedMs: number;
}

export interface CheckProgress {
  elapsedMs: number;
  phase: 'search' | 'explain';
  partitions: number;
  /** partitions decided so far */
  decided: number;
  /** memory the search holds now (as counted against the budget) */
  bytes: number;
}

/**
 * Why a check is unknown: a budget ran out, it was interrupted, or there was nothing
 * to check (no client operation completed ok: never "valid").
 */
export type UnknownReason = 'timeout' | 'memory' | 'interrupted' | 'empty';

export interface LinearizabilityResult extends CheckerResult {
  valid: Valid;
  model: string;
  ops: number;
  partitions: number;
  elapsedMs: number;
  /** set when valid === 'unknown' */
  unknownReason?: UnknownReason;
  /** the reason in a sentence (e.g. "the history has no client operations") */
  unknownDetail?: string;
  /** set when the search stopped at the memory budget: what it held */
  memoryBytes?: number;
  /** the verdict was known (invalid) but Ctrl-C stopped its explanation */
  explainInterrupted?: boolean;
  anomaly?: Anomaly;
  partitionResults: PartitionResult[];
  /** every operation of the invalid partition, for the HTML page */
  partitionOps?: OpSummary[];
}
