import http from 'node:http';

export interface JsonResponse {
  status: number;
  /** the parsed body, or null when it was not JSON */
  body: any;
}

/**
 * A request that got no response: the deadline (`message` 'timeout') or a socket
 * error (`code`, e.g. ECONNREFUSED). `connected` says whether the TCP connection was
 * ever up: when it was not, no byte of the request reached the server, so the
 * request certainly had no effect (an adapter may record such a write as `fail`).
 */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly connected: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RequestError';
  }
}

/**
 * JSON over HTTP/1.1 with a hard deadline. The deadline is an AbortController with
 * setTimeout: under packet loss AbortSignal.timeout() let requests hang for minutes
 * (design.md §2). Rejects with a RequestError: message 'timeout' at the deadline, or
 * the socket error's message and code.
 */
export function requestJson(agent: http.Agent | undefined, method: 'GET' | 'POST', url: string, body: unknown, timeoutMs: number): Promise<JsonResponse> {
  const data = body === undefined ? '' : JSON.stringify(body);
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(new Error('timeout')), timeoutMs);
    // a kept-alive socket is connected already; a new one once its 'connect' fires
    let connected = false;
    const fail = (err: Error & { code?: string }): void => {
      clearTimeout(timer);
      reject(ctl.signal.aborted ? new RequestError('timeout', 'ETIMEDOUT', connected) : new RequestError(err.message, err.code, connected, { cause: err }));
    };
    const headers: Record<string, string | number> = data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {};
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, agent, signal: ctl.signal, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        clearTimeout(timer);
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
      res.on('error', fail);
    });
    req.on('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    req.on('error', fail);
    req.end(data);
  });
}

/** GET a JSON document; null on any failure (a node that does not answer in time is "no answer", not an error). */
export async function getJson<T>(url: string, timeoutMs: number): Promise<T | null> {
  try {
    const r = await requestJson(undefined, 'GET', url, undefined, timeoutMs);
    return r.status === 200 ? (r.body as T) : null;
  } catch {
    return null;
  }
}
