import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CORRUPTION_KINDS } from '../../nemesis/corrupt-plan.js';
import { FAMILIES } from '../../nemesis/families.js';
import { TOPOLOGIES } from '../../nemesis/grudge.js';
import {
  CLOCK_VARIANTS,
  involvesLeader,
  LEASE_FREEZE_MS,
  LEASE_LOAD_AFTER_MS,
  leaseFollower,
  leaseFreezeFor,
  makePlan,
  type NemesisAction,
  type PlanOptions,
  planDecks,
  type Scenario,
  startAction,
} from '../../nemesis/plan.js';
import { mulberry32 } from '../../src/controller/random.js';

const OPTS: PlanOptions = {
  families: FAMILIES,
  topologies: TOPOLOGIES,
  clockVariants: CLOCK_VARIANTS,
  lossProbability: 0.3,
  skewSeconds: 2,
  drift: 0.1,
  maxFaults: 3,
  tear: 0.3,
  corruptions: CORRUPTION_KINDS,
};
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const familyOf = (a: NemesisAction): string => a.f.replace(/^(start|stop)-/, '');

/** the actions of `steps` steps of a scenario with the leader each step saw (it moves at random as faults hit it) */
function actions(scenario: Scenario, n: number, seed: number, steps: number, o = OPTS): { a: NemesisAction; leader: string | null }[] {
  const rand = mulberry32(seed);
  const plan = makePlan(scenario, o);
  const nodes = ids(n);
  const out: { a: NemesisAction; leader: string | null }[] = [];
  for (let i = 0; i < steps; i++) {
    const leader = rand() < 0.9 ? nodes[Math.floor(rand() * n)] : null;
    const a = plan.next({ nodes, leader, rand });
    if (a) out.push({ a, leader });
  }
  return out;
}

const cluster = fc.record({ n: fc.integer({ min: 1, max: 9 }), seed: fc.integer({ min: 0, max: 2 ** 31 }) });

