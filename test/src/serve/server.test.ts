import { rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServeOptions } from '../../../src/serve/options.js';
import { type RunningServer, ServeListenError, startServer } from '../../../src/serve/server.js';
import { UsageError } from '../../../src/util/errors.js';
import { fakeStore, liveStatus } from './fake-store.js';

const { store } = fakeStore();
let srv: RunningServer;
beforeAll(async () => {
  srv = await startServer(resolveServeOptions({ store, port: 0 }));
});
afterAll(async () => {
  await srv.close();
  rmSync(path.dirname(store), { recursive: true, force: true });
});

/** A raw request, so the path reaches the server exactly as written (fetch would normalize `..`). */
function get(target: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  const u = new URL(srv.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path: target, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('faultline serve', () => {
  it('binds to 127.0.0.1 by default', () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the index: runs and campaigns newest first, coloured by verdict, filtered by the query', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/html; charset=utf-8');
    const order = ['nightly', 'bank-kill', 'set-none', 'register-partition', 'register-all'].map((t) => r.body.indexOf(`>${t}</a>`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(r.body).toContain('<tr class="r-invalid"');
    expect(r.body).toContain('<tr class="r-incomplete"');
    expect(r.body).toContain('<tr class="r-live"');
    expect(r.body).not.toContain('>latest</a>');
    const invalid = await get('/?verdict=invalid&kind=run');
    expect(invalid.body.match(/<tr class="r-/g)).toHaveLength(1);
    expect(invalid.body).toContain('>register-partition</a>');
  });

  it('a run directory is its page, a campaign\u2019s its page, a run in progress its live page; ?files lists the directory', async () => {
    const run = await get('/register-partition/2025-01-02T100000/');
    expect(run.body).toContain('<h1 class="big">register-partition <span class="badge v-invalid">invalid</span></h1>');
    expect(run.body).toContain('<pre class="log">n1 log\n</pre>');
    expect((await get('/register-partition/latest/')).body).toContain('<h1 class="big">register-partition'); // through the latest link
    expect((await get('/nightly/2025-01-05T100000/')).body).toContain('<h1 class="big">campaign nightly');
    expect((await get('/bank-kill/2025-01-04T100000/')).body).toContain('new EventSource("/-/events/bank-kill/2025-01-04T100000")');
    const files = await get('/register-partition/2025-01-02T100000/?files');
    expect(files.body).toContain('<h1>/register-partition/2025-01-02T100000/</h1>');
  });

  it('follows a run\u2019s status through server-sent events, and ends the stream when the run ends', async () => {
    const dir = path.join(store, 'bank-kill', '2025-01-04T100000');
    const u = new URL(srv.url);
    const events: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, path: '/-/events/bank-kill/2025-01-04T100000' }, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          events.push(d);
          if (events.length === 1)
            setTimeout(() => writeFileSync(path.join(dir, 'status.json'), JSON.stringify(liveStatus({ phase: 'load', elapsedS: 13.5 }))), 300);
          if (events.join('').includes('"elapsedS":13.5') && !events.join('').includes('event: end'))
            writeFileSync(path.join(dir, 'status.json'), JSON.stringify(liveStatus({ phase: 'done', valid: true })));
        });
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
    await done;
    const stream = events.join('');
    expect(stream).toMatch(/^retry: 2000\n\nevent: status\ndata: \{"version":1/);
    expect(stream).toContain('"elapsedS":13.5');
    expect(stream).toMatch(/event: end\ndata: \{[^\n]*"phase":"done"/);
    expect((await get('/-/events/register-all/nope')).status).toBe(404);
    expect((await get('/-/events/../x')).status).toBe(404);
  });

  it('refuses a Host header that is not a name of this server (DNS rebinding), and accepts IP literals and localhost', async () => {
    const port = new URL(srv.url).port;
    const evil = await get('/', 'GET', { Host: `attacker.example:${port}` });
    expect(evil.status).toBe(403);
    expect(evil.body).toContain('DNS rebinding');
    expect((await get('/register-all/2025-01-01T100000/results.json', 'GET', { Host: 'rebind.attacker.example' })).status).toBe(403);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, 'LOCALHOST', `[::1]:${port}`])
      expect((await get('/', 'GET', { Host: host })).status, host).toBe(200);
  });

  it('serves a run file with its content type, also through a latest link inside the store', async () => {
    const h = await get('/register-all/2025-01-01T100000/history.jsonl');
    expect(h.status).toBe(200);
    expect(h.type).toBe('text/plain; charset=utf-8');
    expect(h.body).toContain('"f":"read"');
    expect((await get('/register-all/2025-01-01T100000/latency.svg')).type).toBe('image/svg+xml');
    expect((await get('/register-partition/latest/nodes/n2/node.log')).body).toBe('n2 log\n');
    expect((await get('/register-all/2025-01-01T100000/results.json')).type).toBe('application/json; charset=utf-8');
  });

  it('lists directories (a run\u2019s nodes/)', async () => {
    const r = await get('/register-partition/2025-01-02T100000/nodes/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('href="/register-partition/2025-01-02T100000/nodes/n1/"');
  });

  it('refuses traversal and symlinks leading out of the store', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/register-all/..%2f..%2fsecret.txt']) expect((await get(p)).status).toBe(403);
    const link = await get('/register-all/2025-01-01T100000/escape.txt');
    expect(link.status).toBe(403);
    expect(link.body).not.toContain('not yours');
    expect((await get('/register-all/up/secret.txt')).status).toBe(403);
    expect((await get('/register-all/')).body).not.toContain('>up/<');
  });

  it('404 for what is not there, 405 for anything but GET and HEAD', async () => {
    expect((await get('/nope/x.json')).status).toBe(404);
    expect((await get('/', 'POST')).status).toBe(405);
    const head = await get('/register-all/2025-01-01T100000/history.jsonl', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('options: a missing store and a bad port are usage errors; a busy port is reported', async () => {
    expect(() => resolveServeOptions({ store: path.join(store, 'nope') })).toThrow(UsageError);
    expect(() => resolveServeOptions({ store, port: 70000 })).toThrow(UsageError);
    expect(resolveServeOptions({ store, allowHost: ['faultline.lan,ci.lan', 'x'] }).allowHosts).toEqual(['faultline.lan', 'ci.lan', 'x']);
    // --host: an IP address (IPv6 in brackets too) or a host name; anything else is bad usage
    expect(resolveServeOptions({ store, host: '[::1]', port: 0 }).host).toBe('::1');
    expect(resolveServeOptions({ store, host: 'localhost', port: '8080' })).toMatchObject({ host: 'localhost', port: 8080 });
    for (const host of ['999.1.1.1', 'not a host', 'a..b', '[localhost]', '-x'])
      expect(() => resolveServeOptions({ store, host })).toThrow(/--host must be an IP address or a host name/);
    expect(() => resolveServeOptions({ store, port: 'eighty' })).toThrow(/got "eighty"/);
    const port = Number(new URL(srv.url).port);
    await expect(startServer({ store, host: '127.0.0.1', port, allowHosts: [] })).rejects.toThrow(ServeListenError);
  });
});
