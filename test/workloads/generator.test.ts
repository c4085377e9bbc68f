import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/controller/random.js';
import {
  delay,
  eachThread,
  fn,
  type GenContext,
  type Generator,
  limit,
  mix,
  once,
  PENDING,
  phases,
  repeat,
  reserve,
  stagger,
  take,
  timeLimit,
  untilOk,
} from '../../workloads/generator.js';

const ctx = (over: Partial<GenContext> = {}): GenContext => ({ time: 0, thread: 0, process: 0, rand: mulberry32(1), ...over });
const counter = (): Generator => {
  let i = 0;
  return fn(() => ({ f: 'w', value: i++ }));
};

describe('generators', () => {
  it('limit, once and repeat bound the number of ops', () => {
    expect(take(limit(3, counter()), 10, mulberry32(1)).map((o) => o.value)).toEqual([0, 1, 2]);
    expect(take(once({ f: 'r', value: null }), 10, mulberry32(1))).toHaveLength(1);
    expect(take(repeat({ f: 'r', value: 1 }, 4), 10, mulberry32(1))).toHaveLength(4);
  });

  it('mix draws from every generator by weight and drops exhausted ones', () => {
    const g = mix([repeat({ f: 'a', value: null }), repeat({ f: 'b', value: null }, 5)], [3, 1]);
    const ops = take(g, 400, mulberry32(7));
    expect(ops).toHaveLength(400);
    expect(ops.filter((o) => o.f === 'b')).toHaveLength(5);
    const h = mix([repeat({ f: 'a', value: null }), repeat({ f: 'b', value: null })], [3, 1]);
    const bs = take(h, 4000, mulberry32(3)).filter((o) => o.f === 'b').length;
    expect(bs).toBeGreaterThan(850);
    expect(bs).toBeLessThan(1150);
  });

  it('the same seed gives the same ops', () => {
    const run = () => take(mix([counter(), repeat({ f: 'r', value: null })]), 50, mulberry32(42));
    expect(run()).toEqual(run());
  });

  it('stagger paces ops at the mean rate across threads; delay spaces them exactly', () => {
    const ops = take(stagger(10, repeat({ f: 'a', value: null })), 1000, mulberry32(5), 4);
    const span = (ops.at(-1)!.at as number) - (ops[0].at as number);
    expect(span / 999).toBeGreaterThan(9);
    expect(span / 999).toBeLessThan(11);
    for (let i = 1; i < ops.length; i++) expect(ops[i].at!).toBeGreaterThanOrEqual(ops[i - 1].at!);
    const d = take(delay(25, repeat({ f: 'a', value: null })), 4, mulberry32(5));
    expect(d.map((o) => o.at)).toEqual([0, 25, 50, 75]);
  });

  it('a paced slot is never in the past: no burst after a stall', () => {
    const g = delay(10, repeat({ f: 'a', value: null }));
    g.next(ctx({ time: 0 }));
    const late = g.next(ctx({ time: 500 }));
    expect(late).toMatchObject({ at: 500 });
    expect(g.next(ctx({ time: 500 }))).toMatchObject({ at: 510 });
  });

  it('timeLimit ends at the limit, including ops scheduled past it', () => {
    const g = timeLimit(100, delay(40, repeat({ f: 'a', value: null })));
    expect(g.next(ctx({ time: 0 }))).toMatchObject({ at: 0 });
    expect(g.next(ctx({ time: 10 }))).toMatchObject({ at: 40 });
    expect(g.next(ctx({ time: 50 }))).toMatchObject({ at: 80 });
    expect(g.next(ctx({ time: 60 }))).toBeNull(); // the next slot, 120, is past the limit
    expect(timeLimit(100, repeat({ f: 'a', value: null })).next(ctx({ time: 0 }))).not.toBeNull();
  });

  it('phases waits for every op of a phase to complete before the next phase', () => {
    const g = phases(repeat({ f: 'a', value: null }, 2), once({ f: 'final', value: null }));
    expect(g.next(ctx({ thread: 0 }))).toMatchObject({ f: 'a' });
    expect(g.next(ctx({ thread: 1 }))).toMatchObject({ f: 'a' });
    expect(g.next(ctx({ thread: 2 }))).toBe(PENDING);
    g.update!({ thread: 0, type: 'ok', f: 'a' });
    expect(g.next(ctx({ thread: 2 }))).toBe(PENDING);
    g.update!({ thread: 1, type: 'info', f: 'a' });
    expect(g.next(ctx({ thread: 2 }))).toMatchObject({ f: 'final' });
    g.update!({ thread: 2, type: 'ok', f: 'final' });
    expect(g.next(ctx())).toBeNull();
  });

  it('untilOk retries one op at a time until one succeeds', () => {
    const g = untilOk(repeat({ f: 'read', value: null }));
    expect(g.next(ctx({ thread: 0 }))).toMatchObject({ f: 'read' });
    expect(g.next(ctx({ thread: 1 }))).toBe(PENDING);
    g.update!({ thread: 0, type: 'fail', f: 'read' });
    expect(g.next(ctx({ thread: 1 }))).toMatchObject({ f: 'read' });
    g.update!({ thread: 1, type: 'ok', f: 'read' });
    expect(g.next(ctx())).toBeNull();
  });

  it('eachThread gives every thread its own copy; reserve routes threads', () => {
    const g = eachThread(() => limit(2, counter()));
    const values = [0, 1, 0, 1].map((thread) => (g.next(ctx({ thread })) as { value: number }).value);
    expect(values).toEqual([0, 0, 1, 1]);
    expect(g.next(ctx({ thread: 0 }))).toBeNull();
    expect(g.next(ctx({ thread: 1 }))).toBeNull();
    expect(g.next(ctx({ thread: 2 }))).toMatchObject({ value: 0 });
    const r = reserve(2, repeat({ f: 'write', value: null }), repeat({ f: 'read', value: null }));
    expect([0, 1, 2, 3].map((thread) => (r.next(ctx({ thread })) as { f: string }).f)).toEqual(['write', 'write', 'read', 'read']);
  });

  it('mix is PENDING only when every live generator is', () => {
    const blocked = untilOk(repeat({ f: 'x', value: null }));
    blocked.next(ctx());
    expect(mix([blocked]).next(ctx())).toBe(PENDING);
    expect(mix([blocked, repeat({ f: 'y', value: null })]).next(ctx())).toMatchObject({ f: 'y' });
    expect(mix([limit(0, counter())]).next(ctx())).toBeNull();
  });
});
