import { describe, expect, it } from 'vitest';
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

  it('reads results of any shape without throwing', () => {
    expect(describeAnomalies({ linearizable: { valid: false, anomaly: 'x' }, set: { valid: false, lost: 'no' }, x: null, y: 3 })).toHaveLength(2);
  });
});
