import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeClient } from '../../../../src/sut/exchange/client.js';

type Answer = { status: number; body: unknown } | 'hang';

/** A stand-in node on loopback answering commands from a script; records each request body. */
async function node(script: Answer[]): Promise<{ url: string; seen: { clientId: string; seq: number }[]; close: () => void }> {
  const seen: { clientId: string; seq: number }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push(JSON.parse(body));
      const a = script[Math.min(seen.length - 1, script.length - 1)];
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => server.closeAllConnections() || server.close() };
}

const lost = { status: 503, body: { ok: false, error: { code: 'leader-lost', definite: false, message: 'x' } } };
const notLeader = { status: 421, body: { ok: false, error: { code: 'not-leader', definite: true, message: 'x' } } };
const ok = { status: 200, body: { ok: true, result: { type: 'kv.write' } } };
const precondition = { status: 409, body: { ok: false, error: { code: 'precondition-failed', definite: true, message: 'x' } } };

let closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers) c();
  closers = [];
});

describe('NodeClient.command retries', () => {
  it('sends a command whose outcome is unknown (leader-lost) again, with the same clientId and seq', async () => {
    const n = await node([lost, ok]);
    closers.push(n.close);
    const client = new NodeClient(2000);
    const r = await client.command(n.url, 'p3', 7, { type: 'kv.write', key: 'k', value: 1 });
    client.close();
    expect(r.type).toBe('ok');
    expect(n.seen.map((s) => [s.clientId, s.seq])).toEqual([
      ['p3', 7],
      ['p3', 7],
    ]);
  });

  it('a refusal of a retry (not-leader) says nothing of the earlier unknown attempt: the op stays unknown', async () => {
    const n = await node([lost, notLeader]);
    closers.push(n.close);
    const client = new NodeClient(800);
    const r = await client.command(n.url, 'p1', 1, { type: 'kv.write', key: 'k', value: 1 });
    client.close();
    expect(r).toEqual({ type: 'info', error: 'leader-lost' });
    expect(n.seen.length).toBeGreaterThan(1);
  });

  it("the state machine's own definite answer to a retry is the outcome (sessions answer it once)", async () => {
    const n = await node([lost, precondition]);
    closers.push(n.close);
    const client = new NodeClient(2000);
    const r = await client.command(n.url, 'p1', 2, { type: 'kv.cas', key: 'k', from: 1, to: 2 });
    client.close();
    expect(r).toEqual({ type: 'fail', error: 'precondition-failed' });
  });

  it('a timeout is not retried: the request may still be in flight', async () => {
    const n = await node(['hang']);
    closers.push(n.close);
    const client = new NodeClient(300);
    const r = await client.command(n.url, 'p1', 3, { type: 'kv.write', key: 'k', value: 1 });
    client.close();
    expect(r).toEqual({ type: 'info', error: 'timeout' });
    expect(n.seen).toHaveLength(1);
  });

  it('a definite refusal of the first attempt is a fail, as before', async () => {
    const n = await node([notLeader]);
    closers.push(n.close);
    const client = new NodeClient(2000);
    expect(await client.command(n.url, 'p1', 4, { type: 'kv.write', key: 'k', value: 1 })).toEqual({ type: 'fail', error: 'not-leader' });
    client.close();
  });
});

describe('NodeClient: which node a command goes to', () => {
  it("always asks the client's own node first, following its redirect once, even when the leader it named stopped answering", async () => {
    const leader = await node([ok, 'hang']);
    const redirect = { status: 421, body: { ok: false, error: { code: 'not-leader', definite: true, message: 'x', leader: { id: 'l', url: leader.url } } } };
    const follower = await node([redirect, redirect, ok]);
    const other = await node([ok]);
    closers.push(leader.close, follower.close, other.close);
    const client = new NodeClient(400);
    expect((await client.command(follower.url, 'p1', 1, { type: 'kv.write', key: 'k', value: 1 })).type).toBe('ok'); // redirected
    expect((await client.command(other.url, 'p2', 1, { type: 'kv.write', key: 'k', value: 2 })).type).toBe('ok'); // its own node
    expect(await client.command(follower.url, 'p1', 2, { type: 'kv.write', key: 'k', value: 3 })).toEqual({ type: 'info', error: 'timeout' }); // redirected to the leader, which hangs
    expect((await client.command(follower.url, 'p1', 3, { type: 'kv.write', key: 'k', value: 4 })).type).toBe('ok'); // its own node leads now
    client.close();
    expect(leader.seen.map((x) => x.seq)).toEqual([1, 2]);
    expect(follower.seen.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(other.seen.map((x) => x.seq)).toEqual([1]);
  });
});
