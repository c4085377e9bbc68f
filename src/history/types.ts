/** A history event, as in contracts.md §1.1 (Jepsen's op map, keywords as strings). */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';
export type ProcessId = number | string; // "nemesis" for fault events

export interface Op {
  index: number;
  /** nanoseconds since test start (controller monotonic clock) */
  time: number;
  type: OpType;
  process: ProcessId;
  f: string;
  value: unknown;
  error?: unknown;
  [extra: string]: unknown;
}

/**
 * An invocation paired with its completion: what checkers consume.
 * `fail` completions are kept (outcome 'fail') so checkers that need them can see them;
 * the linearizability checker drops them (they certainly did not happen).
 * An `info` completion, or an invocation never completed, has outcome 'info' and
 * `ret = Infinity`: it may have taken effect at any time after `call`.
 */
export interface Operation {
  /** dense id 0..n-1 in order of invocation */
  id: number;
  process: ProcessId;
  f: string;
  /** the invocation's value */
  input: unknown;
  /** the completion's value (ok) or undefined (info/open) */
  output: unknown;
  outcome: 'ok' | 'fail' | 'info';
  /** time of the invocation (ns) */
  call: number;
  /** time of the completion (ns), Infinity for info/open */
  ret: number;
  /** history indexes of the invoke and completion events (-1 if none) */
  invokeIndex: number;
  completeIndex: number;
  /** the completion's error field if any */
  error?: unknown;
  /** the invocation's `key` field, for histories that carry the key apart from the value (Porcupine kv) */
  key?: unknown;
}
