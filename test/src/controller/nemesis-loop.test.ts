import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../../../nemesis/families.js';
import { TOPOLOGIES } from '../../../nemesis/grudge.js';
import { Nemesis } from '../../../nemesis/nemesis.js';
import { PACKET_FAMILIES } from '../../../nemesis/netem-plan.js';
import { CLOCK_VARIANTS, makePlan, type PlanView } from '../../../nemesis/plan.js';
import { runNemesisLoop } from '../../../src/controller/nemesis-loop.js';
import { mulberry32 } from '../../../src/controller/random.js';
import { Recorder } from '../../../src/controller/recorder.js';
import { FakeRuntime } from '../../support/fake-runtime.js';

/** the loop over a fake cluster, on a fake clock that the loop's waits advance */
async function loop(seed: number, endMs = 120_000) {
  const rt = new FakeRuntime(5);
  const recorder = new Recorder(null);
  let now = 0;
  const waits: number[] = [];
  const nemesis = new Nemesis(rt);
  const report = await runNemesisLoop({
    nemesis,
    // clock, disk and packet faults wait in real time or need real namespaces (libfaketime, a restarted node, netq):
    // kept out of the fast loop tests (test/nemesis covers them)
    plan: makePlan('chaos', {
      families: FAMILIES.filter((f) => !['clock', 'power-cut', 'corrupt'].includes(f) && !(PACKET_FAMILIES as readonly string[]).includes(f)),
      topologies: TOPOLOGIES,
      clockVariants: CLOCK_VARIANTS,
      lossProbability: 0.3,
      skewSeconds: 2,
      drift: 0.1,
      maxFaults: 3,
      tear: 0.3,
      corruptions: ['bitflip'],
    }),
    rand: mulberry32(seed),
    cluster: rt,
    recorder,
    intervalS: 5,
    clock: () => now,
    endMs,
    stopped: () => false,
    log: pino({ level: 'silent' }),
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  return { rt, nemesis, ops: recorder.ops, report, waits };
}

describe('the nemesis loop', () => {
  it('tells the plan how much of the run is left (a lease breaker dealt too late would resume after the load)', async () => {
    const rt = new FakeRuntime(5);
    const seen: { remainingMs: number | undefined; at: number }[] = [];
    let now = 0;
    await runNemesisLoop({
      nemesis: new Nemesis(rt),
      plan: {
        next(v: PlanView) {
          seen.push({ remainingMs: v.remainingMs, at: now });
          return null;
        },
      },
      rand: mulberry32(5),
      cluster: rt,
      recorder: new Recorder(null),
      intervalS: 5,
      clock: () => now,
      endMs: 30_000,
      stopped: () => false,
      log: pino({ level: 'silent' }),
      sleep: async (ms) => {
        now += ms;
      },
    });
    expect(seen.length).toBeGreaterThan(1);
    for (const { remainingMs, at } of seen) expect(remainingMs).toBe(30_000 - at);
  });

  it('records every applied fault with its target and the leader of the moment, and heals everything at the end', async () => {
    const { rt, nemesis, ops, report } = await loop(3);
    const starts = ops.filter((o) => o.f.startsWith('start-'));
    expect(starts.length).toBe(report.faults);
    expect(report.failures).toBe(0);
    expect(starts.length).toBeGreaterThan(5);
    for (const o of ops) {
      expect(o.process).toBe('nemesis');
      expect(o.type).toBe('info');
      expect(o.value).toHaveProperty('currentLeader');
    }
    for (const o of starts.filter((x) => x.f === 'start-kill' || x.f === 'start-pause')) expect(o.value).toHaveProperty('target');
    // after the final heal: no rule, every node running and thawed
    for (const n of rt.nodes) {
      expect(rt.rulesOf(n.id)).toEqual([]);
      expect(await rt.state(n.id)).toEqual({ running: true, paused: false });
    }
    // nothing left in force, and every family with a fault in force at the end was stopped by the final heal
    expect(nemesis.inForce()).toEqual([]);
    const healStart = ops.findIndex((o, i) => o.f.startsWith('stop-') && ops.slice(i).every((x) => x.f.startsWith('stop-')));
    expect(healStart).toBeGreaterThan(0);
  });

  it('staggers its waits uniformly over 0 to twice the interval', async () => {
    const { waits } = await loop(5, 2_000_000);
    const steps = waits.slice(1, -1);
    expect(steps.length).toBeGreaterThan(100);
    expect(Math.max(...steps)).toBeLessThanOrEqual(10_000);
    expect(Math.max(...steps)).toBeGreaterThan(9_000);
    expect(Math.min(...steps)).toBeLessThan(1_000);
    const mean = steps.reduce((a, b) => a + b, 0) / steps.length;
    expect(mean).toBeGreaterThan(4_000);
    expect(mean).toBeLessThan(6_000);
  });

  it('replays the same faults from the same seed', async () => {
    const a = (await loop(9)).ops.map((o) => [o.f, o.value]);
    const b = (await loop(9)).ops.map((o) => [o.f, o.value]);
    expect(a).toEqual(b);
  });
});
