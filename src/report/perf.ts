import type { Op } from '../history/types.js';
import { faultBands, fmt, frame, niceStep, OUTCOME_COLOR, outcomeLegend, plotBottom, svgOpen, timeAxis, xOf } from './chart.js';
import { type FaultWindow, faultWindows } from './faults.js';
import { BASE_CSS, esc } from './html.js';
import { bucketCounts, completedOps, historyEnd, latencyStats } from './stats.js';

const OUTCOMES = ['ok', 'fail', 'info'] as const;

/**
 * Latency of every completed client op against its invocation time, log-scale y (ms),
 * one point per op coloured by outcome, fault windows shaded. Points landing on the same
 * pixel are drawn once, so a million-op history stays a small picture.
 */
export function renderLatencySvg(ops: readonly Op[], faults: readonly FaultWindow[]): string {
  const done = completedOps(ops);
  const fr = frame(historyEnd(ops), faults);
  let lo = Infinity;
  let hi = 0;
  for (const c of done) {
    const ms = Math.max((c.end - c.start) / 1e6, 1e-3);
    if (ms < lo) lo = ms;
    if (ms > hi) hi = ms;
  }
  if (done.length === 0) [lo, hi] = [1, 10];
  const e0 = Math.floor(Math.log10(lo));
  const e1 = Math.max(e0 + 1, Math.ceil(Math.log10(hi)));
  const yb = plotBottom(fr);
  const yOf = (ms: number) => yb - ((Math.log10(Math.max(ms, 1e-3)) - e0) / (e1 - e0)) * (yb - fr.top);
  const parts = [svgOpen(fr, 'latency'), faultBands(fr, faults)];
  for (let e = e0; e <= e1; e++) {
    const y = yOf(10 ** e).toFixed(1);
    parts.push(
      `<line x1="${fr.left}" x2="${fr.width - fr.right}" y1="${y}" y2="${y}" stroke="#e3e7ee"/><text x="${fr.left - 6}" y="${y}" dy="4" text-anchor="end">${fmt(10 ** e)}</text>`,
    );
  }
  parts.push(`<text transform="translate(14 ${(fr.top + yb) / 2}) rotate(-90)" text-anchor="middle" fill="#5b6575">latency (ms, log)</text>`);
  // the common ok points first, so the rarer fail and info points stay visible on top
  for (const outcome of ['ok', 'fail', 'info'] as const) {
    const seen = new Uint8Array((fr.width + 2) * (fr.height + 2)); // one flag per pixel
    let d = '';
    for (const c of done) {
      if (c.outcome !== outcome) continue;
      const x = Math.round(xOf(fr, c.start));
      const y = Math.round(yOf((c.end - c.start) / 1e6));
      const k = x * (fr.height + 2) + y;
      if (seen[k] === 1) continue;
      seen[k] = 1;
      d += `M${x - 1.5} ${y}h3M${x} ${y - 1.5}v3`;
    }
    if (d) parts.push(`<path d="${d}" stroke="${OUTCOME_COLOR[outcome]}" stroke-width="2" stroke-opacity="0.8" fill="none"><title>${outcome}</title></path>`);
  }
  parts.push(timeAxis(fr), outcomeLegend(fr, OUTCOMES), '</svg>');
  return parts.join('');
}

