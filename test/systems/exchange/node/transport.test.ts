import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePorts, sleep } from '../../../../systems/exchange/local-cluster.js';
import type { Member } from '../../../../systems/exchange/node/options.js';
import { PeerTransport } from '../../../../systems/exchange/node/transport.js';
import type { Message } from '../../../../systems/exchange/raft/messages.js';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

const hb = (from: string, to: string, term: number): Message => ({ type: 'append', from, to, term, prevIndex: 0, prevTerm: 0, entries: [], commit: 0, ctx: 0 });

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

async function pair(opts = {}): Promise<{ a: PeerTransport; b: PeerTransport; got: { a: Message[]; b: Message[] }; members: Member[] }> {
  const [pa, pb] = await freePorts(2);
  const members: Member[] = [
    { id: 'a', host: '127.0.0.1', peerPort: pa, clientPort: 1 },
    { id: 'b', host: '127.0.0.1', peerPort: pb, clientPort: 1 },
  ];
  const got = { a: [] as Message[], b: [] as Message[] };
  const a = new PeerTransport('a', members, (m) => got.a.push(m), opts);
  const b = new PeerTransport('b', members, (m) => got.b.push(m), opts);
  open.push(a, b);
  await a.listen('127.0.0.1', pa);
  await b.listen('127.0.0.1', pb);
  return { a, b, got, members };
}

describe('PeerTransport over loopback TCP', () => {
  it('delivers messages in order both ways, queueing while the peer is not yet up', async () => {
    const { a, b, got } = await pair();
    for (let t = 1; t <= 500; t++) a.send(hb('a', 'b', t));
    b.send(hb('b', 'a', 7));
    await until(() => got.b.length === 500 && got.a.length === 1);
    expect(got.b.map((m) => m.term)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(got.a[0]).toEqual(hb('b', 'a', 7));
  });

  it('bounds the queue of an unreachable peer, dropping the oldest', async () => {
    const [pa, dead] = await freePorts(2);
    const members: Member[] = [
      { id: 'a', host: '127.0.0.1', peerPort: pa, clientPort: 1 },
      { id: 'z', host: '127.0.0.1', peerPort: dead, clientPort: 1 },
    ];
    const a = new PeerTransport('a', members, () => {}, { maxQueued: 10 });
    open.push(a);
    for (let t = 1; t <= 25; t++) a.send(hb('a', 'z', t));
    expect(a.dropped).toBe(15);
    expect(a.status()).toEqual([{ peer: 'z', connected: false, buffered: 0, queued: 10 }]);
    // the peer comes up: the 10 newest arrive
    const got: Message[] = [];
    const z = new PeerTransport('z', members, (m) => got.push(m));
    open.push(z);
    await z.listen('127.0.0.1', dead);
    await until(() => got.length === 10);
    expect(got.map((m) => m.term)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  });

  it('reconnects after the peer process restarts', async () => {
    const { a, got, members } = await pair();
    a.send(hb('a', 'b', 1));
    await until(() => got.b.length === 1);
    open[1].close(); // b goes away
    await until(() => a.status()[0].connected === false);
    const again: Message[] = [];
    const b2 = new PeerTransport('b', members, (m) => again.push(m));
    open.push(b2);
    await b2.listen('127.0.0.1', members[1].peerPort);
    await until(() => {
      a.send(hb('a', 'b', 2));
      return again.length > 0;
    });
    expect(again[0].term).toBe(2);
  });

  it('redials a peer that accepts bytes but never acknowledges them (a frozen or cut-off peer)', async () => {
    const [pa, silent] = await freePorts(2);
    let accepted = 0;
    const sink = net.createServer((s) => {
      accepted++;
      s.resume(); // reads, never writes: like a SIGSTOPped process whose kernel still takes bytes
    });
    await new Promise<void>((r) => sink.listen(silent, '127.0.0.1', r));
    open.push({ close: () => sink.close() });
    const members: Member[] = [
      { id: 'a', host: '127.0.0.1', peerPort: pa, clientPort: 1 },
      { id: 's', host: '127.0.0.1', peerPort: silent, clientPort: 1 },
    ];
    const a = new PeerTransport('a', members, () => {}, { peerTimeoutMs: 100 });
    open.push(a);
    const pump = setInterval(() => a.send(hb('a', 's', 1)), 10);
    try {
      await until(() => accepted >= 3, 5000);
    } finally {
      clearInterval(pump);
    }
    expect(a.reconnects).toBeGreaterThanOrEqual(2);
  });

  it('keeps a live, acknowledging connection open under steady traffic', async () => {
    const { a, got } = await pair({ peerTimeoutMs: 100 });
    const pump = setInterval(() => a.send(hb('a', 'b', 1)), 5);
    await sleep(600);
    clearInterval(pump);
    expect(got.b.length).toBeGreaterThan(50);
    expect(a.reconnects).toBe(0);
  });
});
