import type { Op } from '../history/types.js';
import { faultWindows } from './faults.js';
import { esc, jsonForScript } from './html.js';
import { TIMELINE_CSS, TIMELINE_SCRIPT } from './timeline-client.js';

export interface TimelineOptions {
  /** page title, e.g. the run's name */
  title?: string;
  /** anomalies to jump to: a label and the history indexes of the ops at fault (their invocations) */
  anomalies?: readonly { label: string; indexes: readonly number[] }[];
  /** bytes of op values the page may embed in all (each op's full text is cut to its share); default 8 MB */
  textBudget?: number;
}

/** Outcome codes of the embedded data. */
const OUTCOME = { ok: 0, fail: 1, info: 2, open: 3 } as const;

/** What the page embeds: one column per field, so 100,000 ops stay a few MB. */
export interface TimelineData {
  title: string;
  /** the history's end, ms */
  end: number;
  /** each lane's processes (a lane holds processes whose ops never overlap: a worker and its successors) */
  lanes: (number | string)[][];
  fs: string[];
  nodes: string[];
  /** per op: start and end (ms; end -1 when it never completed), lane, outcome code, f (index into fs) */
  s: number[];
  e: number[];
  l: number[];
  o: number[];
  f: number[];
  /** process, history indexes of invocation and completion (-1: none) */
  p: (number | string)[];
  ii: number[];
  ci: number[];
  /** the invocation's and the completion's value as JSON, cut to the op's share of the budget */
  vi: string[];
  vo: string[];
  /** the completion's error as text ('' for none) and the answering node (index into nodes, -1 none) */
  er: string[];
  nd: number[];
  faults: { f: string; start: number; stop: number; closed: boolean; value: string }[];
  anomalies: { label: string; indexes: number[] }[];
  /** ops whose text was cut */
  cut: number;
}

const ms = (ns: number): number => Math.round(ns / 1e3) / 1e3;

/**
 * Jepsen's timeline.html, for runs of any size: the whole history on a canvas (time
 * across, one lane per worker, each op a box from invocation to completion coloured by
 * outcome), the nemesis's fault windows as bands, an overview of the run to steer by,
 * zoom and pan, a jump to each fault and to each anomaly, and an op's full text on a
 * click. Self-contained: the data is embedded, the script inline, nothing fetched.
 */
