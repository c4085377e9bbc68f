import { describe, expect, it } from 'vitest';
import { checkReplicas } from '../../checkers/replicas.js';

const r = (node: string, index: number, digest: string) => ({ node, index, digest });

describe('the replicas checker', () => {
  it('is valid when every node at one log position holds the same state', () => {
    const res = checkReplicas([r('n1', 40, 'a'), r('n2', 40, 'a'), r('n3', 40, 'a')], 9);
    expect(res).toMatchObject({ valid: true, index: 40, compared: ['n1', 'n2', 'n3'], groups: [{ digest: 'a', nodes: ['n1', 'n2', 'n3'] }], leftOut: [] });
    expect(res.firstAnomalyNs).toBeUndefined();
  });

  it('is invalid when nodes at one position differ, naming who holds what, at the time of the readings', () => {
    const res = checkReplicas([r('n1', 40, 'a'), r('n2', 40, 'b'), r('n3', 40, 'a')], 77);
    expect(res.valid).toBe(false);
    expect(res.groups).toEqual([
      { digest: 'a', nodes: ['n1', 'n3'] },
      { digest: 'b', nodes: ['n2'] },
    ]);
    expect(res.firstAnomalyNs).toBe(77);
  });

  it('compares the position most nodes share; a node elsewhere, silent or damaged is left out, not judged', () => {
    const res = checkReplicas(
      [r('n1', 40, 'a'), r('n2', 38, 'z'), r('n3', 40, 'a'), { node: 'n4', missing: 'no answer' }, r('n5', 40, 'q')],
      5,
      new Set(['n5']),
    );
    expect(res).toMatchObject({ valid: true, index: 40, compared: ['n1', 'n3'] });
    expect(res.leftOut).toEqual([
      { node: 'n4', why: 'no answer' },
      { node: 'n5', why: 'data damaged by the nemesis' },
      { node: 'n2', why: 'at position 38, not 40' },
    ]);
  });

  it('is unknown when no two nodes share a position', () => {
    const res = checkReplicas([r('n1', 40, 'a'), r('n2', 41, 'b'), { node: 'n3', missing: 'no answer' }], 5);
    expect(res.valid).toBe('unknown');
    expect(res.compared).toEqual([]);
  });
});