/** Completions per second in 1 s buckets, one line per outcome, fault windows shaded. */
export function renderRateSvg(ops: readonly Op[], faults: readonly FaultWindow[]): string {
  const done = completedOps(ops);
  const end = historyEnd(ops);
  const fr = frame(end, faults);
  const bucket = 1e9;
  const series = OUTCOMES.map((o) => {
    const times: number[] = [];
    for (const c of done) if (c.outcome === o) times.push(c.end);
    return { outcome: o, counts: bucketCounts(times, bucket, end) };
  });
  let max = 1;
  for (const s of series) for (const n of s.counts) if (n > max) max = n;
  const step = niceStep(max / 5);
  const top = Math.ceil(max / step) * step;
  const yb = plotBottom(fr);
  const yOf = (n: number) => yb - (n / top) * (yb - fr.top);
  const parts = [svgOpen(fr, 'throughput'), faultBands(fr, faults)];
  for (let v = 0; v <= top; v += step) {
    const y = yOf(v).toFixed(1);
    parts.push(
      `<line x1="${fr.left}" x2="${fr.width - fr.right}" y1="${y}" y2="${y}" stroke="#e3e7ee"/><text x="${fr.left - 6}" y="${y}" dy="4" text-anchor="end">${v}</text>`,
    );
  }
  parts.push(`<text transform="translate(14 ${(fr.top + yb) / 2}) rotate(-90)" text-anchor="middle" fill="#5b6575">throughput (ops/s)</text>`);
  for (const s of series) {
    if (!s.counts.some((n) => n > 0)) continue;
    // a step line: each bucket's count held across its second
    const pts: string[] = [];
    s.counts.forEach((n, i) => {
      const y = yOf(n).toFixed(1);
      pts.push(`${xOf(fr, i * bucket).toFixed(1)},${y}`, `${xOf(fr, Math.min((i + 1) * bucket, Math.max(end, bucket))).toFixed(1)},${y}`);
    });
    parts.push(
      `<polyline points="${pts.join(' ')}" fill="none" stroke="${OUTCOME_COLOR[s.outcome]}" stroke-width="1.8"><title>${s.outcome}</title></polyline>`,
    );
  }
  parts.push(timeAxis(fr), outcomeLegend(fr, OUTCOMES), '</svg>');
  return parts.join('');
}

/** A page with both pictures, the fault windows and a latency table per f and outcome. */
export function renderPerfHtml(ops: readonly Op[], meta: { title: string }): string {
  const faults = faultWindows(ops);
  const end = historyEnd(ops);
  const stats = latencyStats(completedOps(ops), end);
  const inline = (svg: string) => svg.replace(' xmlns="http://www.w3.org/2000/svg"', ''); // HTML needs no namespace
  const rows = stats
    .map(
      (s) =>
        `<tr><td class="mono">${esc(s.f)}</td><td><span class="dot" style="background:${OUTCOME_COLOR[s.outcome]}"></span>${s.outcome}</td><td class="num">${s.count}</td><td class="num">${s.rate.toFixed(1)}</td>` +
        [s.p50, s.p95, s.p99, s.max].map((v) => `<td class="num">${v.toFixed(2)}</td>`).join('') +
        '</tr>',
    )
    .join('');
  const faultRows = faults
    .map(
      (w) =>
        `<tr><td class="mono">${esc(w.f)}</td><td class="num">${(w.start / 1e9).toFixed(2)}</td><td class="num">${(w.stop / 1e9).toFixed(2)}${w.closed ? '' : ' (end, never stopped)'}</td><td class="mono">${esc(JSON.stringify(w.value) ?? '')}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(meta.title)}: performance</title>
<style>${BASE_CSS}td.num{text-align:right;font-variant-numeric:tabular-nums}.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:6px}svg{border:1px solid #e3e7ee;border-radius:6px;max-width:100%;height:auto}</style></head><body>
<h1>${esc(meta.title)}</h1><div class="meta">${stats.reduce((n, s) => n + s.count, 0)} completed ops over ${(end / 1e9).toFixed(1)} s · ${faults.length} fault window${faults.length === 1 ? '' : 's'}</div>
<h2>Latency</h2>${inline(renderLatencySvg(ops, faults))}
<h2>Throughput</h2>${inline(renderRateSvg(ops, faults))}
<h2>Latency by operation (ms)</h2><table><thead><tr><th>f</th><th>outcome</th><th>count</th><th>ops/s</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr></thead><tbody>${rows}</tbody></table>
${faults.length > 0 ? `<h2>Faults</h2><table><thead><tr><th>fault</th><th>start (s)</th><th>stop (s)</th><th>applied</th></tr></thead><tbody>${faultRows}</tbody></table>` : ''}
</body></html>`;
}
