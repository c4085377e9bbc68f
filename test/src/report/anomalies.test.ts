import { describe, expect, it } from 'vitest';
import { checkAppend } from '../../../checkers/append.js';
import type { Op } from '../../../src/history/types.js';
import { anomalyText, describeAnomalies } from '../../../src/report/anomalies.js';
import { invalidRegisterSample } from '../../support/report-samples.js';

describe('describeAnomalies', () => {
  it('says nothing of valid checkers and names what each failing one found', () => {
    const lin = invalidRegisterSample();
    const found = describeAnomalies({
      stats: { valid: true },
      linearizable: lin,
      set: { valid: false, attempted: 10, lost: [3, 4], unexpected: [], stale: [7], staleReads: [{ element: 7, read: 42 }], finalRead: true },
      bank: { valid: false, reads: 9, expectedTotal: 100, wrongTotal: [{ index: 12, total: 90 }], negative: [] },
      orders: { valid: 'unknown', finalRead: false },
      broken: { valid: 'unknown', error: 'checker failed: boom\n at x' },
    });
    expect(found.map((a) => [a.checker, a.verdict])).toEqual([
      ['linearizable', 'invalid'],
      ['set', 'invalid'],
      ['bank', 'invalid'],
      ['orders', 'unknown'],
      ['broken', 'unknown'],
    ]);
    const [l, s, b, o, e] = found;
    expect(l.headline).toContain(lin.anomaly?.op.description);
    expect(l.headline).toContain(lin.anomaly?.reason);
    expect(l.indexes).toEqual([lin.anomaly?.op.invokeIndex]);
    expect(s.headline).toBe('2 lost, 1 stale of 10 attempted adds');
    expect(s.indexes).toEqual([42]);
    expect(b.details).toEqual(['the read at history index 12 adds up to 90, not 100']);
    expect(o.headline).toContain('final read');
    expect(e.headline).toBe('checker failed: boom');
    expect(anomalyText(b)).toBe(
      'bank: 1 read with a wrong total, 0 with a negative balance (of 9 reads)\n  the read at history index 12 adds up to 90, not 100',
    );
  });

  it("names the append checker's anomalies with their reads, from the checker's own result", () => {
    const h: Op[] = [];
    const ev = (type: Op['type'], f: string, value: unknown) => h.push({ index: h.length, time: h.length, type, process: 0, f, value });
    ev('invoke', 'append', ['k', 1]);
    ev('ok', 'append', ['k', 1]);
    ev('invoke', 'read', ['k', null]);
    ev('ok', 'read', ['k', [1, 1]]);
    const [a] = describeAnomalies({ append: checkAppend(h) });
    expect(a).toMatchObject({ checker: 'append', verdict: 'invalid', headline: '1 duplicated in 1 reads of 1 lists', indexes: [2] });
    expect(a.details).toEqual([
      '1 reads showing an element twice (an append applied twice): 1 distinct elements',
      '  key k, element 1: the read at history index 2 (its append at 0)',
    ]);
  });

  it('says which replicas diverged, where, and which term had two leaders', () => {
    const [e, r, c] = describeAnomalies({
      election: {
        valid: false,
        twoLeaders: [
          {
            term: 7,
            leaders: [
              { node: 'n1', atNs: 1 },
              { node: 'n3', atNs: 2 },
            ],
          },
        ],
      },
      replicas: {
        valid: false,
        index: 40,
        groups: [
          { digest: 'aaaaaaaaaaaaaaaa', nodes: ['n1', 'n2'] },
          { digest: 'bbbbbbbbbbbbbbbb', nodes: ['n3'] },
        ],
        leftOut: [{ node: 'n5', why: 'no answer' }],
      },
      checkpoints: {
        valid: false,
        compared: 30,
        diverged: 2,
        first: {
          index: 200,
          groups: [
            { digest: 'cccccccccccccccc', nodes: ['n1', 'n2', 'n3'] },
            { digest: 'dddddddddddddddd', nodes: ['n4'] },
          ],
        },
      },
    });
    expect(e).toMatchObject({ checker: 'election', headline: "two leaders in one term: 1 term (Raft's election safety)", details: ['term 7: n1, n3'] });
    expect(r.headline).toBe('replicas at log position 40 hold 2 different states: n1 n2 (aaaaaaaaaaaa) | n3 (bbbbbbbbbbbb)');
    expect(r.details).toEqual(['left out n5: no answer']);
    expect(c.headline).toBe(
      'replicas applied different entries: 2 of 30 log positions compared, the first at position 200: n1 n2 n3 (cccccccccccc) | n4 (dddddddddddd)',
    );
    expect(describeAnomalies({ checkpoints: { valid: 'unknown', compared: 0, diverged: 0 } })[0].headline).toBe(
      'undecided: no log position was reported by two nodes',
    );
  });

  it('reads results of any shape without throwing', () => {
    expect(
      describeAnomalies({
        linearizable: { valid: false, anomaly: 'x' },
        set: { valid: false, lost: 'no' },
        append: { valid: false, anomalies: 3 },
        x: null,
        y: 3,
      }),
    ).toHaveLength(3);
  });
});
