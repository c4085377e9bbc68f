import { afterEach, describe, expect, it } from 'vitest';
import { ExchangeStateMachine } from '../../../../systems/exchange/machine/machine.js';
import type { Message } from '../../../../systems/exchange/raft/messages.js';
import { SAFE_MODES } from '../../../../systems/exchange/replica/options.js';
import { Replica, type Reply } from '../../../../systems/exchange/replica/replica.js';
import { MemoryStorage } from '../../../../systems/exchange/storage/memory-storage.js';

/**
 * Three Replicas in one process, with the network in the test's hands: messages wait
 * in `wire` until delivered, so a command's first copy can be held uncommitted, or
 * committed on a new leader, while the client's retry of it arrives.
 */
interface Trio {
  nodes: Map<string, Replica>;
  machines: Map<string, ExchangeStateMachine>;
  wire: Message[];
  /** delivers what is on the wire (and what that causes) while `pass` lets it through; the rest is dropped */
  deliver(pass: (m: Message) => boolean): Promise<void>;
  /** ticks `id` until it leads (others do not tick) */
  elect(id: string): Promise<Replica>;
}

const ids = ['a', 'b', 'c'];
let open: Replica[] = [];
afterEach(async () => {
  for (const r of open) await r.close();
  open = [];
});

/** lets the replicas' setImmediate pumps and storage promises run */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 2));

async function trio(): Promise<Trio> {
  const wire: Message[] = [];
  const nodes = new Map<string, Replica>();
  const machines = new Map<string, ExchangeStateMachine>();
  for (const id of ids) {
    machines.set(id, new ExchangeStateMachine());
    const r = await Replica.start({
      id,
      peers: ids,
      storage: new MemoryStorage(),
      machine: machines.get(id) as ExchangeStateMachine,
      modes: SAFE_MODES,
      send: (m) => wire.push(m),
      electionTicks: 10,
      heartbeatTicks: 2,
      leaseMs: 0,
      random: () => 0.5,
    });
    nodes.set(id, r);
    open.push(r);
  }
  const deliver = async (pass: (m: Message) => boolean): Promise<void> => {
    for (let round = 0; round < 50; round++) {
      await settle();
      if (wire.length === 0) return;
      for (const m of wire.splice(0)) if (pass(m)) nodes.get(m.to)?.receive(m);
    }
  };
  const elect = async (id: string): Promise<Replica> => {
    const r = nodes.get(id) as Replica;
    for (let i = 0; i < 100 && r.raft.role !== 'leader'; i++) {
      r.tick();
      await deliver(() => true);
    }
    expect(r.raft.role).toBe('leader');
    return r;
  };
  return { nodes, machines, wire, deliver, elect };
}

const cas = { type: 'kv.cas', key: 'k', from: 1, to: 2 } as const;
/** k as node `id`'s state machine holds it (a query through the replica would need a quorum round) */
const k = (t: Trio, id: string): unknown => t.machines.get(id)?.query({ type: 'kv.read', key: 'k' });

describe('Replica: client sessions apply a retried (clientId, seq) once', () => {
  it('a second copy arriving while the first is uncommitted: both commit, one applies, both answer with its result', async () => {
    const t = await trio();
    const a = await t.elect('a');
    const w = a.command('w', 1, { type: 'kv.write', key: 'k', value: 1 });
    await t.deliver(() => true);
    expect((await w).ok).toBe(true);
    // copy 1 of p7's cas: proposed, its appends held on the wire (no commit)
    const first = a.command('p7', 1, cas);
    await settle();
    const held = t.wire.splice(0);
    expect(held.length).toBeGreaterThan(0);
    const second = a.command('p7', 1, cas); // the client's retry, while copy 1 is in the log, uncommitted
    for (const m of held) t.nodes.get(m.to)?.receive(m);
    await t.deliver(() => true);
    const [r1, r2] = await Promise.all([first, second]);
    expect(r1).toMatchObject({ ok: true, result: { type: 'kv.cas' } });
    // applied a second time the cas would fail (k is 2, not 1): the session answers with copy 1's result
    expect(r2).toMatchObject({ ok: true, result: { type: 'kv.cas' } });
    expect(k(t, 'a')).toEqual({ type: 'kv.read', value: 2 });
  });

  it('a copy arriving after the first was applied is answered from the session without entering the log', async () => {
    const t = await trio();
    const a = await t.elect('a');
    const w = a.command('w', 1, { type: 'kv.write', key: 'k', value: 1 });
    await t.deliver(() => true);
    expect((await w).ok).toBe(true);
    const first = a.command('p7', 1, cas);
    await t.deliver(() => true);
    expect(await first).toMatchObject({ ok: true });
    const applied = a.appliedIndex;
    const again = a.command('p7', 1, cas);
    await t.deliver(() => true);
    expect(await again).toMatchObject({ ok: true, result: { type: 'kv.cas' } });
    expect(a.appliedIndex).toBe(applied); // nothing was proposed
    expect(k(t, 'a')).toEqual({ type: 'kv.read', value: 2 });
  });

  it('copy 1 left uncommitted by a leader that lost its followers, copy 2 sent to the new leader: applied once on every node', async () => {
    const t = await trio();
    const a = await t.elect('a');
    const w = a.command('w', 1, { type: 'kv.write', key: 'k', value: 1 });
    await t.deliver(() => true);
    expect((await w).ok).toBe(true);
    // copy 1 reaches b's log, but no answer gets back to a: a cannot commit it
    const first = a.command('p7', 1, cas);
    await t.deliver((m) => m.from === 'a' && m.to === 'b');
    // a is cut off; b (whose log holds copy 1, so it can win) is elected and gets the retry
    const b = await (async () => {
      const r = t.nodes.get('b') as Replica;
      for (let i = 0; i < 100 && r.raft.role !== 'leader'; i++) {
        r.tick();
        t.nodes.get('c')?.tick(); // c too must stop hearing from a before it grants b a pre-vote
        await t.deliver((m) => m.from !== 'a' && m.to !== 'a');
      }
      return r;
    })();
    expect(b.raft.role).toBe('leader');
    const second = b.command('p7', 1, cas);
    await t.deliver((m) => m.from !== 'a' && m.to !== 'a');
    expect(await second).toMatchObject({ ok: true, result: { type: 'kv.cas' } });
    // a hears from the new leader: copy 1's entry commits on a too, and its waiter learns the outcome
    b.tick();
    b.tick();
    await t.deliver(() => true);
    const r1: Reply<unknown> = await first;
    // a lost its leadership with copy 1 in flight: ok or unknown, never a definite refusal
    expect(r1.ok || r1.error.definite === false).toBe(true);
    // every node applied both copies' entries, the second as a duplicate: one state everywhere
    const digests = new Set([...t.nodes.values()].map((n) => JSON.stringify(n.digest())));
    expect(digests.size).toBe(1);
    for (const id of ids) expect(k(t, id)).toEqual({ type: 'kv.read', value: 2 });
  });
});
