import { describe, expect, it } from 'vitest';
import type { Op } from '../../../src/history/types.js';
import { faultWindows } from '../../../src/report/faults.js';
import { renderLatencySvg, renderPerfHtml, renderRateSvg } from '../../../src/report/perf.js';
import { perfSample } from '../../support/report-samples.js';

const EVIL = '</title><script>alert(1)</script>';

function evilHistory(): Op[] {
  const ops = perfSample(3).filter((o) => o.time < 5e9);
  ops.push({ index: ops.length, time: 1e9, type: 'info', process: 'nemesis', f: `start-${EVIL}`, value: EVIL });
  ops.push({ index: ops.length, time: 2e9, type: 'info', process: 'nemesis', f: `stop-${EVIL}`, value: null });
  return ops.sort((a, b) => a.time - b.time).map((o, index) => ({ ...o, index }));
}

describe('perf pictures', () => {
  const ops = perfSample();
  const faults = faultWindows(ops);

  it('shades each fault window with its family named, the unclosed kill to the end', () => {
    expect(faults.map((w) => [w.f, w.start / 1e9, w.closed])).toEqual([
      ['partition', 15, true],
      ['kill', 40, false],
    ]);
    const svg = renderLatencySvg(ops, faults);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true); // a standalone .svg file
    expect(svg).toContain('>partition</text>');
    expect(svg).toContain('>kill</text>');
    expect(svg.match(/fill-opacity="0.12"/g)).toHaveLength(2);
  });

  it('draws ok, fail and info latency points on a log axis in ms', () => {
    const svg = renderLatencySvg(ops, faults);
    for (const o of ['ok', 'fail', 'info']) expect(svg).toMatch(new RegExp(`<path d="M[^"]+"[^>]*><title>${o}</title>`));
    // decades from the fastest (2 ms) to the slowest (seconds) op
    for (const tick of ['>1</text>', '>10</text>', '>100</text>', '>1000</text>']) expect(svg).toContain(tick);
  });

  it('plots one step per 1 s bucket per outcome', () => {
    const svg = renderRateSvg(ops, faults);
    const ok = /<polyline points="([^"]+)"[^>]*><title>ok<\/title>/.exec(svg);
    expect(ok).not.toBeNull();
    expect(ok?.[1].split(' ')).toHaveLength(2 * 61); // 60.x s of history: 61 buckets, two points each
  });

  it('escapes fault names and values, and holds no external address', () => {
    const evil = evilHistory();
    const html = renderPerfHtml(evil, { title: EVIL });
    for (const out of [html, renderLatencySvg(evil, faultWindows(evil)), renderRateSvg(evil, faultWindows(evil))]) {
      expect(out).not.toContain('<script>');
    }
    expect(html).toContain('&#60;script&#62;alert(1)');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('tables latency quantiles per f and outcome', () => {
    const html = renderPerfHtml(ops, { title: 'run' });
    expect(html).toMatch(/<td class="mono">read<\/td><td>.*ok<\/td><td class="num">\d+<\/td>/);
    expect(html).toContain('(end, never stopped)');
  });

  it('keeps an empty history drawable', () => {
    expect(renderLatencySvg([], [])).toContain('</svg>');
    expect(renderRateSvg([], [])).toContain('</svg>');
  });
});
