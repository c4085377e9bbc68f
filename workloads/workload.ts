import type { CheckerResult } from '../checkers/types.js';
import type { NodeClient, Outcome } from '../src/controller/client.js';
import type { Op } from '../src/history/types.js';
import type { GenOp, Generator } from './generator.js';

/** An operation a generator asks a client to perform. */
export type Invocation = Pick<GenOp, 'f' | 'value'>;

export interface WorkloadContext {
  client: NodeClient;
  /** the node this client talks to first */
  url: string;
  clientId: string;
  seq: number;
}

/** How an invocation ended: the outcome, and the value to record on completion. */
export interface Completion {
  outcome: Outcome;
  value: unknown;
}

/** A pure check of a whole history (checkers/*.ts). */
export type Checker = (ops: readonly Op[]) => CheckerResult;

/**
 * What clients do (Jepsen's workload): a generator of the load phase's ops (endless:
 * the controller bounds it by the time limit and paces it to the rate), the final
 * phase run after healing and recovery (final reads), how one op is performed
 * against the exchange nodes, and the checkers its history needs.
 */
export interface Workload {
  name: string;
  setup?(client: NodeClient, url: string): Promise<void>;
  generator(): Generator;
  final?(): Generator;
  invoke(ctx: WorkloadContext, op: Invocation): Promise<Completion>;
  checkers: Record<string, Checker>;
}
