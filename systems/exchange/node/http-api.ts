import type { Command, Query } from '../machine/commands.js';
import type { ApiError, Health } from '../protocol.js';
import type { Replica, Reply } from '../replica/replica.js';
import { DeadlineQueue } from './deadlines.js';
import { createHttpServer, type HttpRequest, type HttpResponse, type HttpServer } from './http-server.js';
import type { NodeMetrics } from './metrics.js';
import { modeFlags, type NodeOptions } from './options.js';

/** HTTP status per error: the body's `code` and `definite` are what clients act on. */
function statusOf(error: ApiError): number {
  if (error.code === 'not-leader') return 421; // Misdirected Request
  if (error.code === 'bad-request') return 400;
  if (error.code === 'overloaded') return 503;
  return error.definite ? 409 : 504;
}

/**
 * The client API (systems/exchange/protocol.ts). Followers do not proxy: they answer
 * `not-leader` (definite: nothing was proposed) with the leader's id and URL,
 * and clients retry there — one hop fewer than proxying, and a client learns
 * where to send the next request. With read-mode=local every node answers
 * queries itself. A request not answered within requestTimeoutMs is answered
 * `timeout` (definite: false — it may still commit); more than maxPendingRequests
 * in flight are answered `overloaded` (definite: never proposed).
 */
export function createHttpApi(opts: NodeOptions, replica: Replica, metrics: NodeMetrics): HttpServer {
  const nodeJson = JSON.stringify(opts.id);
  const urls = new Map(opts.members.map((m) => [m.id, `http://${m.host}:${m.clientPort}`]));
  const leaderHint = (error: ApiError): ApiError => {
    if (error.code !== 'not-leader' || !error.leader) return error;
    const url = urls.get(error.leader.id);
    return url ? { ...error, leader: { id: error.leader.id, url } } : error;
  };
  const reply = (res: HttpResponse, status: number, text: string): void => {
    if (!res.sent) res.send(status, text);
  };
  const fail = (res: HttpResponse, error: ApiError): void => {
    metrics.errors(error.code);
    reply(res, statusOf(error), JSON.stringify({ ok: false, error: leaderHint(error), node: opts.id }));
  };
  const deadlines = new DeadlineQueue<HttpResponse>(opts.requestTimeoutMs, (res) =>
    fail(res, { code: 'timeout', definite: false, message: `not answered within ${opts.requestTimeoutMs} ms` }),
  );

  const answer = (res: HttpResponse, work: Promise<Reply<unknown>>): void => {
    const slot = deadlines.add(res);
    work.then(
      (r) => {
        if (!deadlines.settle(slot)) return; // already answered `timeout`
        if (r.ok) reply(res, 200, `{"ok":true,"result":${JSON.stringify(r.result)}${r.index !== undefined ? `,"index":${r.index}` : ''},"node":${nodeJson}}`);
        else fail(res, r.error);
      },
      (err: unknown) => {
        if (deadlines.settle(slot)) fail(res, { code: 'internal', definite: false, message: String(err) });
      },
    );
  };

  const serve = (req: HttpRequest, res: HttpResponse, body: unknown, raw?: string): void => {
    if (req.url === '/v1/command') {
      const b = body as { clientId?: unknown; seq?: unknown; command?: Command } | null;
      if (typeof b?.clientId !== 'string' || !Number.isSafeInteger(b.seq) || typeof b.command?.type !== 'string') {
        return fail(res, { code: 'bad-request', definite: true, message: 'expected {clientId: string, seq: integer, command: {type, ...}}' });
      }
      // a body of exactly these three fields is the entry's data as it is (no second encoding)
      const exact = raw !== undefined && Object.keys(b).length === 3;
      return answer(res, replica.command(b.clientId, b.seq as number, b.command, exact ? raw : undefined));
    }
    if (req.url === '/v1/query') {
      const q = (body as { query?: Query } | null)?.query;
      if (typeof q?.type !== 'string') return fail(res, { code: 'bad-request', definite: true, message: 'expected {query: {type, ...}}' });
      return answer(res, replica.query(q));
    }
    fail(res, { code: 'bad-request', definite: true, message: `no route ${req.method} ${req.url}` });
  };

  const health = (): Health => ({
    id: opts.id,
    role: replica.raft.role,
    term: replica.raft.term,
    leader: replica.raft.leader,
    commitIndex: replica.raft.commitIndex,
    appliedIndex: replica.appliedIndex,
    now: Date.now(),
    options: modeFlags(opts.modes),
  });

  // keep-alive: clients keep pools of connections open between bursts
  const server = createHttpServer({ maxBodyBytes: opts.maxBodyBytes, keepAliveMs: 30_000 }, (req, res) => {
    if (req.method === 'GET' && req.url === '/health') return reply(res, 200, JSON.stringify(health()));
    if (req.method === 'GET' && req.url === '/v1/digest') return reply(res, 200, JSON.stringify(replica.digest()));
    if (req.method === 'GET' && req.url === '/v1/checkpoints') return reply(res, 200, JSON.stringify({ checkpoints: replica.chain.checkpoints() }));
    if (req.method === 'GET' && req.url === '/metrics') return res.send(200, metrics.render(deadlines.size), 'text/plain; version=0.0.4');
    if (req.method !== 'POST') return fail(res, { code: 'bad-request', definite: true, message: `no route ${req.method} ${req.url}` });
    // the rest of an oversized body is not worth reading: the server closes the connection after this answer
    if (req.tooLarge) return fail(res, { code: 'bad-request', definite: true, message: `body exceeds ${opts.maxBodyBytes} bytes` });
    if (deadlines.size >= opts.maxPendingRequests) {
      return fail(res, { code: 'overloaded', definite: true, message: `${deadlines.size} requests in flight` });
    }
    let body: unknown;
    const text = req.body.toString('utf8');
    try {
      body = JSON.parse(text);
    } catch {
      return fail(res, { code: 'bad-request', definite: true, message: 'body is not JSON' });
    }
    try {
      serve(req, res, body, text);
    } catch (err) {
      // a throw before the command entered the log: nothing was proposed
      fail(res, { code: 'bad-request', definite: true, message: `rejected: ${(err as Error)?.message ?? String(err)}` });
    }
  });
  server.on('close', () => deadlines.close());
  return server;
}
