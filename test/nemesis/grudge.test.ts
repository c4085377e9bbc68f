import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grudgeFor, TOPOLOGIES } from '../../nemesis/grudge.js';
import { mulberry32 } from '../../src/controller/random.js';

const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const args = fc.record({ n: fc.integer({ min: 3, max: 9 }), seed: fc.integer({ min: 0, max: 2 ** 31 }), l: fc.integer({ min: 0, max: 8 }) });

describe('partition topologies', () => {
  it('every grudge names only cluster nodes and never a node against itself', () => {
    fc.assert(
      fc.property(args, fc.constantFrom(...TOPOLOGIES), ({ n, seed, l }, t) => {
        const nodes = ids(n);
        const g = grudgeFor(t, nodes, mulberry32(seed), nodes[l % n]);
        for (const [x, enemies] of Object.entries(g)) {
          expect(nodes).toContain(x);
          expect(enemies).not.toContain(x);
          for (const e of enemies) expect(nodes).toContain(e);
        }
      }),
    );
  });

  it('the leader-defined topologies: isolated, on the minority side, the only bridge; bridge puts another node in the middle', () => {
    fc.assert(
      fc.property(args, ({ n, seed, l }) => {
        const nodes = ids(n);
        const leader = nodes[l % n];
        const rand = mulberry32(seed);
        expect(grudgeFor('isolate-leader', nodes, rand, leader)[leader]).toHaveLength(n - 1);
        const minority = grudgeFor('leader-minority', nodes, rand, leader);
        expect(minority[leader].length).toBe(n - Math.floor(n / 2)); // it drops the majority side
        const bridge = grudgeFor('leader-bridge', nodes, rand, leader);
        expect(bridge[leader]).toEqual([]);
        expect(Object.values(bridge).filter((e) => e.length === 0)).toHaveLength(1);
        const other = grudgeFor('bridge', nodes, rand, leader);
        expect(other[leader].length).toBeGreaterThan(0);
      }),
    );
  });
});
