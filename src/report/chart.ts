import type { FaultWindow } from './faults.js';
import { esc } from './html.js';

/** Plot geometry shared by the perf pictures; `top` grows with one label row per fault family. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** seconds shown on the x axis */
  seconds: number;
  families: string[];
}

export const OUTCOME_COLOR = { ok: '#2e7d32', fail: '#c62828', info: '#d49a00' } as const;
const FAULT_COLORS = ['#ef6c00', '#6a1b9a', '#00838f', '#ad1457', '#4e342e', '#283593'];

export function frame(endNs: number, faults: readonly FaultWindow[], width = 1100, height = 380): Frame {
  const families = [...new Set(faults.map((w) => w.f))].sort();
  return { width, height, left: 64, right: 150, top: 16 + 16 * families.length, bottom: 42, seconds: Math.max(endNs / 1e9, 1e-3), families };
}

export function xOf(fr: Frame, ns: number): number {
  return fr.left + (ns / 1e9 / fr.seconds) * (fr.width - fr.left - fr.right);
}

export function plotBottom(fr: Frame): number {
  return fr.height - fr.bottom;
}

/** Shaded fault windows, one colour and one label row per family, behind the data. */
export function faultBands(fr: Frame, faults: readonly FaultWindow[]): string {
  const parts: string[] = [];
  for (const w of faults) {
    const row = fr.families.indexOf(w.f);
    const color = FAULT_COLORS[row % FAULT_COLORS.length];
    const x1 = xOf(fr, w.start);
    const x2 = Math.max(x1 + 1.5, xOf(fr, w.stop));
    const title = `${w.f}: ${(w.start / 1e9).toFixed(2)} s → ${(w.stop / 1e9).toFixed(2)} s${w.closed ? '' : ' (never stopped)'} ${JSON.stringify(w.value) ?? ''}`;
    parts.push(
      `<g><title>${esc(title)}</title><rect x="${x1.toFixed(1)}" y="${fr.top}" width="${(x2 - x1).toFixed(1)}" height="${plotBottom(fr) - fr.top}" fill="${color}" fill-opacity="0.12"/>` +
        `<rect x="${x1.toFixed(1)}" y="${6 + row * 16}" width="${(x2 - x1).toFixed(1)}" height="12" fill="${color}" fill-opacity="0.75"/>` +
        (x2 - x1 > 7 * w.f.length + 8
          ? `<text x="${(x1 + 4).toFixed(1)}" y="${16 + row * 16}" fill="#fff" font-size="10" font-weight="600">${esc(w.f)}</text>`
          : '') +
        '</g>',
    );
  }
  // legend of families at the right, level with their rows
  fr.families.forEach((f, row) => {
    parts.push(
      `<text x="${fr.width - fr.right + 8}" y="${16 + row * 16}" fill="${FAULT_COLORS[row % FAULT_COLORS.length]}" font-weight="600">${esc(f)}</text>`,
    );
  });
  return parts.join('');
}

/** The time axis: ticks at a readable step in seconds. */
export function timeAxis(fr: Frame): string {
  const step = niceStep(fr.seconds / 10);
  const y = plotBottom(fr);
  const parts = [`<line x1="${fr.left}" x2="${fr.width - fr.right}" y1="${y}" y2="${y}" stroke="#8a94a6"/>`];
  for (let s = 0; s <= fr.seconds + 1e-9; s += step) {
    const x = xOf(fr, s * 1e9).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${y}" y2="${y + 4}" stroke="#8a94a6"/><text x="${x}" y="${y + 16}" text-anchor="middle">${fmt(s)}</text>`);
  }
  parts.push(`<text x="${(fr.left + fr.width - fr.right) / 2}" y="${fr.height - 6}" text-anchor="middle" fill="#5b6575">time (s)</text>`);
  return parts.join('');
}

/** Outcome legend at the right of the plot. */
export function outcomeLegend(fr: Frame, outcomes: readonly (keyof typeof OUTCOME_COLOR)[]): string {
  return outcomes
    .map((o, i) => {
      const y = fr.top + 14 + i * 18;
      return `<rect x="${fr.width - fr.right + 8}" y="${y - 9}" width="10" height="10" fill="${OUTCOME_COLOR[o]}"/><text x="${fr.width - fr.right + 24}" y="${y}">${o}</text>`;
    })
    .join('');
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n < 1 ? n.toPrecision(2).replace(/0+$/, '') : n.toFixed(1);
}

export function svgOpen(fr: Frame, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${fr.width}" height="${fr.height}" viewBox="0 0 ${fr.width} ${fr.height}" font-family="system-ui,sans-serif" font-size="11" fill="#1d2430"><title>${esc(title)}</title><rect width="${fr.width}" height="${fr.height}" fill="#fff"/>`;
}
