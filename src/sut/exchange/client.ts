import http from 'node:http';
import { requestJson } from '../http.js';
import type { ApiError, Command, Query } from './api.js';

/** How a request ended, in Jepsen's terms; `body` is the node's answer. */
export type Outcome = { type: 'ok'; body: any } | { type: 'fail'; error: string } | { type: 'info'; error: string };

/**
 * A client of the exchange nodes with keep-alive connections and hard per-request
 * timeouts. A definite error is `fail`; a timeout or an indefinite error is `info`.
 * `not-leader` is followed once to the hinted leader, and commands then go to it first.
 */
export class NodeClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  /** where the last not-leader redirect pointed: commands go there first */
  private leaderUrl: string | null = null;

  constructor(private readonly timeoutMs: number) {}

  /** Commands go to the last known leader (else `url`); reads go to `url`, so follower reads are exercised. */
  command(url: string, clientId: string, seq: number, command: Command): Promise<Outcome> {
    return this.call(this.leaderUrl ?? url, '/v1/command', { clientId, seq, command }, true);
  }

  query(url: string, query: Query): Promise<Outcome> {
    return this.call(url, '/v1/query', { query }, true);
  }

  close(): void {
    this.agent.destroy();
  }

  private async call(url: string, path: string, body: unknown, follow: boolean): Promise<Outcome> {
    let r: { status: number; body: any };
    try {
      r = await requestJson(this.agent, 'POST', `${url}${path}`, body, this.timeoutMs);
    } catch (err) {
      return { type: 'info', error: (err as Error).message };
    }
    if (r.status === 200 && r.body?.ok) return { type: 'ok', body: r.body };
    const e = r.body?.error as ApiError | undefined;
    if (e?.code === 'not-leader') this.leaderUrl = e.leader?.url ?? null;
    if (e?.code === 'not-leader' && follow && e.leader?.url && e.leader.url !== url) return this.call(e.leader.url, path, body, false);
    if (e?.definite === true) return { type: 'fail', error: e.code };
    return { type: 'info', error: e?.code ?? `http ${r.status}` };
  }
}
