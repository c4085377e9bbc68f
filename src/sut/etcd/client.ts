import http from 'node:http';
import { RequestError, requestJson } from '../http.js';
import type { GatewayError, RangeRequest, RangeResponse, TxnRequest, TxnResponse } from './api.js';
import { classifyGatewayError, classifyTransportError, type Failure } from './errors.js';

/** A gateway call's result: the response body, or how it failed. */
export type Reply<T> = { ok: true; body: T } | ({ ok: false } & Failure);

/**
 * A client of etcd's v3 JSON gateway: keep-alive connections, a hard deadline per
 * request, and every failure sorted into `fail` / `info` (errors.ts). Requests go to
 * the member given: etcd forwards proposals to its leader itself, and a linearizable
 * read on a follower asks the leader for a read index, so there is no redirect to follow.
 */
export class EtcdClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly timeoutMs: number) {}

  range(url: string, req: RangeRequest): Promise<Reply<RangeResponse>> {
    return this.call<RangeResponse>(url, '/v3/kv/range', req, false);
  }

  /** a txn; `mutates`: whether any branch puts (a read-only txn's errors are all `fail`) */
  txn(url: string, req: TxnRequest, mutates = true): Promise<Reply<TxnResponse>> {
    return this.call<TxnResponse>(url, '/v3/kv/txn', req, mutates);
  }

  put(url: string, key: string, value: string): Promise<Reply<unknown>> {
    return this.call(url, '/v3/kv/put', { key, value }, true);
  }

  /** any other gateway call (status, member list), as a read */
  post<T>(url: string, path: string, body: unknown, timeoutMs = this.timeoutMs): Promise<Reply<T>> {
    return this.call<T>(url, path, body, false, timeoutMs);
  }

  close(): void {
    this.agent.destroy();
  }

  private async call<T>(url: string, path: string, body: unknown, mutates: boolean, timeoutMs = this.timeoutMs): Promise<Reply<T>> {
    try {
      const r = await requestJson(this.agent, 'POST', `${url}${path}`, body, timeoutMs);
      if (r.status === 200 && r.body !== null && typeof r.body === 'object') return { ok: true, body: r.body as T };
      if (r.status === 200) return { ok: false, ...classifyGatewayError(r.status, { error: 'unreadable response' }, mutates) };
      return { ok: false, ...classifyGatewayError(r.status, r.body as GatewayError | null, mutates) };
    } catch (err) {
      const e = err instanceof RequestError ? err : { message: (err as Error).message };
      return { ok: false, ...classifyTransportError(e, mutates) };
    }
  }
}
