/**
 * The node's HTTP/JSON client API (contract between node, workloads and tools).
 *
 *   POST /v1/command  body CommandRequest  -> 200 CommandResponse | error envelope
 *   POST /v1/query    body QueryRequest    -> 200 QueryResponse   | error envelope
 *   GET  /health      -> Health
 *   GET  /v1/digest   -> { appliedIndex, digest }: sha256 of the state machine's snapshot as of appliedIndex
 *   GET  /v1/checkpoints -> { checkpoints: [index, head][] }: the applied-entry hash chain's head at
 *                        every 100th index applied since the process started (replica/applied-chain.ts)
 *   GET  /metrics     -> Prometheus text format
 *
 * Error envelope (any non-200): { ok: false, error: ApiError }.
 * `definite: true` means the command certainly did not and will not take effect
 * (clients record `fail`); `definite: false` means the outcome is unknown
 * (clients record `info`).
 */
import type { Command, CommandResult, Query, QueryResult, RejectCode } from './machine/commands.js';

export interface CommandRequest {
  /** client session: a retried (clientId, seq) is applied at most once */
  clientId: string;
  seq: number;
  command: Command;
}

export interface QueryRequest {
  query: Query;
}

export interface CommandResponse {
  ok: true;
  result: CommandResult;
  /** log index at which it was applied (absent under ack=before-commit) */
  index?: number;
  node: string;
}

export interface QueryResponse {
  ok: true;
  result: QueryResult;
  node: string;
}

export type ApiErrorCode =
  | RejectCode
  | 'not-leader' // definite; `leader` holds the leader's id/address when known
  | 'no-quorum' // definite only if the command never entered the log
  | 'timeout' // indefinite
  | 'leader-lost' // indefinite: leadership lost while the command was in flight
  | 'overloaded' // definite: bounded queue full, never entered the log
  | 'bad-request' // definite
  | 'internal'; // indefinite

export interface ApiError {
  code: ApiErrorCode;
  definite: boolean;
  message: string;
  /** leader hint for redirects: node id and client URL when known */
  leader?: { id: string; url?: string };
}

export interface ErrorResponse {
  ok: false;
  error: ApiError;
  node: string;
}

export interface Health {
  id: string;
  role: 'leader' | 'follower' | 'candidate' | 'pre-candidate';
  term: number;
  leader: string | null;
  commitIndex: number;
  appliedIndex: number;
  /** the node's wall clock (Date.now(), as libfaketime skews it): lets a nemesis measure applied skew */
  now: number;
  /** node options in force, e.g. read-mode, ack, persist */
  options: Record<string, string>;
}

/** of several nodes' health, the one that says it leads in the highest term (null: none leads) */
export function leaderOf(hs: readonly (Health | null)[]): Health | null {
  let best: Health | null = null;
  for (const h of hs) if (h?.role === 'leader' && (!best || h.term > best.term)) best = h;
  return best;
}
