import { describe, expect, it } from 'vitest';
import type { Op } from '../../../src/history/types.js';
import { lowerBound, renderTimelineHtml } from '../../../src/report/timeline.js';
import { perfSample } from '../../support/report-samples.js';

let index = 0;
const ev = (time: number, type: Op['type'], process: Op['process'], f: string, value: unknown = null, extra: Partial<Op> = {}): Op => ({ index: index++, time, type, process, f, value, ...extra });

describe('renderTimelineHtml', () => {
  const ops = [
    ev(0, 'invoke', 0, 'write', 3),
    ev(1, 'invoke', 1, 'read'),
    ev(2, 'info', 'nemesis', 'start-partition', { n1: ['n2'] }),
    ev(3, 'ok', 0, 'write', 3),
    ev(4, 'ok', 1, 'read', 3),
    ev(5, 'invoke', 0, 'cas', [3, 4]),
    ev(6, 'fail', 0, 'cas', [3, 4], { error: 'precondition' }),
    ev(7, 'invoke', 1, 'write', 5),
    ev(8, 'info', 1, 'write', 5),
    ev(9, 'info', 'nemesis', 'stop-partition'),
    ev(10, 'invoke', 2, 'read'),
  ];

  it('draws a column per process and a box per op coloured by outcome', () => {
    const html = renderTimelineHtml(ops, { title: 'run' });
    expect(html).toContain('process 0</div>');
    expect(html).toContain('process 2</div>');
    expect(html).not.toContain('process nemesis');
    const boxes = [...html.matchAll(/<div class="op (\w+)"[^>]*>([^<]*)<\/div>/g)].map((m) => [m[1], m[2]]);
    expect(boxes).toEqual([
      ['ok', 'write 3'],
      ['ok', 'read → 3'],
      ['fail', 'cas [3,4]'],
      ['info', 'write 5'],
      ['open', 'read'],
    ]);
    expect(html).toContain('error precondition');
    expect(html).toContain('5 client operations');
  });

  it('shades the fault window across the columns from start to stop', () => {
    const html = renderTimelineHtml(ops);
    const band = /<div class="band b0" style="top:(\d+)px;height:(\d+)px[^"]*"[^>]*><span>partition<\/span>/.exec(html);
    expect(band).not.toBeNull();
    // rows: 0 w, 1 r, 2 start, 3 ok, 4 ok, 5 cas, 6 fail, 7 w, 8 info, 9 stop, 10 r
    expect(Number(band?.[1])).toBe(2 * 16);
    expect(Number(band?.[2])).toBe(7 * 16);
  });

  it('draws only the first maxOps ops and says so', () => {
    const big = perfSample();
    const html = renderTimelineHtml(big, { maxOps: 100 });
    expect(html.match(/<div class="op /g)).toHaveLength(100);
    expect(html).toMatch(/Showing the first 100 of \d+ client operations/);
  });

  it('escapes values, fs and the title', () => {
    const evil = '<script>alert(1)</script>';
    const html = renderTimelineHtml([ev(0, 'invoke', 0, evil, evil), ev(1, 'ok', 0, evil, evil)], { title: evil });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
  });

  it('lowerBound finds the first time at or after t', () => {
    expect([0, 1, 5, 6, 7].map((t) => lowerBound([1, 5, 5, 6], t))).toEqual([0, 0, 1, 3, 4]);
  });
});
