import type { Op } from '../history/types.js';
import { faultWindows } from './faults.js';
import { BASE_CSS, esc } from './html.js';

export interface TimelineOptions {
  /** page title, e.g. the run's name */
  title?: string;
  /** draw at most this many client ops (the first ones by invocation); default 2000 */
  maxOps?: number;
}

const ROW = 16; // px per history event: time is compressed to the order of events, as in Porcupine
const COL = 170;
const GUTTER = 64;

interface Box {
  process: number | string;
  f: string;
  invoke: Op;
  done?: Op;
  top: number;
  bottom: number;
}

/**
 * Jepsen's timeline.html: one column per process, time running down, each op a box from its
 * invocation to its completion coloured by outcome (ok green, fail red, info yellow; never
 * completed: hatched to the end), and the nemesis's fault windows as shaded bands across
 * every column. Only the first `maxOps` client ops are drawn, and the page says so.
 */
export function renderTimelineHtml(ops: readonly Op[], opts: TimelineOptions = {}): string {
  const maxOps = opts.maxOps ?? 2000;
  const title = opts.title ?? 'timeline';
  const boxes: Box[] = [];
  const pending = new Map<number | string, Box>();
  const rowTimes: number[] = [];
  let total = 0;
  for (const op of ops) {
    if (op.process === 'nemesis') {
      if (boxes.length < maxOps || pending.size > 0) rowTimes.push(op.time);
      continue;
    }
    if (op.type === 'invoke') {
      total++;
      if (boxes.length >= maxOps) continue;
      const box: Box = { process: op.process, f: op.f, invoke: op, top: rowTimes.length, bottom: -1 };
      rowTimes.push(op.time);
      boxes.push(box);
      pending.set(op.process, box);
    } else {
      const box = pending.get(op.process);
      if (!box) continue;
      pending.delete(op.process);
      box.done = op;
      box.bottom = rowTimes.length;
      rowTimes.push(op.time);
    }
  }
  const rows = Math.max(rowTimes.length, 1);
  for (const b of boxes) if (b.bottom < 0) b.bottom = rows; // never completed: runs to the end
  const procs = [...new Set(boxes.map((b) => b.process))].sort(byProcess);
  const col = new Map(procs.map((p, i) => [p, i]));
  const width = GUTTER + procs.length * COL;
  const height = (rows + 1) * ROW;
  const rowOf = (t: number) => lowerBound(rowTimes, t);
  const bands = faultWindows(ops)
    .filter((w) => rowTimes.length > 0 && w.start <= rowTimes[rowTimes.length - 1])
    .map((w, i) => {
      const top = rowOf(w.start) * ROW;
      const bottom = Math.max(top + 4, (w.closed ? rowOf(w.stop) : rows) * ROW);
      return `<div class="band b${i % 4}" style="top:${top}px;height:${bottom - top}px;width:${width}px" title="${esc(`${w.f} ${JSON.stringify(w.value) ?? ''}`)}"><span>${esc(w.f)}</span></div>`;
    })
    .join('');
  const heads = procs.map((p) => `<div class="head" style="left:${GUTTER + (col.get(p) ?? 0) * COL}px">process ${esc(p)}</div>`).join('');
  const ticks: string[] = [];
  for (let r = 0; r < rowTimes.length; r += 10) ticks.push(`<div class="tick" style="top:${r * ROW}px">${(rowTimes[r] / 1e9).toFixed(3)} s</div>`);
  const cells = boxes.map((b) => box(b, col.get(b.process) ?? 0)).join('');
  const note =
    total > boxes.length
      ? `<p class="note">Showing the first ${boxes.length} of ${total} client operations.</p>`
      : `<p class="meta">${total} client operations · ${procs.length} processes</p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}: timeline</title><style>${BASE_CSS}${CSS}</style></head><body>
<h1>${esc(title)}</h1>${note}
<div class="legend"><span class="sw ok"></span>ok <span class="sw fail"></span>fail <span class="sw info"></span>info (unknown) <span class="sw open"></span>never completed <span class="sw band0"></span>fault in force (nemesis)</div>
<div class="heads" style="width:${width}px">${heads}</div>
<div class="tl" style="width:${width}px;height:${height}px">${bands}${ticks.join('')}${cells}</div></body></html>`;
}

