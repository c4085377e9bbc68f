import type { GatewayError } from './api.js';

/** An op that did not succeed, in Jepsen's terms: `fail` it certainly did not take effect, `info` it may have. */
export interface Failure {
  type: 'fail' | 'info';
  error: string;
}

/**
 * Sorting etcd 3.4's errors into `fail` and `info`. The rule: `fail` only when the
 * request provably never entered the Raft log (or never reached etcd at all);
 * whatever we cannot prove is `info`, because a `fail` that did happen makes the
 * checker wrong, while an `info` that did not only makes it work harder.
 *
 * Where each error comes from (etcdserver/v3_server.go, processInternalRaftRequestOnce,
 * and the raft node's Propose; the same reading as Jepsen's etcd client):
 * - before the proposal: `too many requests` (commit index too far ahead of applied),
 *   `request is too large`, every InvalidArgument (the request failed validation:
 *   duplicate key in a txn, too many ops, no key), and the space quota (`database
 *   space exceeded`, checked before the request; with the alarm raised the applier
 *   rejects puts) → definite.
 * - `raft proposal dropped`: the member's own Raft refused the entry (a candidate,
 *   a follower that knows no leader, a leader handing over), so it is in no log →
 *   definite. A follower that knows a leader forwards the proposal and returns, so
 *   this error never follows a forward.
 * - after the proposal was handed to Raft: `request timed out` (and its variants
 *   "possibly due to previous leader failure / connection lost"), `server stopped`,
 *   `context deadline exceeded`: the entry may still commit → indefinite. So are
 *   `leader changed` (3.4 returns it from the ReadIndex loop; Jepsen treats it as
 *   indefinite) and anything this table does not know.
 * - the client side: a connection that never came up (ECONNREFUSED, or the deadline
 *   passing while still connecting to a killed or cut-off member) carried no byte
 *   of the request → definite; a deadline or reset on an open connection → indefinite.
 *
 * etcd's own robustness tests are stricter still: they take every failed write as
 * indeterminate and settle it afterwards from what the cluster persisted. Through
 * the gateway we cannot read the log, so a failure we cannot prove stays `info`.
 *
 * Reads change nothing, so a read that did not answer is always `fail`, whatever the
 * error (Jepsen does the same for idempotent ops): recording it `info` would only
 * give the checker an op with no result to place.
 */
const DEFINITE_MESSAGES = [
  'etcdserver: too many requests',
  'etcdserver: request is too large',
  'etcdserver: mvcc: database space exceeded',
  'etcdserver: no space',
  'raft proposal dropped',
];

/** gRPC's InvalidArgument: the request was refused by validation, before any proposal */
const GRPC_INVALID_ARGUMENT = 3;

/** short, stable error names for the history (the gateway's message without its prefix) */
export function errorName(message: string): string {
  return message
    .replace(/^etcdserver: /, '')
    .replace(/^mvcc: /, '')
    .replace(/[^\w]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/** A non-200 answer of the gateway. `mutates`: the request may change state (a put or a txn with puts). */
export function classifyGatewayError(status: number, body: GatewayError | null, mutates: boolean): Failure {
  const message = body?.error ?? body?.message ?? '';
  const error = message ? errorName(message) : `http-${status}`;
  if (!mutates) return { type: 'fail', error };
  const definite = body?.code === GRPC_INVALID_ARGUMENT || DEFINITE_MESSAGES.includes(message);
  return { type: definite ? 'fail' : 'info', error };
}

/** A request that got no answer (src/sut/http.ts RequestError: `connected` false → nothing was sent). */
export function classifyTransportError(err: { message: string; code?: string; connected?: boolean }, mutates: boolean): Failure {
  const error = err.message === 'timeout' ? 'timeout' : (err.code ?? err.message).toLowerCase();
  if (!mutates || err.connected === false) return { type: 'fail', error: err.connected === false && error === 'timeout' ? 'connect-timeout' : error };
  return { type: 'info', error };
}
