import type { Command, CommandResult, Query, QueryResult, RejectCode } from './commands.js';

export type ApplyOutcome = { ok: true; result: CommandResult } | { ok: false; code: RejectCode; message: string };

/**
 * The replicated state machine. Deterministic: the same sequence of apply() calls
 * gives byte-identical snapshot() output on every node.
 */
export interface StateMachine {
  /** apply a committed command at log index `index` */
  apply(index: number, command: Command): ApplyOutcome;
  query(query: Query): QueryResult;
  snapshot(): Uint8Array;
  restore(data: Uint8Array): void;
}
