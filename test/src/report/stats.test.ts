import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Op } from '../../../src/history/types.js';
import { bucketCounts, completedOps, latencyStats, quantile } from '../../../src/report/stats.js';

describe('quantile (nearest rank)', () => {
  it('picks the expected ranks', () => {
    const xs = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(xs, 0.5)).toBe(50);
    expect(quantile(xs, 0.95)).toBe(95);
    expect(quantile(xs, 0.99)).toBe(99);
    expect(quantile(xs, 1)).toBe(100);
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('is a member of the data, monotone in q, and has at least q·n values at or below it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 60 }), fc.double({ min: 0, max: 1, noNaN: true }), (raw, q) => {
        const xs = Float64Array.from(raw).sort();
        const v = quantile(xs, q);
        expect(raw).toContain(v);
        expect(xs.filter((x) => x <= v).length).toBeGreaterThanOrEqual(Math.ceil(q * xs.length));
        expect(quantile(xs, Math.min(1, q + 0.1))).toBeGreaterThanOrEqual(v);
      }),
    );
  });
});

describe('bucketCounts', () => {
  it('counts per second, the end time closing the last bucket', () => {
    expect([...bucketCounts([0, 0.5e9, 1e9, 2.99e9, 3e9], 1e9, 3e9)]).toEqual([2, 1, 2]);
    expect([...bucketCounts([], 1e9, 0)]).toEqual([0]);
  });

  it('loses no time and puts each in its own bucket', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 })), (ts) => {
        const end = Math.max(0, ...ts);
        const counts = bucketCounts(ts, 1000, end);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(ts.length);
        expect(counts.length).toBe(Math.max(1, Math.ceil(end / 1000)));
      }),
    );
  });
});

describe('completedOps and latencyStats', () => {
  let i = 0;
  const ev = (time: number, type: Op['type'], process: Op['process'], f = 'read'): Op => ({ index: i++, time, type, process, f, value: null });
  const ops = [
    ev(0, 'invoke', 0),
    ev(1, 'invoke', 1, 'write'),
    ev(5, 'info', 'nemesis', 'start-kill'),
    ev(2e6, 'ok', 0),
    ev(4e6, 'fail', 1, 'write'),
    ev(5e6, 'invoke', 0),
    ev(9e6, 'info', 0),
    ev(9e6, 'invoke', 2), // never completes
  ];

  it('pairs each process’s invocation with its completion and skips the nemesis and open ops', () => {
    expect(completedOps(ops)).toEqual([
      { process: 0, f: 'read', outcome: 'ok', start: 0, end: 2e6 },
      { process: 1, f: 'write', outcome: 'fail', start: 1, end: 4e6 },
      { process: 0, f: 'read', outcome: 'info', start: 5e6, end: 9e6 },
    ]);
  });

  it('reports count, rate and quantiles in ms per f and outcome', () => {
    const s = latencyStats(completedOps(ops), 2e9);
    expect(s.map((x) => [x.f, x.outcome, x.count, x.rate, x.p50, x.max])).toEqual([
      ['read', 'info', 1, 0.5, 4, 4],
      ['read', 'ok', 1, 0.5, 2, 2],
      ['write', 'fail', 1, 0.5, 4e6 / 1e6 - 1e-6, 4 - 1e-6],
    ]);
  });
});
