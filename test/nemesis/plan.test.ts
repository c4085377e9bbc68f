import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOPOLOGIES } from '../../nemesis/grudge.js';
import { CLOCK_VARIANTS, FAMILIES, makePlan, type NemesisAction, type PlanOptions, type Scenario } from '../../nemesis/plan.js';
import { mulberry32 } from '../../src/controller/random.js';

const OPTS: PlanOptions = { families: FAMILIES, topologies: TOPOLOGIES, clockVariants: CLOCK_VARIANTS, lossProbability: 0.3, skewSeconds: 2, drift: 0.1 };
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);

/** the actions of `steps` steps of a scenario, the leader moving at random as faults hit it */
function actions(scenario: Scenario, n: number, seed: number, steps: number, o = OPTS): NemesisAction[] {
  const rand = mulberry32(seed);
  const plan = makePlan(scenario, o);
  const nodes = ids(n);
  const out: NemesisAction[] = [];
  for (let i = 0; i < steps; i++) {
    const leader = rand() < 0.9 ? nodes[Math.floor(rand() * n)] : null;
    const a = plan.next({ nodes, leader, rand });
    if (a) out.push(a);
  }
  return out;
}

const cluster = fc.record({ n: fc.integer({ min: 1, max: 9 }), seed: fc.integer({ min: 0, max: 2 ** 31 }) });

describe('nemesis plans', () => {
  it('chaos flips between a start and the stop of the same family', () => {
    fc.assert(
      fc.property(cluster, ({ n, seed }) => {
        const as = actions('chaos', n, seed, 40);
        for (let i = 0; i < as.length; i += 2) {
          expect(as[i].f.startsWith('start-')).toBe(true);
          expect(as[i + 1].f).toBe(`stop-${as[i].f.slice(6)}`);
        }
      }),
    );
  });

  it('chaos only uses the chosen families, and kills or pauses at most a minority', () => {
    fc.assert(
      fc.property(cluster, fc.subarray([...FAMILIES], { minLength: 1 }), ({ n, seed }, families) => {
        for (const a of actions('chaos', n, seed, 40, { ...OPTS, families })) {
          expect(families).toContain(a.f.replace(/^(start|stop)-/, ''));
          if (a.f === 'start-kill' || a.f === 'start-pause') {
            expect(a.nodes.length).toBeGreaterThan(0);
            expect(a.nodes.length).toBeLessThanOrEqual(Math.max(1, Math.floor(n / 2)));
          }
        }
      }),
    );
  });

  it('clock faults: offsets and drift rates of the configured size, strobes between an offset and zero, lease on the leader', () => {
    fc.assert(
      fc.property(cluster, ({ n, seed }) => {
        for (const a of actions('chaos', n, seed, 40, { ...OPTS, families: ['clock'] })) {
          if (a.f !== 'start-clock') continue;
          if (a.variant === 'offset') for (const x of Object.values(a.offsets)) expect(Math.abs(x)).toBeGreaterThanOrEqual(1 - 1e-9), expect(Math.abs(x)).toBeLessThanOrEqual(3 + 1e-9);
          if (a.variant === 'drift') for (const r of Object.values(a.rates)) expect(Math.abs(r - 1)).toBeGreaterThanOrEqual(0.05 - 1e-9), expect(Math.abs(r - 1)).toBeLessThanOrEqual(0.15 + 1e-9);
          if (a.variant === 'strobe') expect(a.periodMs).toBeGreaterThanOrEqual(1000); // libfaketime rereads its file once a second
          if (a.variant === 'lease') expect(a.offset).toBeLessThan(-8);
        }
      }),
    );
  });

  it('split-brain cuts the leader off from a majority when it isolates or splits by majority', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 2 ** 31 }), (n, seed) => {
        const rand = mulberry32(seed);
        const plan = makePlan('split-brain', OPTS);
        const nodes = ids(n);
        for (let i = 0; i < 20; i++) {
          const leader = nodes[Math.floor(rand() * n)];
          const a = plan.next({ nodes, leader, rand });
          if (a?.f !== 'start-partition') continue;
          expect(['isolate-leader', 'majority', 'majorities-ring', 'bridge']).toContain(a.topology);
          if (a.topology === 'isolate-leader') expect(a.grudge[leader].length).toBe(n - 1);
          // a `majority` split that would leave the leader with the majority becomes isolate-leader
          if (a.topology === 'majority') expect(a.grudge[leader].length).toBeGreaterThanOrEqual(Math.ceil(n / 2));
        }
      }),
    );
  });

  it('rolling-restart kills every node in turn, one at a time, and restarts it before the next', () => {
    fc.assert(
      fc.property(cluster, ({ n, seed }) => {
        const as = actions('rolling-restart', n, seed, 4 * n);
        as.forEach((a, i) => {
          if (i % 2 === 1) expect(a.f).toBe('stop-kill');
          else expect(a).toEqual({ f: 'start-kill', nodes: [`n${(i / 2) % n + 1}`] });
        });
      }),
    );
  });

  it('cascading kills one more node each step until a majority is down, leader first, then restarts all', () => {
    fc.assert(
      fc.property(cluster, ({ n, seed }) => {
        const as = actions('cascading', n, seed, 30);
        const down = new Set<string>();
        let maxDown = 0;
        for (const a of as) {
          if (a.f === 'stop-kill') {
            expect(down.size).toBe(Math.floor(n / 2) + 1); // quorum lost before the restart
            down.clear();
          } else if (a.f === 'start-kill') {
            expect(a.nodes).toHaveLength(1);
            expect(down.has(a.nodes[0])).toBe(false);
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
});
