import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTarget, TARGETS, weighted } from '../../nemesis/targets.js';
import { mulberry32 } from '../../src/controller/random.js';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);

describe('fault targets', () => {
  it('resolve to distinct cluster nodes of the size the target names', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(...TARGETS), (n, seed, t) => {
        const nodes = ids(n);
        const leader = nodes[seed % n];
        const got = resolveTarget(t, nodes, leader, mulberry32(seed));
        expect(new Set(got).size).toBe(got.length);
        for (const x of got) expect(nodes).toContain(x);
        const sizes = {
          one: [1, 1],
          leader: [1, 1],
          minority: [1, Math.max(1, Math.floor(n / 2))],
          majority: [Math.floor(n / 2) + 1, Math.floor(n / 2) + 1],
          'minority-third': [Math.max(1, Math.floor(n / 3)), Math.max(1, Math.floor(n / 3))],
          all: [n, n],
        }[t];
        expect(got.length).toBeGreaterThanOrEqual(Math.min(n, sizes[0]));
        expect(got.length).toBeLessThanOrEqual(Math.min(n, sizes[1]));
        if (t === 'leader') expect(got).toEqual([leader]);
      }),
    );
  });

  it('weighted draws follow their weights', () => {
    const rand = mulberry32(1);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 10_000; i++)
      counts[
        weighted(
          [
            ['a', 3],
            ['b', 1],
          ] as const,
          rand,
        )
      ]++;
    expect(counts.a / 10_000).toBeGreaterThan(0.72);
    expect(counts.a / 10_000).toBeLessThan(0.78);
  });
});
