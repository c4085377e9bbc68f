import { describe, expect, it } from 'vitest';
import { type CheckpointLog, type CheckpointsAt, checkCheckpoints } from '../../checkers/checkpoints.js';

/** positions as { index: { digest: [nodes, first seen] } } */
const logOf = (agreed: number, open: Record<number, Record<string, [string[], number]>>): CheckpointLog => ({
  agreed,
  open: new Map(
    Object.entries(open).map(([i, at]) => [
      Number(i),
      new Map(Object.entries(at).map(([d, [nodes, atNs]]) => [d, { nodes: new Set(nodes), atNs }])) as CheckpointsAt,
    ]),
  ),
});

describe('the checkpoints checker', () => {
  it('is valid when every position has one digest, counting folded and partly reported positions', () => {
    const r = checkCheckpoints(logOf(5, { 600: { a: [['n1', 'n2'], 10] }, 700: { b: [['n3'], 11] } }));
    expect(r).toEqual({ valid: true, compared: 6, diverged: 0 });
  });

  it('is unknown when no position was reported by two nodes', () => {
    expect(checkCheckpoints(logOf(0, { 100: { a: [['n1'], 1] } })).valid).toBe('unknown');
  });

  it('is invalid when a position has two digests, naming the lowest and when the second digest appeared', () => {
    const r = checkCheckpoints(
      logOf(3, {
        900: { x: [['n1', 'n2', 'n3'], 50], y: [['n4'], 80] },
        400: { a: [['n1', 'n2', 'n3', 'n5'], 20], b: [['n4'], 70] },
      }),
    );
    expect(r.valid).toBe(false);
    expect(r.diverged).toBe(2);
    expect(r.first).toEqual({
      index: 400,
      groups: [
        { digest: 'a', nodes: ['n1', 'n2', 'n3', 'n5'] },
        { digest: 'b', nodes: ['n4'] },
      ],
    });
    expect(r.firstAnomalyNs).toBe(70);
  });

  it('judges one node against itself: a node that applied different entries at one index in two incarnations', () => {
    expect(checkCheckpoints(logOf(0, { 100: { a: [['n2'], 5], b: [['n2'], 9] } })).valid).toBe(false);
  });

  it('leaves out a node whose data the nemesis damaged', () => {
    const r = checkCheckpoints(logOf(1, { 400: { a: [['n1', 'n2'], 20], b: [['n4'], 70] } }), new Set(['n4']));
    expect(r).toEqual({ valid: true, compared: 2, diverged: 0 });
  });
});