describe('nemesis plans', () => {
  it('chaos: every family alternates start and stop, at most maxFaults in force at once, only the chosen families', () => {
    fc.assert(
      fc.property(cluster, fc.subarray([...FAMILIES], { minLength: 1 }), fc.integer({ min: 1, max: 4 }), ({ n, seed }, families, maxFaults) => {
        const inForce = new Set<string>();
        for (const { a } of actions('chaos', n, seed, 60, { ...OPTS, families, maxFaults })) {
          const family = familyOf(a);
          expect(families).toContain(family);
          if (a.f.startsWith('start-')) {
            expect(inForce.has(family)).toBe(false);
            inForce.add(family);
          } else {
            expect(inForce.delete(family)).toBe(true);
          }
          expect(inForce.size).toBeLessThanOrEqual(maxFaults);
        }
      }),
    );
  });

  it('chaos with maxFaults 1 is a plain flip-flop: a start, then the stop of the same family', () => {
    const as = actions('chaos', 5, 11, 40, { ...OPTS, maxFaults: 1 }).map((x) => x.a);
    for (let i = 0; i + 1 < as.length; i += 2) expect(as[i + 1].f).toBe(`stop-${familyOf(as[i])}`);
  });

  it('chaos overlaps faults of different families (the lease-breaker mix: pause, partition, clock at once)', () => {
    let overlapped = 0;
    for (let seed = 0; seed < 20; seed++) {
      const inForce = new Set<string>();
      for (const { a } of actions('chaos', 5, seed, 40, { ...OPTS, families: ['pause', 'partition', 'clock'] })) {
        if (a.f.startsWith('start-')) inForce.add(familyOf(a));
        else inForce.delete(familyOf(a));
        if (inForce.size === 3) overlapped++;
      }
    }
    expect(overlapped).toBeGreaterThan(0);
  });

  it('kills and pauses name their target and hit exactly the nodes it resolves to', () => {
    fc.assert(
      fc.property(cluster, ({ n, seed }) => {
        for (const { a, leader } of actions('chaos', n, seed, 40, { ...OPTS, families: ['kill', 'pause'] })) {
          if (a.f !== 'start-kill' && a.f !== 'start-pause') continue;
          expect(new Set(a.nodes).size).toBe(a.nodes.length);
          if (a.target === 'leader' && leader) expect(a.nodes).toEqual([leader]);
          if (a.target === 'one') expect(a.nodes).toHaveLength(1);
          if (a.target === 'minority') expect(a.nodes.length).toBeLessThanOrEqual(Math.max(1, Math.floor(n / 2)));
          if (a.target === 'majority') expect(a.nodes).toHaveLength(Math.min(n, Math.floor(n / 2) + 1));
          if (a.target === 'all') expect(a.nodes).toHaveLength(n);
        }
      }),
    );
  });

  it('at least half of all faults of the default mix involve the current leader', () => {
    let starts = 0;
    let withLeader = 0;
    for (let seed = 0; seed < 50; seed++) {
      for (const { a, leader } of actions('chaos', 5, seed, 40)) {
        if (!a.f.startsWith('start-') || leader === null) continue;
        starts++;
        if (involvesLeader(a, leader)) withLeader++;
      }
    }
    expect(starts).toBeGreaterThan(500);
    expect(withLeader / starts).toBeGreaterThanOrEqual(0.5);
  });

  it('the default mix deals the faults that threaten the leader most: partitions over kills, crashes (kills and power cuts) over any one family, each over pauses, and clock faults over loss; the lease breaker most among clock variants', () => {
    const starts = new Map<string, number>();
    let clocks = 0;
    let leases = 0;
    for (let seed = 0; seed < 200; seed++) {
      for (const { a } of actions('chaos', 5, seed, 40, { ...OPTS, maxFaults: 100 })) {
        if (!a.f.startsWith('start-')) continue;
        starts.set(familyOf(a), (starts.get(familyOf(a)) ?? 0) + 1);
        if (a.f === 'start-clock') {
          clocks++;
          if (a.variant === 'lease') leases++;
        }
      }
    }
    const n = (f: string): number => starts.get(f) ?? 0;
    expect(n('partition')).toBeGreaterThan(n('kill'));
    expect(n('kill') + n('power-cut')).toBeGreaterThan(n('partition')); // crashes, with or without the page cache
    expect(n('kill')).toBeGreaterThan(n('pause'));
    expect(n('power-cut')).toBeGreaterThan(n('pause'));
    expect(Math.min(n('pause'), n('clock'))).toBeGreaterThan(n('loss'));
    expect(leases / clocks).toBeGreaterThan(0.5); // 5 of 8 cards, less the deals with no leader known
  });

  it('chaos deals every family of `all` in every run of 70 steps, and a kill of a majority or of every node in nearly every run of 100', () => {
    let withoutMajorityKill = 0;
    for (let seed = 0; seed < 100; seed++) {
      const started = new Set<string>();
      const kills = new Set<string>();
      actions('chaos', 5, seed, 100).forEach(({ a }, step) => {
        if (a.f.startsWith('start-') && step < 70) started.add(familyOf(a));
        if (a.f === 'start-kill') kills.add(a.target);
      });
      expect([...started].sort(), `seed ${seed}`).toEqual([...FAMILIES].sort());
      // about 5 kills a run, dealt from a shuffled deck of 6 in which 2 are a majority or all
      if (!kills.has('all') && !kills.has('majority')) withoutMajorityKill++;
    }
    expect(withoutMajorityKill).toBeLessThanOrEqual(3);
  });

  it('chaos: a fault stays in force 1 to 3 steps, then the step stops it', () => {
    for (let seed = 0; seed < 50; seed++) {
      const since = new Map<string, number>();
      actions('chaos', 5, seed, 80).forEach(({ a }, step) => {
        if (a.f.startsWith('start-')) since.set(familyOf(a), step);
        else {
          const lasted = step - (since.get(familyOf(a)) as number);
          expect(lasted).toBeGreaterThanOrEqual(1);
          expect(lasted).toBeLessThanOrEqual(3 + 3); // due after 3 steps at most, one stop per step (up to 3 due at once)
        }
      });
    }
  });

  it('a fault of the default mix lasts a step or two whatever its family, and a pause never freezes every node', () => {
    let lasted = 0;
    let stopped = 0;
    for (let seed = 0; seed < 100; seed++) {
      const since = new Map<string, number>();
      actions('chaos', 5, seed, 60).forEach(({ a }, step) => {
        if (a.f === 'start-pause') expect(a.target).not.toBe('all');
        if (a.f.startsWith('start-')) since.set(familyOf(a), step);
        else {
          lasted += step - (since.get(familyOf(a)) as number);
          stopped++;
        }
      });
    }
    expect(stopped).toBeGreaterThan(1000);
    expect(lasted / stopped).toBeLessThan(3);
  });

  it('clock faults: offsets and drift rates of the configured size, strobes no faster than libfaketime rereads, lease on the leader', () => {
    fc.assert(
      fc.property(cluster, ({ n, seed }) => {
        for (const { a, leader } of actions('chaos', n, seed, 40, { ...OPTS, families: ['clock'] })) {
          if (a.f !== 'start-clock') continue;
          if (a.variant === 'offset')
            for (const x of Object.values(a.offsets)) expect(Math.abs(x)).toBeGreaterThanOrEqual(1 - 1e-9), expect(Math.abs(x)).toBeLessThanOrEqual(3 + 1e-9);
          if (a.variant === 'drift')
            for (const r of Object.values(a.rates))
              expect(Math.abs(r - 1)).toBeGreaterThanOrEqual(0.05 - 1e-9), expect(Math.abs(r - 1)).toBeLessThanOrEqual(0.15 + 1e-9);
          if (a.variant === 'strobe') expect(a.periodMs).toBeGreaterThanOrEqual(1000);
          if (a.variant === 'lease') {
            expect(a.offset).toBeLessThan(-8);
            expect(a.leader).toBe(leader);
            // frozen past the clients' timeout, and set back by more than it stays frozen and watched after
            expect(a.freezeMs).toBe(LEASE_FREEZE_MS);
            expect(-a.offset * 1000).toBeGreaterThan((a.freezeMs ?? 0) + 1500);
            // a follower on the leader's side when the rest still make a majority
            if (n - 2 >= Math.floor(n / 2) + 1) {
              expect(a.follower).not.toBe(leader);
              expect(ids(n)).toContain(a.follower);
            } else expect(a.follower).toBeUndefined();
          }
          if (a.variant !== 'lease' && a.target === 'leader' && leader) expect(involvesLeader(a, leader)).toBe(true);
        }
      }),
    );
  });

  it('the lease breaker stays frozen two request timeouts and a second: the op its clients have in flight at the resume was invoked a timeout after the load came back to the new leader', () => {
    expect(leaseFreezeFor(2000)).toBe(5000);
    expect(LEASE_FREEZE_MS).toBe(leaseFreezeFor(2000));
    const rand = mulberry32(7);
    const a = startAction('clock', { ...OPTS, clockVariants: ['lease'], leaseFreezeMs: leaseFreezeFor(3000) }, { nodes: ids(5), leader: 'n3', rand });
    expect(a).toMatchObject({ f: 'start-clock', variant: 'lease', leader: 'n3', freezeMs: 7000 });
    if (a.f === 'start-clock' && a.variant === 'lease') expect(-a.offset * 1000).toBeGreaterThan(7000 + 1500);
  });

  it('deals no lease breaker that would resume with too little load left: its card waits for the next clock fault', () => {
    const o = { ...OPTS, clockVariants: ['lease', 'offset'] as const, leaseFreezeMs: 5000 };
    const least = 5000 + LEASE_LOAD_AFTER_MS;
    const view = (remainingMs: number | undefined) => ({ nodes: ids(5), leader: 'n2', rand: mulberry32(3), remainingMs });
    for (let seed = 0; seed < 50; seed++) {
      const decks = planDecks({ ...o, clockVariants: [...o.clockVariants] });
      const rand = mulberry32(seed);
      const late = startAction('clock', { ...o, clockVariants: [...o.clockVariants] }, { ...view(least - 1), rand }, decks);
      expect(late).toMatchObject({ f: 'start-clock', variant: 'offset' });
      // the lease card was kept: with time enough, the next clock fault is the breaker
      const early = startAction('clock', { ...o, clockVariants: [...o.clockVariants] }, { ...view(least), rand }, decks);
      if (early.f === 'start-clock') expect(early.variant).toBe('lease');
    }
    expect(startAction('clock', { ...OPTS, clockVariants: ['lease'] }, view(undefined))).toMatchObject({ variant: 'lease' });
  });

  it('the lease breaker takes each follower along about as often, and none when the rest would not make a majority', () => {
    const rand = mulberry32(11);
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const f = leaseFollower(ids(5), 'n2', rand) as string;
      counts.set(f, (counts.get(f) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['n1', 'n3', 'n4', 'n5']);
    for (const c of counts.values()) expect(c).toBeGreaterThan(850), expect(c).toBeLessThan(1150);
    expect(leaseFollower(ids(3), 'n1', rand)).toBeNull();
    expect(leaseFollower(ids(4), 'n1', rand)).toBeNull(); // 2 left of 4: no majority
    expect(leaseFollower(ids(7), 'n1', rand)).not.toBeNull();
  });

  it('split-brain always cuts the current leader off from a majority, or makes it the only bridge, or leaves no clean majority', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
        for (const { a, leader } of actions('split-brain', n, seed, 20)) {
          if (a.f !== 'start-partition' || leader === null) continue;
          expect(['isolate-leader', 'leader-minority', 'leader-bridge', 'majorities-ring']).toContain(a.topology);
          if (a.topology === 'isolate-leader') expect(a.grudge[leader]).toHaveLength(n - 1);
          if (a.topology === 'leader-minority') expect(a.grudge[leader].length).toBeGreaterThanOrEqual(Math.ceil(n / 2));
          if (a.topology === 'leader-bridge') expect(a.grudge[leader]).toEqual([]);
        }
      }),
    );
  });

  it('rolling-restart kills every node in turn, one at a time, and restarts it before the next', () => {
    fc.assert(
      fc.property(cluster, ({ n, seed }) => {
        actions('rolling-restart', n, seed, 4 * n).forEach(({ a }, i) => {
          if (i % 2 === 1) expect(a.f).toBe('stop-kill');
          else expect(a).toEqual({ f: 'start-kill', target: 'one', nodes: [`n${((i / 2) % n) + 1}`] });
        });
      }),
    );
  });

  it('cascading kills one more node each step until a majority is down, leader first, then restarts all', () => {
    fc.assert(
      fc.property(cluster, ({ n, seed }) => {
        const down = new Set<string>();
        let maxDown = 0;
        for (const { a, leader } of actions('cascading', n, seed, 30)) {
          if (a.f === 'stop-kill') {
            expect(down.size).toBe(Math.floor(n / 2) + 1); // quorum lost before the restart
            down.clear();
          } else if (a.f === 'start-kill') {
            expect(a.nodes).toHaveLength(1);
            expect(down.has(a.nodes[0])).toBe(false);
            if (leader && !down.has(leader)) expect(a.nodes).toEqual([leader]);
            down.add(a.nodes[0]);
            maxDown = Math.max(maxDown, down.size);
          } else throw new Error(`unexpected ${a.f}`);
        }
        expect(maxDown).toBe(Math.floor(n / 2) + 1);
      }),
    );
  });

  it('is reproducible from its seed', () => {
    expect(actions('chaos', 5, 7, 30)).toEqual(actions('chaos', 5, 7, 30));
  });

  it('power-cut: a minority of followers then the leader most often, else the leader, a minority or all; a share of cuts tear', () => {
    const rand = mulberry32(4);
    const counts: Record<string, number> = {};
    let tears = 0;
    const draws = 2000;
    for (let i = 0; i < draws; i++) {
      const n = 1 + Math.floor(rand() * 9);
      const nodes = ids(n);
      const leader = rand() < 0.9 ? nodes[Math.floor(rand() * n)] : null;
      const a = startAction('power-cut', OPTS, { nodes, leader, rand });
      if (a.f !== 'start-power-cut') throw new Error(a.f);
      counts[a.target] = (counts[a.target] ?? 0) + 1;
      if (a.tear !== null) {
        tears++;
        expect(a.tear).toBeGreaterThanOrEqual(0.1);
        expect(a.tear).toBeLessThanOrEqual(0.9);
      }
      expect(new Set(a.nodes).size).toBe(a.nodes.length);
      for (const x of a.nodes) expect(nodes).toContain(x);
      if (a.target === 'minority-then-leader') {
        expect(a.thenLeader).toBe(true);
        expect(a.gapMs).toBeGreaterThan(0);
        expect(a.cutOffRest).toBe(true); // a majority goes down: it comes back cut off from the rest
        if (leader) expect(a.nodes).not.toContain(leader); // the leader goes last, in turn
        expect(a.nodes.length).toBeLessThanOrEqual(Math.max(1, Math.floor(n / 2)));
      } else {
        expect(a.thenLeader).toBe(false);
        expect(a.cutOffRest).toBeUndefined();
      }
      if (a.target === 'leader' && leader) expect(a.nodes).toEqual([leader]);
    }
    expect(counts['minority-then-leader'] / draws).toBeGreaterThan(0.35);
    expect(Object.keys(counts).sort()).toEqual(['all', 'leader', 'minority', 'minority-then-leader']);
    expect(tears / draws).toBeGreaterThan(0.25);
    expect(tears / draws).toBeLessThan(0.35);
  });

  it('corrupt: one node (the leader half the time), a seed for the damage, the chosen kinds', () => {
    const rand = mulberry32(8);
    let onLeader = 0;
    for (let i = 0; i < 400; i++) {
      const a = startAction('corrupt', { ...OPTS, corruptions: ['tail'] }, { nodes: ids(5), leader: 'n3', rand });
      if (a.f !== 'start-corrupt') throw new Error(a.f);
      expect(ids(5)).toContain(a.node);
      expect(Number.isSafeInteger(a.seed)).toBe(true);
      expect(a.kinds).toEqual(['tail']);
      if (a.node === 'n3') onLeader++;
    }
    expect(onLeader / 400).toBeGreaterThan(0.5); // 'leader' half the time, and 'one' may pick it too
  });
});
