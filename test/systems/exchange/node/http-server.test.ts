import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpRequest, type HttpResponse, type HttpServer } from '../../../../systems/exchange/node/http-server.js';

let server: HttpServer | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(null));
  server = null;
});

async function start(handler: (req: HttpRequest, res: HttpResponse) => void, maxBodyBytes = 1000): Promise<number> {
  server = createHttpServer({ maxBodyBytes, keepAliveMs: 5000 }, handler);
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

/** echo: method, url and body, answered after `delay(body)` ms */
const echo =
  (delay: (body: string) => number = () => 0) =>
  (req: HttpRequest, res: HttpResponse): void => {
    const body = req.body.toString('utf8');
    setTimeout(() => res.send(req.tooLarge ? 400 : 200, JSON.stringify({ method: req.method, url: req.url, body, tooLarge: req.tooLarge })), delay(body));
  };

/** writes raw bytes (in pieces, with pauses), collects everything until the server closes or `until` matches */
function rawExchange(port: number, pieces: string[], until?: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve(got);
    }, 2000);
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      got += d;
      if (until?.test(got)) {
        clearTimeout(timer);
        s.destroy();
        resolve(got);
      }
    });
    s.on('end', () => {
      clearTimeout(timer);
      resolve(got);
    });
    s.on('error', reject);
    void (async () => {
      for (const p of pieces) {
        s.write(p, 'latin1');
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
  });
}

const post = (path: string, body: string, extra = ''): string =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('HTTP server', () => {
  it('answers pipelined requests in request order when they complete out of order', async () => {
    const port = await start(echo((b) => (b === 'slow' ? 60 : 0)));
    const text = await rawExchange(port, [post('/a', 'slow') + post('/b', 'fast') + post('/c', 'x')], /"url":"\/c"/);
    const urls = [...text.matchAll(/"url":"(\/\w)"/g)].map((m) => m[1]);
    expect(urls).toEqual(['/a', '/b', '/c']);
    expect(text.match(/HTTP\/1\.1 200 OK/g)?.length).toBe(3);
  });

  it('reassembles heads and bodies split across packets', async () => {
    const port = await start(echo());
    const req = post('/v1/command', '{"clientId":"c","seq":1}');
    const text = await rawExchange(port, [req.slice(0, 7), req.slice(7, 40), req.slice(40, req.length - 5), req.slice(req.length - 5)], /\}$/);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toContain('"body":"{\\"clientId\\":\\"c\\",\\"seq\\":1}"');
  });

  it('serves node:http keep-alive clients, chunked bodies included', async () => {
    const port = await start(echo());
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const request = (body: string, chunked: boolean): Promise<{ status: number; body: any }> =>
      new Promise((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, path: '/p', method: 'POST', agent, headers: chunked ? {} : { 'content-length': Buffer.byteLength(body) } },
          (res) => {
            let t = '';
            res.on('data', (c) => (t += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(t) }));
          },
        );
        req.on('error', reject);
        if (chunked) {
          req.write(body.slice(0, 3));
          req.write(body.slice(3));
          req.end();
        } else req.end(body);
      });
    for (let i = 0; i < 3; i++) {
      expect(await request(`plain ${i} é`, false)).toMatchObject({ status: 200, body: { method: 'POST', url: '/p', body: `plain ${i} é` } });
      expect(await request(`chunked ${i} ü`, true)).toMatchObject({ status: 200, body: { body: `chunked ${i} ü` } });
    }
    agent.destroy();
  });

  it('serves fetch', async () => {
    const port = await start(echo());
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ method: 'GET', url: '/health', body: '' });
    }
    const r = await fetch(`http://127.0.0.1:${port}/q`, { method: 'POST', body: '{"a":1}' });
    expect(await r.json()).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it('flags a body over the limit (Content-Length or chunked) and closes after the answer', async () => {
    const port = await start(echo(), 10);
    const big = await rawExchange(port, [post('/a', 'x'.repeat(50)) + post('/b', 'y')]);
    expect(big).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(big).toMatch(/connection: close/);
    expect(big).toContain('"tooLarge":true');
    expect(big).not.toContain('"url":"/b"');
    const chunked = await rawExchange(port, [`POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n`]);
    expect(chunked).toContain('"tooLarge":true');
  });

  it('answers 400 and closes on a malformed request, after the requests before it', async () => {
    const port = await start(echo());
    const text = await rawExchange(port, [post('/ok', 'a') + 'NONSENSE\r\n\r\n']);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*HTTP\/1\.1 400 Bad Request[\s\S]*malformed request line/);
  });

  it('closes after an HTTP/1.0 request and answers Expect: 100-continue', async () => {
    const port = await start(echo());
    const old = await rawExchange(port, ['GET /old HTTP/1.0\r\n\r\n']);
    expect(old).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*connection: close/);
    const cont = await rawExchange(port, [post('/e', 'body', 'Expect: 100-continue\r\n')], /"url":"\/e"/);
    expect(cont).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
  });

  it('closes idle connections on request, leaves busy ones', async () => {
    let hold: HttpResponse | null = null;
    const port = await start((_req, res) => {
      hold = res;
    });
    const busy = rawExchange(port, [post('/slow', 'x')], /slow-done/);
    const idle = rawExchange(port, []);
    await new Promise((r) => setTimeout(r, 50));
    server?.closeIdleConnections();
    expect(await idle).toBe('');
    (hold as HttpResponse | null)?.send(200, 'slow-done');
    expect(await busy).toMatch(/slow-done$/);
  });
});