export function renderTimelineHtml(ops: readonly Op[], opts: TimelineOptions = {}): string {
  const data = timelineData(ops, opts);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${esc(data.title)}: timeline</title><style>${TIMELINE_CSS}</style></head><body>
<header><h1>${esc(data.title)}</h1><div class="meta" id="meta">${data.s.length} client operations · ${data.lanes.length} lanes · ${(data.end / 1000).toFixed(1)} s · ${data.faults.length} fault window${data.faults.length === 1 ? '' : 's'}${data.cut ? ` · the text of ${data.cut} large op${data.cut === 1 ? '' : 's'} is cut (history.jsonl has it whole)` : ''}</div>
<div class="toolbar"><button id="fit" title="the whole run (0)">whole run</button><button id="zin" title="zoom in (+)">+</button><button id="zout" title="zoom out (−)">−</button>
<span class="group" id="faultjumps"></span><span class="group" id="anomalyjumps"></span>
<span class="legend"><i class="sw ok"></i>ok <i class="sw fail"></i>fail <i class="sw info"></i>info <i class="sw open"></i>never completed <i class="sw band"></i>fault in force</span></div>
<canvas id="overview" height="46" title="the whole run: click or drag to move the view"></canvas></header>
<div id="wrap"><canvas id="tl"></canvas><canvas id="hover"></canvas></div>
<div id="tip" hidden></div>
<aside id="detail" hidden><button id="close" title="close (Esc)">×</button><pre id="detailtext"></pre></aside>
<noscript><p>The timeline is drawn by a script; history.jsonl holds the same operations as text.</p></noscript>
<script type="application/json" id="data">${jsonForScript(data)}</script><script>${TIMELINE_SCRIPT}</script></body></html>`;
}

export function timelineData(ops: readonly Op[], opts: TimelineOptions = {}): TimelineData {
  let end = 0;
  let clientOps = 0;
  for (const op of ops) {
    if (op.time > end) end = op.time;
    if (op.process !== 'nemesis' && op.type === 'invoke') clientOps++;
  }
  // each op's share of the text budget: small values whole, a huge read cut
  const cap = Math.max(160, Math.min(4000, Math.floor((opts.textBudget ?? 8e6) / Math.max(1, 2 * clientOps))));
  const d: TimelineData = {
    title: opts.title ?? 'timeline',
    end: ms(end),
    lanes: [],
    fs: [],
    nodes: [],
    s: [],
    e: [],
    l: [],
    o: [],
    f: [],
    p: [],
    ii: [],
    ci: [],
    vi: [],
    vo: [],
    er: [],
    nd: [],
    faults: [],
    anomalies: [],
    cut: 0,
  };
  const fIndex = new Map<string, number>();
  const nodeIndex = new Map<string, number>();
  const open = new Map<number | string, number>(); // process → its op's position
  const text = (v: unknown): string => (v === undefined ? '' : (JSON.stringify(v) ?? String(v)));
  const cut = (s: string, i: number): string => {
    if (s.length <= cap) return s;
    d.cut++;
    return `${s.slice(0, cap)}… (${s.length - cap} more characters; history.jsonl index ${i})`;
  };
  for (const op of ops) {
    if (op.process === 'nemesis') continue;
    if (op.type === 'invoke') {
      let fi = fIndex.get(op.f);
      if (fi === undefined) fIndex.set(op.f, (fi = d.fs.push(op.f) - 1));
      open.set(op.process, d.s.length);
      d.s.push(ms(op.time));
      d.e.push(-1);
      d.l.push(0);
      d.o.push(OUTCOME.open);
      d.f.push(fi);
      d.p.push(op.process);
      d.ii.push(op.index);
      d.ci.push(-1);
      d.vi.push(cut(text(op.value), op.index));
      d.vo.push('');
      d.er.push('');
      d.nd.push(-1);
      continue;
    }
    const k = open.get(op.process);
    if (k === undefined) continue;
    open.delete(op.process);
    d.e[k] = Math.max(ms(op.time), d.s[k]);
    d.o[k] = OUTCOME[op.type];
    d.ci[k] = op.index;
    if (op.type === 'ok') d.vo[k] = cut(text(op.value), op.index);
    if (op.error !== undefined) d.er[k] = cut(typeof op.error === 'string' ? op.error : text(op.error), op.index);
    if (typeof op.node === 'string') {
      let ni = nodeIndex.get(op.node);
      if (ni === undefined) nodeIndex.set(op.node, (ni = d.nodes.push(op.node) - 1));
      d.nd[k] = ni;
    }
  }
  assignLanes(d);
  d.faults = faultWindows(ops).map((w) => ({ f: w.f, start: ms(w.start), stop: ms(w.stop), closed: w.closed, value: JSON.stringify(w.value) ?? '' }));
  d.anomalies = (opts.anomalies ?? []).map((a) => ({ label: a.label, indexes: [...a.indexes] }));
  return d;
}

/**
 * Packs processes into lanes: a process occupies its lane from its first invocation to its
 * last completion (the end of the run when one never completed), and takes the lane freed
 * last before it starts. Jepsen's workers continue under a new process right after an
 * `info`, so a lane ends up holding one worker's successive processes.
 */
function assignLanes(d: TimelineData): void {
  const span = new Map<number | string, { first: number; last: number; ops: number[] }>();
  for (let k = 0; k < d.s.length; k++) {
    const x = span.get(d.p[k]);
    const last = d.e[k] < 0 ? Infinity : d.e[k];
    if (x) {
      x.last = Math.max(x.last, last);
      x.ops.push(k);
    } else span.set(d.p[k], { first: d.s[k], last, ops: [k] });
  }
  const free: number[] = []; // lane → when it is free again
  for (const [process, x] of [...span].sort((a, b) => a[1].first - b[1].first || String(a[0]).localeCompare(String(b[0])))) {
    // the lane freed most recently: a worker's next process starts soon after its last one ended
    let lane = -1;
    for (let i = 0; i < free.length; i++) if (free[i] < x.first && (lane < 0 || free[i] > free[lane])) lane = i;
    if (lane < 0) {
      lane = free.length;
      free.push(0);
      d.lanes.push([]);
    }
    free[lane] = x.last;
    d.lanes[lane].push(process);
    for (const k of x.ops) d.l[k] = lane;
  }
}
