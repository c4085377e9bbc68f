import { describe, expect, it } from 'vitest';
import { checkElectionSafety, damagedNodes } from '../../checkers/election.js';
import type { Op } from '../../src/history/types.js';

describe('election safety from leader claims', () => {
  it('is valid when every term has one leader, however often it is seen', () => {
    const r = checkElectionSafety([
      { node: 'n1', term: 1, atNs: 10 },
      { node: 'n1', term: 1, atNs: 20 },
      { node: 'n2', term: 2, atNs: 30 },
      { node: 'n1', term: 3, atNs: 40 },
    ]);
    expect(r).toMatchObject({ valid: true, claims: 3, terms: 3, twoLeaders: [], exempt: 0 });
    expect(r.firstAnomalyNs).toBeUndefined();
  });

  it('finds two leaders of one term seen far apart, dated when the second was seen', () => {
    const r = checkElectionSafety([
      { node: 'n5', term: 2, atNs: 29 },
      { node: 'n1', term: 3, atNs: 31 },
      { node: 'n3', term: 2, atNs: 41 },
      { node: 'n5', term: 2, atNs: 50 },
    ]);
    expect(r.valid).toBe(false);
    expect(r.twoLeaders).toEqual([
      {
        term: 2,
        leaders: [
          { node: 'n5', atNs: 29 },
          { node: 'n3', atNs: 41 },
        ],
      },
    ]);
    expect(r.firstAnomalyNs).toBe(41);
  });

  it('leaves out the claims of a node after the nemesis damaged its data, not before', () => {
    const claims = [
      { node: 'n1', term: 4, atNs: 10 },
      { node: 'n2', term: 4, atNs: 60 },
    ];
    expect(checkElectionSafety(claims, new Map([['n2', 50]]))).toMatchObject({ valid: true, exempt: 1 });
    expect(checkElectionSafety(claims, new Map([['n2', 70]])).valid).toBe(false);
  });

  it('counts as damaged a node that ran on damaged data, not one repaired before it could (it refused, or stayed down)', () => {
    const nem = (time: number, f: string, value: unknown): Op => ({ index: 0, time, type: 'info', process: 'nemesis', f, value }) as Op;
    const corrupt = (time: number, node: string) => nem(time, 'start-corrupt', { node, corruption: { kind: 'bitflip' } });
    const ops = [
      corrupt(10, 'n1'), // refused, repaired
      nem(20, 'stop-corrupt', { repaired: ['n1'], restarted: ['n1'] }),
      corrupt(30, 'n2'), // started on the damage, kept it
      nem(40, 'stop-corrupt', { repaired: [], keptDamage: ['n2'] }),
      corrupt(50, 'n3'), // still in force at the end
      nem(55, 'start-corrupt', { node: 'n4', skipped: 'no non-empty file to damage' }),
    ];
    expect([...damagedNodes(ops)]).toEqual([
      ['n2', 30],
      ['n3', 50],
    ]);
  });
});
