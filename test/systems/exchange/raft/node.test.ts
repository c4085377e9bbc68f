import { describe, expect, it } from 'vitest';
import type { Message } from '../../../../systems/exchange/raft/messages.js';
import { RaftNode } from '../../../../systems/exchange/raft/node.js';
import { prng } from '../../../support/histories.js';

/** Nodes wired by a synchronous in-memory network; `cut` drops messages between nodes. */
function cluster(ids: string[], seed = 1) {
  const rand = prng(seed);
  const nodes = new Map(
    ids.map((id) => [
      id,
      new RaftNode(
        {
          id,
          peers: ids,
          electionTicks: 10,
          heartbeatTicks: 2,
          preVote: true,
          checkQuorum: true,
          maxBatch: 64,
          maxInflight: 8,
          random: rand,
          now: () => 0,
          leaseMs: 50,
        },
        { term: 0, vote: null, commit: 0 },
        [],
      ),
    ]),
  );
  const cut = new Set<string>();
  const deliver = (): void => {
    for (let round = 0; round < 50; round++) {
      const msgs: Message[] = [];
      for (const n of nodes.values()) {
        if (!n.hasReady()) continue;
        const rd = n.ready();
        n.advance(rd);
        msgs.push(...rd.messages);
      }
      if (msgs.length === 0) return;
      for (const m of msgs) if (!cut.has(`${m.from}>${m.to}`) && !cut.has(`${m.to}>${m.from}`)) nodes.get(m.to)?.step(m);
    }
  };
  const tick = (n = 1, only?: string[]): void => {
    for (let i = 0; i < n; i++) {
      for (const [id, node] of nodes) if (!only || only.includes(id)) node.tick();
      deliver();
    }
  };
  const leaders = () => [...nodes.values()].filter((n) => n.role === 'leader');
  const isolate = (id: string): void => {
    for (const other of ids) if (other !== id) cut.add(`${id}>${other}`);
  };
  return { nodes, tick, leaders, isolate, heal: () => cut.clear(), deliver };
}

describe('RaftNode', () => {
  it('elects exactly one leader, which commits a no-op of its term', () => {
    const c = cluster(['a', 'b', 'c']);
    c.tick(40);
    expect(c.leaders()).toHaveLength(1);
    const leader = c.leaders()[0];
    expect(leader.term).toBeGreaterThan(0);
    expect(leader.log.entry(1)).toMatchObject({ kind: 'noop', term: leader.term });
    expect(leader.commitIndex).toBe(1);
  });

  it('replicates and commits a proposal on every node', () => {
    const c = cluster(['a', 'b', 'c']);
    c.tick(40);
    const leader = c.leaders()[0];
    const at = leader.propose('x');
    c.tick(3);
    expect(at).not.toBeNull();
    for (const n of c.nodes.values()) {
      expect(n.commitIndex).toBeGreaterThanOrEqual(at!.index);
      expect(n.log.entry(at!.index).data).toBe('x');
    }
    const follower = [...c.nodes.values()].find((n) => n !== leader)!;
    expect(follower.propose('y')).toBeNull(); // only the leader proposes
  });

  it('a leader cut off from the majority steps down (check-quorum), and the rest elect another', () => {
    const c = cluster(['a', 'b', 'c']);
    c.tick(40);
    const old = c.leaders()[0];
    c.isolate(old.id);
    c.tick(40);
    expect(old.role).not.toBe('leader');
    const now = c.leaders();
    expect(now).toHaveLength(1);
    expect(now[0].id).not.toBe(old.id);
    expect(now[0].term).toBeGreaterThan(old.term);
  });

  it('pre-vote: an isolated node does not inflate its term, so healing does not disrupt the leader', () => {
    const c = cluster(['a', 'b', 'c']);
    c.tick(40);
    const leader = c.leaders()[0];
    const loner = [...c.nodes.values()].find((n) => n !== leader)!;
    const term = leader.term;
    c.isolate(loner.id);
    c.tick(100);
    expect(loner.term).toBe(term); // it only ever pre-campaigned
    c.heal();
    c.tick(20);
    expect(leader.role).toBe('leader');
    expect(leader.term).toBe(term);
  });

  it('a follower that missed entries is brought up to date after healing', () => {
    const c = cluster(['a', 'b', 'c']);
    c.tick(40);
    const leader = c.leaders()[0];
    const lagging = [...c.nodes.values()].find((n) => n !== leader)!;
    c.isolate(lagging.id);
    for (let i = 0; i < 20; i++) leader.propose(`v${i}`);
    c.tick(5);
    expect(lagging.commitIndex).toBeLessThan(leader.commitIndex);
    c.heal();
    c.tick(20);
    const target = c.leaders()[0];
    expect(lagging.commitIndex).toBe(target.commitIndex);
    expect(lagging.log.entry(lagging.log.lastIndex).data).toBe(target.log.entry(target.log.lastIndex).data);
  });

  it('confirms a ReadIndex read only after a heartbeat round with a majority', () => {
    const c = cluster(['a', 'b', 'c']);
    c.tick(40);
    const leader = c.leaders()[0];
    c.isolate(leader.id);
    expect(leader.readIndex(7)).toBe(true);
    c.deliver();
    const rd = leader.hasReady() ? leader.ready() : null;
    expect(rd?.readStates ?? []).toEqual([]); // no majority heard: not confirmed
    c.heal();
    leader.readIndex(8);
    let confirmed: number[] = [];
    for (let i = 0; i < 5 && confirmed.length === 0; i++) {
      leader.tick();
      for (const n of c.nodes.values()) {
        if (!n.hasReady()) continue;
        const r = n.ready();
        n.advance(r);
        if (n === leader) confirmed = r.readStates.map((s) => s.id);
        for (const m of r.messages) c.nodes.get(m.to)?.step(m);
      }
    }
    expect(confirmed).toContain(8);
  });
});
