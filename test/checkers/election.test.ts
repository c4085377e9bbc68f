import { describe, expect, it } from 'vitest';
import { checkElectionSafety } from '../../checkers/election.js';

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
});
