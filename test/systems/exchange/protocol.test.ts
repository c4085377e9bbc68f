import { describe, expect, it } from 'vitest';
import { type Health, leaderOf } from '../../../systems/exchange/protocol.js';

const h = (id: string, role: Health['role'], term: number): Health => ({ id, role, term, leader: null, commitIndex: 0, appliedIndex: 0, now: 0, options: {} });

describe('leaderOf', () => {
  it('picks the node that says it leads in the highest term (a deposed leader may not know yet)', () => {
    const old = h('n1', 'leader', 3);
    const current = h('n2', 'leader', 4);
    expect(leaderOf([old, null, current, h('n3', 'follower', 4)])).toBe(current);
  });

  it('is null when no node that answered leads', () => {
    expect(leaderOf([null, h('n1', 'candidate', 5), h('n2', 'follower', 5)])).toBeNull();
  });
});
