import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestError, requestJson } from '../../../src/sut/http.js';

/** requestJson against real loopback sockets: what a caller learns when a request gets no answer. */
describe('requestJson', () => {
  let server: http.Server;
  let silent: net.Server;
  let url = '';
  let silentUrl = '';
  const held: net.Socket[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => res.end(JSON.stringify({ echo: JSON.parse(body || 'null') })));
    });
    // accepts connections and never answers: a member that is paused or cut off after connecting
    silent = net.createServer((s) => held.push(s));
    await Promise.all([new Promise<void>((r) => server.listen(0, '127.0.0.1', r)), new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))]);
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    silentUrl = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => silent.close(r))]);
  });

  it('answers the status and the parsed body', async () => {
    expect(await requestJson(undefined, 'POST', `${url}/x`, { a: 1 }, 2000)).toEqual({ status: 200, body: { echo: { a: 1 } } });
  });

  it('a refused connection rejects with its code and connected=false: nothing was sent', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const err = await requestJson(undefined, 'POST', `http://127.0.0.1:${port}/x`, {}, 2000).catch((e) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED', connected: false });
  });

  it('the deadline on an open connection rejects with message timeout and connected=true: the request may have arrived', async () => {
    const t = Date.now();
    const err = await requestJson(undefined, 'POST', `${silentUrl}/x`, {}, 300).catch((e) => e);
    expect(err).toMatchObject({ message: 'timeout', connected: true });
    expect(Date.now() - t).toBeLessThan(5000);
  });

  it('a request on a reused kept-alive socket counts as connected', async () => {
    // answers the first request on a connection, holds every later one
    let connections = 0;
    let requests = 0;
    const once = http.createServer((_req, res) => {
      if (++requests === 1) res.end('{}');
    });
    once.on('connection', () => connections++);
    await new Promise<void>((r) => once.listen(0, '127.0.0.1', r));
    const onceUrl = `http://127.0.0.1:${(once.address() as net.AddressInfo).port}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await requestJson(agent, 'POST', `${onceUrl}/a`, {}, 2000)).status).toBe(200);
      const err = await requestJson(agent, 'POST', `${onceUrl}/b`, {}, 300).catch((e) => e);
      expect(err).toMatchObject({ message: 'timeout', connected: true });
      expect([connections, requests]).toEqual([1, 2]); // the second request really went over the first socket
    } finally {
      agent.destroy();
      once.closeAllConnections();
      await new Promise((r) => once.close(r));
    }
  });
});
