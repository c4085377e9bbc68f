import http from 'node:http';
import { requestJson } from '../http.js';
import type { ApiError, Command, Query } from './api.js';

/** How a request ended, in Jepsen's terms; `body` is the node's answer. */
export type Outcome = { type: 'ok'; body: any } | { type: 'fail'; error: string } | { type: 'info'; error: string };

/** a command whose outcome is unknown is tried again while at least this much of its time is left */
const RETRY_MIN_MS = 300;
const RETRY_WAIT_MS = 100;
/** socket errors after which the command may or may not have reached the node: worth retrying, unlike a timeout */
const RETRYABLE = /ECONNREFUSED|ECONNRESET|EPIPE|socket hang up/;

/** definite errors that concern one attempt only, not the command */
const ATTEMPT_REFUSED = new Set(['not-leader', 'overloaded']);

/** one attempt's outcome; `retry`: unknown, and the attempt may be repeated */
type Attempt = Exclude<Outcome, { type: 'info' }> | { type: 'info'; error: string; retry: boolean };

/**
 * A client of the exchange nodes with keep-alive connections and hard per-request
 * timeouts. A definite error is `fail`; a timeout or an indefinite error is `info`.
 * Every request goes to the client's own node first, and a `not-leader` answer is
 * followed once to the leader it names: clients spread over every node, as a
 * deployment's are. When commands went to the last leader anyone had been redirected
 * to, a leader cut off that never stepped down held every worker's command for the
 * whole timeout: the new leader got no writes, and no read could be stale.
 * A command whose attempt ended without an answer it can trust (`leader-lost`, a
 * connection refused or reset) is sent again with the same (clientId, seq) within its
 * time limit, as Raft's clients do (§6.3 of Ongaro's thesis, etcd's client): the
 * node's client sessions apply it once. This is what the planted bug sessions=off
 * needs to show: without sessions, a retried command whose first copy committed is
 * applied twice.
 */
export class NodeClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly timeoutMs: number) {}

  /** Commands and reads go to `url`, the client's own node (a follower redirects to its leader), so every node's view is exercised. */
  async command(url: string, clientId: string, seq: number, command: Command): Promise<Outcome> {
    const deadline = Date.now() + this.timeoutMs;
    let unknown: string | null = null; // an earlier attempt's outcome is unknown: it may still take effect
    for (;;) {
      const r = await this.call(url, '/v1/command', { clientId, seq, command }, true, deadline - Date.now());
      if (r.type === 'ok') return r;
      // after an unknown attempt, "this attempt was refused" (not-leader, overloaded) says nothing of the earlier one
      const refused = r.type === 'fail' && ATTEMPT_REFUSED.has(r.error);
      if (r.type === 'fail' && !(refused && unknown)) return r;
      if (r.type === 'info') unknown = r.error;
      if ((r.type === 'info' && !r.retry) || deadline - Date.now() < RETRY_MIN_MS + RETRY_WAIT_MS) return { type: 'info', error: unknown ?? 'unknown' };
      await new Promise((res) => setTimeout(res, RETRY_WAIT_MS));
    }
  }

  async query(url: string, query: Query): Promise<Outcome> {
    const r = await this.call(url, '/v1/query', { query }, true, this.timeoutMs);
    return r.type === 'info' ? { type: 'info', error: r.error } : r;
  }

  close(): void {
    this.agent.destroy();
  }

  /** one attempt, and one not-leader redirect */
  private async call(url: string, path: string, body: unknown, follow: boolean, timeoutMs: number): Promise<Attempt> {
    let r: { status: number; body: any };
    try {
      r = await requestJson(this.agent, 'POST', `${url}${path}`, body, timeoutMs);
    } catch (err) {
      const error = (err as Error).message;
      return { type: 'info', error, retry: RETRYABLE.test(error) };
    }
    if (r.status === 200 && r.body?.ok) return { type: 'ok', body: r.body };
    const e = r.body?.error as ApiError | undefined;
    if (e?.code === 'not-leader' && follow && e.leader?.url && e.leader.url !== url) return this.call(e.leader.url, path, body, false, timeoutMs);
    if (e?.definite === true) return { type: 'fail', error: e.code };
    return { type: 'info', error: e?.code ?? `http ${r.status}`, retry: e?.code === 'leader-lost' };
  }
}
