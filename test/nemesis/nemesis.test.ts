import { describe, expect, it } from 'vitest';
import { Nemesis } from '../../nemesis/nemesis.js';
import { FakeRuntime } from '../support/fake-runtime.js';

const allRules = (rt: FakeRuntime): string[] => rt.nodes.flatMap((n) => rt.rulesOf(n.id));

describe('the nemesis executor', () => {
  it('installs a partition grudge in each node, proves it by listing the rules, and removes exactly them', async () => {
    const rt = new FakeRuntime(5);
    const nem = new Nemesis(rt);
    const start = await nem.apply({
      f: 'start-partition',
      topology: 'isolate-leader',
      grudge: { n1: ['n2', 'n3', 'n4', 'n5'], n2: ['n1'], n3: ['n1'], n4: ['n1'], n5: ['n1'] },
    });
    expect(start?.value.rules).toEqual({ n1: 4, n2: 1, n3: 1, n4: 1, n5: 1 });
    expect(rt.rulesOf('n1').filter((r) => r.includes('DROP'))).toHaveLength(4);
    const stop = await nem.apply({ f: 'stop-partition' });
    expect(stop?.value.rulesLeft).toEqual({ n1: 0, n2: 0, n3: 0, n4: 0, n5: 0 });
    expect(allRules(rt)).toEqual([]);
    expect(await nem.apply({ f: 'stop-partition' })).toBeNull(); // nothing in force
  });

  it('keeps faults of different families apart: stopping the partition leaves the loss in force', async () => {
    const rt = new FakeRuntime(3);
    const nem = new Nemesis(rt);
    await nem.apply({ f: 'start-loss', target: 'leader', nodes: ['n1'], probability: 0.3 });
    await nem.apply({ f: 'start-partition', topology: 'one', grudge: { n3: ['n1', 'n2'], n1: ['n3'], n2: ['n3'] } });
    await nem.apply({ f: 'stop-partition' });
    expect(rt.rulesOf('n1').filter((r) => r.includes('statistic'))).toHaveLength(4); // 2 peers × both directions
    expect(rt.rulesOf('n3')).toEqual([]);
    await nem.apply({ f: 'stop-loss' });
    expect(allRules(rt)).toEqual([]);
  });

  it('re-installs a partition in a killed node when it restarts (its new network namespace has no rules)', async () => {
    const rt = new FakeRuntime(3);
    const nem = new Nemesis(rt);
    await nem.apply({ f: 'start-partition', topology: 'one', grudge: { n2: ['n1', 'n3'], n1: ['n2'], n3: ['n2'] } });
    await nem.apply({ f: 'start-kill', target: 'one', nodes: ['n2'] });
    const restart = await nem.apply({ f: 'stop-kill' });
    expect(restart?.value).toMatchObject({ restarted: ['n2'], running: { n2: true } });
    expect(rt.rulesOf('n2').filter((r) => r.includes('DROP'))).toHaveLength(2);
  });

  it('installs a partition on a node that is down when it starts once that node restarts', async () => {
    const rt = new FakeRuntime(3);
    const nem = new Nemesis(rt);
    await nem.apply({ f: 'start-kill', target: 'one', nodes: ['n3'] });
    const p = await nem.apply({ f: 'start-partition', topology: 'one', grudge: { n3: ['n1', 'n2'], n1: ['n3'], n2: ['n3'] } });
    expect(p?.value.down).toEqual(['n3']);
    await nem.apply({ f: 'stop-kill' });
    expect(rt.rulesOf('n3').filter((r) => r.includes('DROP'))).toHaveLength(2);
  });

  it('thaws a paused node before killing it, does not pause a dead one, and says when quorum is lost', async () => {
    const rt = new FakeRuntime(5);
    const nem = new Nemesis(rt);
    await nem.apply({ f: 'start-pause', target: 'minority', nodes: ['n1', 'n2'] });
    const kill = await nem.apply({ f: 'start-kill', target: 'majority', nodes: ['n2', 'n3', 'n4'] });
    expect(rt.calls).toContain('unpause n2');
    expect(kill?.value).toMatchObject({ down: expect.arrayContaining(['n1', 'n2', 'n3', 'n4']), quorumLost: true });
    const pause = await nem.apply({ f: 'start-pause', target: 'one', nodes: ['n3'] });
    expect(pause?.value.skipped).toEqual(['n3']);
    await nem.apply({ f: 'stop-kill' });
    await nem.apply({ f: 'stop-pause' });
    for (const n of rt.nodes) expect(await rt.state(n.id)).toEqual({ running: true, paused: false });
  });

  it('fails loudly when a fault did not take effect', async () => {
    const rt = new FakeRuntime(3);
    rt.kill = async () => {}; // a kill that does nothing
    const nem = new Nemesis(rt);
    await expect(nem.apply({ f: 'start-kill', target: 'one', nodes: ['n2'] })).rejects.toThrow(/did not take effect on n2/);
  });

  it('measures a clock offset back from the node and resets it', async () => {
    const rt = new FakeRuntime(3);
    const nem = new Nemesis(rt);
    const start = await nem.apply({ f: 'start-clock', variant: 'offset', target: 'one', offsets: { n2: -1.5 } });
    expect((start?.value.measured as Record<string, number>).n2).toBeCloseTo(-1.5, 1);
    const stop = await nem.apply({ f: 'stop-clock' });
    expect((stop?.value.measured as Record<string, number>).n2).toBeCloseTo(0, 1);
  });

  it("a stop of the pause family leaves the lease breaker's leader frozen; the clock's stop thaws it", async () => {
    const rt = new FakeRuntime(3);
    const nem = new Nemesis(rt);
    await nem.apply({ f: 'start-clock', variant: 'lease', leader: 'n1', offset: -10 });
    await nem.apply({ f: 'start-pause', target: 'one', nodes: ['n1'] }); // already frozen: skipped
    await nem.apply({ f: 'start-pause', target: 'one', nodes: ['n2'] });
    await nem.apply({ f: 'stop-pause' });
    expect(await rt.state('n1')).toEqual({ running: true, paused: true });
    expect(await rt.state('n2')).toEqual({ running: true, paused: false });
    const stop = await nem.apply({ f: 'stop-clock' });
    expect(stop?.value.resumed).toBe(true);
    expect(await rt.state('n1')).toEqual({ running: true, paused: false });
  });

  it('the lease breaker keeps its leader frozen at least freezeMs, however soon its stop comes', async () => {
    const rt = new FakeRuntime(3);
    const nem = new Nemesis(rt);
    await nem.apply({ f: 'start-clock', variant: 'lease', leader: 'n2', offset: -10, freezeMs: 700 });
    const stop = await nem.apply({ f: 'stop-clock' });
    expect(stop?.value.frozenMs).toBeGreaterThanOrEqual(700);
    expect(rt.calls.indexOf('unpause n2')).toBeGreaterThan(rt.calls.indexOf('pause n2'));
  });

  it("the lease breaker cuts its follower off on the leader's side, unfrozen, and the stop frees both", async () => {
    const rt = new FakeRuntime(5);
    const nem = new Nemesis(rt);
    const start = await nem.apply({ f: 'start-clock', variant: 'lease', leader: 'n1', offset: -12, freezeMs: 300, follower: 'n3' });
    expect(start?.value).toMatchObject({ leader: 'n1', follower: 'n3', paused: true, rules: { n1: 3, n3: 3 } });
    // both drop the other three, not each other: the follower still hears the leader when it resumes
    const rest = ['10.0.0.12', '10.0.0.14', '10.0.0.15'];
    for (const id of ['n1', 'n3'])
      expect(
        rt
          .rulesOf(id)
          .map((r) => r.split(' ')[3])
          .sort(),
      ).toEqual(rest);
    expect(await rt.state('n3')).toEqual({ running: true, paused: false });
    expect(rt.calls).not.toContain('pause n3');
    expect(rt.calls.filter((c) => c.startsWith('clock ')).map((c) => c.split(' ')[1])).toEqual(['n1']); // only the leader's clock is set back
    const stop = await nem.apply({ f: 'stop-clock' });
    expect(stop?.value).toMatchObject({ leader: 'n1', follower: 'n3', resumed: true });
    expect(allRules(rt)).toEqual([]);
  });

  it("re-installs the lease breaker's cut in its follower when the follower restarts", async () => {
    const rt = new FakeRuntime(5);
    const nem = new Nemesis(rt);
    await nem.apply({ f: 'start-clock', variant: 'lease', leader: 'n2', offset: -12, freezeMs: 0, follower: 'n4' });
    await nem.apply({ f: 'start-kill', target: 'one', nodes: ['n4'] });
    await nem.apply({ f: 'stop-kill' });
    expect(rt.rulesOf('n4').filter((r) => r.includes('DROP'))).toHaveLength(3);
    expect(rt.rulesOf('n2').filter((r) => r.includes('DROP'))).toHaveLength(3); // the leader's rules are not doubled
    await nem.apply({ f: 'stop-clock' });
    expect(allRules(rt)).toEqual([]);
  });

  it("gives the lease breaker's follower back to the rest when another fault leaves them without a quorum", async () => {
    const rt = new FakeRuntime(5);
    const nem = new Nemesis(rt);
    await nem.apply({ f: 'start-clock', variant: 'lease', leader: 'n1', offset: -12, freezeMs: 0, follower: 'n3' });
    // a pause of n5 leaves n2 and n4 of the rest: 2 of 5, no quorum without n3
    const pause = await nem.apply({ f: 'start-pause', target: 'one', nodes: ['n5'] });
    expect(pause?.value.leaseFollowerReleased).toBe('n3');
    expect(rt.rulesOf('n3')).toEqual([]);
    // the leader stays cut off, from the follower too: a new term heard from it would end the leader's term at once
    expect(
      rt
        .rulesOf('n1')
        .map((r) => r.split(' ')[3])
        .sort(),
    ).toEqual(['10.0.0.12', '10.0.0.13', '10.0.0.14', '10.0.0.15']);
    // released once: a second fault says nothing more, and a restart of the follower does not cut it again
    const kill = await nem.apply({ f: 'start-kill', target: 'one', nodes: ['n3'] });
    expect(kill?.value.leaseFollowerReleased).toBeUndefined();
    await nem.apply({ f: 'stop-kill' });
    expect(rt.rulesOf('n3')).toEqual([]);
    const stop = await nem.apply({ f: 'stop-clock' });
    expect(stop?.value.follower).toBeUndefined();
    expect(stop?.value.followerReleasedAfterMs).toEqual(expect.any(Number));
    await nem.apply({ f: 'stop-pause' });
    expect(allRules(rt)).toEqual([]);
  });

  it("keeps the lease breaker's follower while the rest still make a quorum, and takes none when they would not", async () => {
    const rt = new FakeRuntime(7);
    const nem = new Nemesis(rt);
    await nem.apply({ f: 'start-clock', variant: 'lease', leader: 'n1', offset: -12, freezeMs: 0, follower: 'n2' });
    const kill = await nem.apply({ f: 'start-kill', target: 'one', nodes: ['n7'] }); // n3-n6 left: 4 of 7
    expect(kill?.value.leaseFollowerReleased).toBeUndefined();
    expect(rt.rulesOf('n2').filter((r) => r.includes('DROP'))).toHaveLength(5);
    await nem.apply({ f: 'stop-clock' });
    const rt5 = new FakeRuntime(5);
    const nem5 = new Nemesis(rt5);
    await nem5.apply({ f: 'start-kill', target: 'one', nodes: ['n5'] });
    const start = await nem5.apply({ f: 'start-clock', variant: 'lease', leader: 'n1', offset: -12, freezeMs: 0, follower: 'n2' });
    expect(start?.value).toMatchObject({ followerSkipped: 'n2', rules: { n1: 4 } });
    expect(start?.value.follower).toBeUndefined();
    expect(rt5.rulesOf('n2')).toEqual([]);
    await nem5.apply({ f: 'stop-clock' });
    await nem5.apply({ f: 'stop-kill' });
    expect(allRules(rt5)).toEqual([]);
    await nem.apply({ f: 'stop-kill' });
    expect(allRules(rt)).toEqual([]);
  });

  it('does not wait for a clock to show on a node that is down: it is recorded unmeasured at once', async () => {
    const rt = new FakeRuntime(3);
    const nem = new Nemesis(rt);
    await nem.apply({ f: 'start-kill', target: 'one', nodes: ['n2'] });
    await nem.apply({ f: 'start-pause', target: 'one', nodes: ['n3'] });
    const began = Date.now();
    const start = await nem.apply({ f: 'start-clock', variant: 'offset', target: 'minority', offsets: { n2: 1.5, n3: -1.5 } });
    const stop = await nem.apply({ f: 'stop-clock' });
    expect(start?.value.measured).toEqual({ n2: null, n3: null });
    expect(stop?.value.measured).toEqual({ n2: null, n3: null });
    expect(Date.now() - began).toBeLessThan(1000); // it once polled a dead node's health 20 times over a minute
  });

  it('healAll undoes every family in force and leaves no rule, frozen or dead node, or skewed clock', async () => {
    const rt = new FakeRuntime(5);
    const nem = new Nemesis(rt);
    await nem.apply({
      f: 'start-partition',
      topology: 'leader-minority',
      grudge: { n1: ['n3', 'n4', 'n5'], n2: ['n3', 'n4', 'n5'], n3: ['n1', 'n2'], n4: ['n1', 'n2'], n5: ['n1', 'n2'] },
    });
    await nem.apply({ f: 'start-loss', target: 'all', nodes: ['n1', 'n2', 'n3', 'n4', 'n5'], probability: 0.2 });
    await nem.apply({ f: 'start-pause', target: 'one', nodes: ['n4'] });
    await nem.apply({ f: 'start-kill', target: 'one', nodes: ['n5'] });
    await nem.apply({ f: 'start-clock', variant: 'offset', target: 'one', offsets: { n2: 2 } });
    const { records, errors } = await nem.healAll();
    expect(errors).toEqual([]);
    expect(records.map((r) => r.f).sort()).toEqual(['stop-clock', 'stop-kill', 'stop-loss', 'stop-partition', 'stop-pause']);
    expect(allRules(rt)).toEqual([]);
    for (const n of rt.nodes) expect(await rt.state(n.id)).toEqual({ running: true, paused: false });
    expect(rt.calls.filter((c) => c.startsWith('clock n2')).at(-1)).toBe('clock n2 +0 x1');
  });
});
