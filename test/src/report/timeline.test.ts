import { describe, expect, it } from 'vitest';
import type { Op } from '../../../src/history/types.js';
import { renderTimelineHtml, timelineData } from '../../../src/report/timeline.js';
import { largeRunSample } from '../../support/report-samples.js';

let index = 0;
const ev = (time: number, type: Op['type'], process: Op['process'], f: string, value: unknown = null, extra: Partial<Op> = {}): Op => ({
  index: index++,
  time,
  type,
  process,
  f,
  value,
  ...extra,
});
const MS = 1e6;

describe('the timeline', () => {
  index = 0;
  const ops = [
    ev(0, 'invoke', 0, 'write', 3),
    ev(1 * MS, 'invoke', 1, 'read'),
    ev(2 * MS, 'info', 'nemesis', 'start-partition', { n1: ['n2'] }),
    ev(3 * MS, 'ok', 0, 'write', 3, { node: 'n1' }),
    ev(4 * MS, 'ok', 1, 'read', 3),
    ev(5 * MS, 'invoke', 0, 'cas', [3, 4]),
    ev(6 * MS, 'fail', 0, 'cas', [3, 4], { error: 'precondition' }),
    ev(7 * MS, 'invoke', 1, 'write', 5),
    ev(8 * MS, 'info', 1, 'write', 5),
    ev(9 * MS, 'info', 'nemesis', 'stop-partition'),
    ev(10 * MS, 'invoke', 3, 'read'), // process 1's successor after its info
    ev(11 * MS, 'invoke', 2, 'write', 'x'.repeat(500)),
  ];

  it('embeds every client op: times in ms, outcome, values, error and node; the fault windows; the anomalies', () => {
    const d = timelineData(ops, { title: 'run', anomalies: [{ label: 'linearizable: x', indexes: [5] }], textBudget: 1000 });
    expect(d.s).toEqual([0, 1, 5, 7, 10, 11]);
    expect(d.e).toEqual([3, 4, 6, 8, -1, -1]);
    expect(d.o).toEqual([0, 0, 1, 2, 3, 3]);
    expect(d.f.map((f) => d.fs[f])).toEqual(['write', 'read', 'cas', 'write', 'read', 'write']);
    expect(d.vi.slice(0, 4)).toEqual(['3', 'null', '[3,4]', '5']);
    expect(d.vo.slice(0, 3)).toEqual(['3', '3', '']);
    expect(d.er[2]).toBe('precondition');
    expect(d.nodes[d.nd[0]]).toBe('n1');
    expect(d.ii).toEqual([0, 1, 5, 7, 10, 11]);
    expect(d.faults).toEqual([{ f: 'partition', start: 2, stop: 9, closed: true, value: '{"n1":["n2"]}' }]);
    expect(d.anomalies).toEqual([{ label: 'linearizable: x', indexes: [5] }]);
    // a huge value is cut to its share of the budget, and says where the whole is
    expect(d.cut).toBe(1);
    expect(d.vi[5]).toMatch(/^"x{159}… \(342 more characters; history\.jsonl index 11\)$/);
  });

  it('packs processes into lanes: a worker\u2019s successor after an info shares its lane', () => {
    const d = timelineData(ops);
    expect(d.lanes).toEqual([
      [0, 2],
      [1, 3],
    ]); // 2 starts after 0 ended: the lane is free
    expect(d.l).toEqual([0, 1, 0, 1, 1, 0]);
  });

  it('takes a 100,000-op run whole, every fault window included, in a bounded page', () => {
    const big = largeRunSample(100_000, 64);
    const d = timelineData(big);
    expect(d.s).toHaveLength(100_000);
    expect(d.faults).toHaveLength(10);
    expect(d.lanes.length).toBeLessThanOrEqual(70); // about one lane per worker
    const html = renderTimelineHtml(big, { title: 'big' });
    expect(html.length).toBeLessThan(16e6);
  });

  it('escapes the title and keeps the embedded data from closing its script element', () => {
    const evil = '</script><script>alert(1)</script>';
    const html = renderTimelineHtml([ev(0, 'invoke', 0, evil, evil), ev(1, 'ok', 0, evil, evil)], { title: evil });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&#60;/script&#62;');
    expect(html.match(/<\/script>/g)).toHaveLength(2); // the data's and the code's
  });
});
