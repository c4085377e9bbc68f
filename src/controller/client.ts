import http from 'node:http';
import type { Command, Query } from '../exchange/commands.js';

/** How an operation ended, in Jepsen's terms. */
export type Outcome = { type: 'ok'; body: any } | { type: 'fail'; error: string } | { type: 'info'; error: string };

/**
 * A client of the exchange nodes with keep-alive connections and hard per-request
 * timeouts (AbortController + setTimeout, which holds under packet loss where
 * AbortSignal.timeout did not). A definite error is `fail`; a timeout or an
 * indefinite error is `info`. `not-leader` is followed once to the hinted leader.
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
      r = await this.post(`${url}${path}`, body);
    } catch (err) {
      return { type: 'info', error: (err as Error).message };
    }
    if (r.status === 200 && r.body?.ok) return { type: 'ok', body: r.body };
    const e = r.body?.error;
    if (e?.code === 'not-leader' && e.leader?.url) this.leaderUrl = e.leader.url;
    else if (e?.code === 'not-leader') this.leaderUrl = null;
    if (e?.code === 'not-leader' && follow && e.leader?.url && e.leader.url !== url) return this.call(e.leader.url, path, body, false);
    if (e?.definite === true) return { type: 'fail', error: e.code };
    return { type: 'info', error: e?.code ?? `http ${r.status}` };
  }

  private post(url: string, body: unknown): Promise<{ status: number; body: any }> {
    const data = JSON.stringify(body);
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(new Error('timeout')), this.timeoutMs);
      const req = http.request(
        { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent: this.agent, signal: ctl.signal, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => {
            clearTimeout(timer);
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
            } catch {
              resolve({ status: res.statusCode ?? 0, body: null });
            }
          });
          res.on('error', (err) => {
            clearTimeout(timer);
            reject(err);
          });
        },
      );
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(ctl.signal.aborted ? new Error('timeout') : err);
      });
      req.end(data);
    });
  }
}
