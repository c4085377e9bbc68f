import http from 'node:http';
import type { Command, Query } from '../exchange/commands.js';
import type { Replica, Reply } from '../replica/replica.js';
import type { NodeMetrics } from './metrics.js';
import type { NodeOptions } from './options.js';
import type { ApiError, Health } from './protocol.js';

const MAX_BODY = 1 << 20;

/**
 * The client API (src/node/protocol.ts). Followers do not proxy: they answer
 * `not-leader` (definite) with the leader's id and URL, and clients retry there;
 * with read-mode=local every node answers queries itself.
 */
export function createHttpApi(opts: NodeOptions, replica: Replica, metrics: NodeMetrics): http.Server {
  let pending = 0;
  const leaderHint = (error: ApiError): ApiError => {
    if (error.code !== 'not-leader' || !error.leader) return error;
    const m = opts.members.find((x) => x.id === error.leader?.id);
    return m ? { ...error, leader: { id: m.id, url: `http://${m.host}:${m.clientPort}` } } : error;
  };
  const reply = (res: http.ServerResponse, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const fail = (res: http.ServerResponse, error: ApiError): void =>
    reply(res, error.code === 'not-leader' ? 421 : error.definite ? 409 : 504, { ok: false, error: leaderHint(error), node: opts.id });

  const serve = async (req: http.IncomingMessage, res: http.ServerResponse, body: unknown): Promise<void> => {
    if (req.url === '/v1/command') {
      const b = body as { clientId?: unknown; seq?: unknown; command?: Command };
      if (typeof b?.clientId !== 'string' || !Number.isInteger(b.seq) || typeof b.command?.type !== 'string') {
        return fail(res, { code: 'bad-request', definite: true, message: 'expected {clientId: string, seq: integer, command: {type, ...}}' });
      }
      return answer(res, replica.command(b.clientId, b.seq as number, b.command), 'command');
    }
    if (req.url === '/v1/query') {
      const q = (body as { query?: Query })?.query;
      if (typeof q?.type !== 'string') return fail(res, { code: 'bad-request', definite: true, message: 'expected {query: {type, ...}}' });
      return answer(res, replica.query(q), 'query');
    }
    reply(res, 404, { ok: false, error: { code: 'bad-request', definite: true, message: `no route ${req.method} ${req.url}` }, node: opts.id });
  };

  const answer = async (res: http.ServerResponse, work: Promise<Reply<unknown>>, kind: string): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Reply<unknown>>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, error: { code: 'timeout', definite: false, message: `${kind} not answered within ${opts.requestTimeoutMs} ms` } }),
        opts.requestTimeoutMs,
      );
    });
    const r = await Promise.race([work, timeout]);
    clearTimeout(timer);
    if (r.ok) reply(res, 200, { ok: true, result: r.result, ...(r.index !== undefined ? { index: r.index } : {}), node: opts.id });
    else fail(res, r.error);
  };

  return http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      const health: Health = {
        id: opts.id,
        role: replica.raft.role,
        term: replica.raft.term,
        leader: replica.raft.leader,
        commitIndex: replica.raft.commitIndex,
        appliedIndex: replica.appliedIndex,
        now: Date.now(),
        options: { 'read-mode': opts.modes.readMode, ack: opts.modes.ack, persist: opts.modes.persist },
      };
      return reply(res, 200, health);
    }
    if (req.method === 'GET' && req.url === '/metrics') {
      const text = metrics.render();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(text);
    }
    if (req.method !== 'POST') return reply(res, 405, { ok: false, error: { code: 'bad-request', definite: true, message: 'use POST' }, node: opts.id });
    if (pending >= opts.maxPendingRequests) return fail(res, { code: 'overloaded', definite: true, message: 'too many requests in flight' });
    pending++;
    res.once('close', () => pending--);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return fail(res, { code: 'bad-request', definite: true, message: 'body is not JSON' });
      }
      serve(req, res, body).catch((err: unknown) => fail(res, { code: 'internal', definite: false, message: String(err) }));
    });
  });
}
