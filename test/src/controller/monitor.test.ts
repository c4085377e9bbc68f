import { describe, expect, it } from 'vitest';
import { LeaderWatch } from '../../../src/controller/monitor.js';
import type { NodeHealth } from '../../../src/sut/types.js';

const h = (id: string, role: NodeHealth['role'], term: number): NodeHealth => ({
  id,
  role,
  term,
  leader: role === 'leader' ? id : null,
  commitIndex: 0,
  appliedIndex: 0,
});

describe('LeaderWatch', () => {
  it('counts the terms led and keeps each (node, term) leadership once, when first seen', async () => {
    let t = 100;
    const nodes = [{ id: 'n1' }, { id: 'n2' }];
    const polls: (NodeHealth | null)[][] = [
      [h('n1', 'leader', 2), h('n2', 'follower', 2)],
      [h('n1', 'leader', 2), null],
      [h('n1', 'follower', 3), h('n2', 'leader', 3)],
    ];
    const watch = new LeaderWatch({ nodes, health: async () => null }, 20, () => t);
    for (const p of polls) {
      t += 10;
      watch.observe(p);
    }
    await watch.stop();
    expect(watch.elections).toBe(2);
    expect(watch.claims).toEqual([
      { node: 'n1', term: 2, atNs: 110 },
      { node: 'n2', term: 3, atNs: 130 },
    ]);
  });
});
