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
