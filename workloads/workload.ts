import type { CheckerResult } from '../checkers/types.js';
import type { Op } from '../src/history/types.js';
import type { Generator } from './generator.js';

/** A pure check of a whole history (checkers/*.ts). */
export type Checker = (ops: readonly Op[]) => CheckerResult;

/** An account the workload needs before its load starts (bank, orders). */
export interface AccountSpec {
  account: string;
  cash: number;
  positions?: Record<string, number>;
}

/**
 * What clients do (Jepsen's workload): a generator of the load phase's ops (endless:
 * the controller bounds it by the time limit and paces it to the rate), the final
 * phase run after healing and recovery (final reads), and the checkers its history
 * needs. How an op is performed belongs to the system under test's adapter
 * (src/sut/<name>/), which implements each workload's ops as documented in its file:
 * the op's `f`, its invocation `value`, what `ok` returns, and which errors are `fail`.
 */
export interface Workload {
  name: string;
  /** created before the load (an adapter's setup); absent: nothing to set up */
  accounts?: readonly AccountSpec[];
  generator(): Generator;
  final?(): Generator;
  checkers: Record<string, Checker>;
}