function box(b: Box, column: number): string {
  const outcome = b.done?.type ?? 'open';
  // Jepsen's labels: the argument, then the result only where it says something new
  const arg = b.invoke.value === null || b.invoke.value === undefined ? '' : ` ${show(b.invoke.value)}`;
  const res = b.done?.type === 'ok' ? show(b.done.value) : '';
  const label = `${b.f}${arg}${res !== '' && res !== show(b.invoke.value) ? ` → ${res}` : ''}`;
  const detail = [
    `process ${b.process}: ${b.f}`,
    `invoke ${show(b.invoke.value)} at ${(b.invoke.time / 1e9).toFixed(6)} s (#${b.invoke.index})`,
    b.done
      ? `${b.done.type} ${show(b.done.value)} at ${(b.done.time / 1e9).toFixed(6)} s (#${b.done.index}), ${((b.done.time - b.invoke.time) / 1e6).toFixed(2)} ms`
      : 'never completed',
    b.done?.error !== undefined ? `error ${show(b.done.error)}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const top = b.top * ROW;
  const h = Math.max(ROW - 2, (b.bottom - b.top) * ROW + ROW - 2);
  return `<div class="op ${outcome}" style="left:${GUTTER + column * COL + 3}px;top:${top + 1}px;height:${h}px" title="${esc(detail)}">${esc(label)}</div>`;
}

function show(v: unknown): string {
  if (v === undefined) return '';
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

function byProcess(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a.localeCompare(b);
}

/** First index whose time is ≥ t (times ascending). */
export function lowerBound(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const CSS = `
.tl{position:relative;border-top:1px solid #e3e7ee;font:11px/14px ui-monospace,Menlo,Consolas,monospace}
.heads{position:sticky;top:0;height:24px;background:#fff;z-index:3;border-bottom:1px solid #c9d1dd}
.head{position:absolute;top:4px;width:${COL - 6}px;font-weight:600;color:#5b6575}
.op{position:absolute;width:${COL - 8}px;box-sizing:border-box;border:1px solid;border-radius:3px;padding:0 4px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis;z-index:2}
.op.ok{background:#c8e6c9;border-color:#2e7d32} .op.fail{background:#ffcdd2;border-color:#c62828}
.op.info{background:#fff3c4;border-color:#d49a00}
.op.open{background:repeating-linear-gradient(45deg,#fff8e1 0 4px,#f0d48a 4px 7px);border:1px dashed #d49a00}
.band{position:absolute;left:0;z-index:1;border-top:2px solid;border-bottom:2px solid}
.band span{position:sticky;left:0;font:600 11px system-ui,sans-serif;padding:0 4px}
.b0{background:rgba(239,108,0,.12);border-color:#ef6c00;color:#ef6c00} .b1{background:rgba(106,27,154,.12);border-color:#6a1b9a;color:#6a1b9a}
.b2{background:rgba(0,131,143,.12);border-color:#00838f;color:#00838f} .b3{background:rgba(173,20,87,.12);border-color:#ad1457;color:#ad1457}
.tick{position:absolute;left:0;width:${GUTTER - 6}px;text-align:right;color:#8a94a6;font-size:10px;border-top:1px solid #eef1f5}
.legend{margin:4px 0 8px;color:#5b6575;font-size:13px} .sw{display:inline-block;width:14px;height:10px;border-radius:2px;margin:0 4px 0 14px;vertical-align:middle;border:1px solid}
.sw.ok{background:#c8e6c9;border-color:#2e7d32} .sw.fail{background:#ffcdd2;border-color:#c62828} .sw.info{background:#fff3c4;border-color:#d49a00}
.sw.open{background:repeating-linear-gradient(45deg,#fff8e1 0 3px,#f0d48a 3px 5px);border:1px dashed #d49a00} .sw.band0{background:rgba(239,108,0,.12);border-color:#ef6c00}
.note{color:#8a5a00}
`;
