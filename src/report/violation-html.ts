import type { LinearizabilityResult, OpSummary } from '../../checkers/linearizability/types.js';
import type { Operation } from '../history/types.js';
import type { FaultWindow } from './faults.js';
import { BASE_CSS, esc, jsonForScript } from './html.js';

const MAX_OPS = 2000; // beyond this only the window around the failing op is drawn
const PREFIX_TAIL = 8; // the last ops of the longest prefix, drawn with the failing op and those concurrent with it
const LANE_H = 38; // room above each bar for its step number
const STEP_W = 46; // width of one call/return event on the compressed time axis

/**
 * A self-contained page (no network) explaining a linearizability result, in the
 * manner of Porcupine's visualization: one lane per process, each op a bar from
 * call to return on a time axis compressed to the order of events; for an invalid
 * history, the longest partial linearizations (click one to number its steps and
 * see the state after each) and the op none of them can take next.
 */
export interface ViolationPageMeta {
  file: string;
  model: string;
  /**
   * the history's operations, to draw the lanes when the result carries none (a valid or
   * unknown result has no `partitionOps`); described with `describe`, else as `f(input) → output`
   */
  operations?: readonly Operation[];
  describe?: (op: Operation) => string;
  /** the history's fault windows (report/faults.ts), drawn over the lanes */
  faults?: readonly FaultWindow[];
  /** the budgets the check had, to say what to raise when it ended unknown */
  budget?: { timeoutS?: number; memoryMB?: number };
}

export function renderViolationHtml(result: LinearizabilityResult, meta: ViolationPageMeta): string {
  const anomaly = result.anomaly;
  const all = result.partitionOps ?? (meta.operations ? meta.operations.map((o) => toSummary(o, meta.describe)) : []);
  const { ops, windowed, failingProcess } = anomaly ? focus(all, anomaly) : { ...window(all, undefined), failingProcess: null };
  const faults = meta.faults ?? [];
  const verdict = result.valid === true ? 'linearizable' : result.valid === false ? 'not linearizable' : `unknown (${result.unknownReason ?? 'budget'})`;
  const head = `<h1>${esc(meta.file)} — <span class="verdict v-${String(result.valid)}">${esc(verdict)}</span></h1>
<div class="meta">model <b>${esc(meta.model)}</b> · ${result.ops} ops · ${result.partitions} partition${result.partitions === 1 ? '' : 's'} · checked in ${result.elapsedMs.toFixed(1)} ms</div>`;
  let body: string;
  if (!anomaly) {
    body =
      result.valid === true
        ? '<p>Every partition has a linearization: the history is consistent with the model.</p>'
        : result.valid === 'unknown'
          ? raiseAdvice(result, meta)
          : '<p>Not linearizable (no explanation was computed).</p>';
    if (ops.length > 0)
      body += `${windowed ? `<p class="note">The history has ${all.length} operations; only the first ${ops.length} are drawn.</p>` : ''}<h2>Operations by process</h2>${legend(faults.length > 0, false)}${lanes(ops, new Map(), null, new Set(), faults, null)}`;
  } else {
    const prefixIds = new Map(anomaly.prefix.map((o, i) => [o.id, i + 1]));
    const concurrent = new Set(anomaly.concurrent.map((o) => o.id));
    const last = anomaly.prefix.slice(-4);
    const prefixText =
      anomaly.prefix.length === 0
        ? 'the initial state'
        : `${anomaly.prefix.length > last.length ? `(${anomaly.prefix.length - last.length} earlier op${anomaly.prefix.length - last.length === 1 ? '' : 's'}) → ` : ''}${last.map((o) => o.description).join(' → ')}`;
    body = `<div class="headline">
<p class="lead"><b>Not linearizable${anomaly.key !== null && anomaly.key !== undefined ? ` at key ${esc(JSON.stringify(anomaly.key))}` : ''}:</b>
<span class="mono bad">${esc(anomaly.op.description)}</span> (process ${esc(anomaly.op.process)}) cannot be linearized after
<span class="mono">${esc(prefixText)}</span> (state: <span class="mono state">${esc(anomaly.state)}</span>) because ${esc(anomaly.reason)}.</p>
<p>The longest linearizable prefix has <b>${anomaly.prefix.length}</b> operation${anomaly.prefix.length === 1 ? '' : 's'};
${anomaly.concurrent.length} operation${anomaly.concurrent.length === 1 ? ' is' : 's are'} concurrent with the failing one (outlined in orange).</p></div>
${windowed ? `<p class="note">Drawn: the ${ops.length} operations of ${all.length} in this partition that overlap the failing one, the operations concurrent with it and the last ${PREFIX_TAIL} of the prefix, on the lanes of the processes that ran them (the failing op's first); the table below lists every one.</p>` : ''}
<h2>Operations by process</h2>
${legend(faults.length > 0, true)}
${lanes(ops, prefixIds, anomaly.op.id, concurrent, faults, failingProcess)}
<h2>Longest partial linearizations</h2>
<div id="lins">${anomaly.linearizations
      .map((l, i) => `<button data-i="${i}" class="${i === 0 ? 'on' : ''}">#${i + 1}: ${l.order.length} ops, then state ${esc(truncate(l.state, 40))}</button>`)
      .join('')}</div>
<div id="steps"></div>`;
  }
  const table = all.length > 0 ? opTable(anomaly ? all : ops, anomaly?.op.id ?? null) : '';
  const data = anomaly
    ? jsonForScript({
        lins: anomaly.linearizations.map((l) => ({ order: l.order, states: l.states ?? [], state: l.state })),
        ops: Object.fromEntries(ops.map((o) => [o.id, o.description])),
        failing: anomaly.op.description,
      })
    : 'null';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(meta.file)}: ${esc(verdict)}</title>
<style>${BASE_CSS}${CSS}</style></head><body>${head}${body}${table}
<script type="application/json" id="data">${data}</script><script>${SCRIPT}</script></body></html>`;
}

/** Ops to draw: all, or for a large partition those nearest the failing op in event order. */
function window(all: OpSummary[], failing: OpSummary | undefined): { ops: OpSummary[]; windowed: boolean } {
  if (all.length <= MAX_OPS) return { ops: all, windowed: false };
  const sorted = [...all].sort((a, b) => a.call - b.call);
  const at = failing
    ? Math.max(
        0,
        sorted.findIndex((o) => o.id === failing.id),
      )
    : 0;
  const from = Math.max(0, Math.min(at - MAX_OPS / 2, sorted.length - MAX_OPS));
  return { ops: sorted.slice(from, from + MAX_OPS), windowed: true };
}

/**
 * The ops to draw around a failure: those concurrent with the failing op, the last few
 * of the longest prefix, and every op whose interval overlaps the span they cover. On a
 * 64-client history that is a few processes' worth, not one lane per process.
 */
function focus(all: OpSummary[], anomaly: NonNullable<LinearizabilityResult['anomaly']>): { ops: OpSummary[]; windowed: boolean; failingProcess: string } {
  const key = [anomaly.op, ...anomaly.concurrent, ...anomaly.prefix.slice(-PREFIX_TAIL)];
  let lo = Infinity;
  let hi = -Infinity;
  for (const o of key) {
    lo = Math.min(lo, o.call);
    hi = Math.max(hi, o.ret ?? o.call);
  }
  const failingProcess = String(anomaly.op.process);
  const source = all.length > 0 ? all : key;
  let ops = source.filter((o) => o.call <= hi && (o.ret ?? Infinity) >= lo);
  if (!ops.some((o) => o.id === anomaly.op.id)) ops.push(anomaly.op);
  if (ops.length > MAX_OPS) ops = window(ops, anomaly.op).ops;
  return { ops, windowed: ops.length < all.length, failingProcess };
}

function legend(faults: boolean, anomaly: boolean): string {
  const items = anomaly
    ? [
        ['prefix', 'in the selected linearization (numbered in order)'],
        ['fail', 'cannot be linearized'],
        ['conc', 'concurrent with it'],
        ['after', 'not in the selected linearization: after the failure'],
        ['info', 'info: never returned'],
      ]
    : [
        ['plain', 'an operation'],
        ['info', 'info: never returned'],
      ];
  if (faults) items.push(['fault', 'fault in force (nemesis)']);
  return `<div class="legend">${items.map(([cls, text]) => `<span class="sw ${cls}"></span>${text}`).join(' ')}</div>`;
}

function lanes(
  ops: OpSummary[],
  prefix: Map<number, number>,
  failing: number | null,
  concurrent: Set<number>,
  faults: readonly FaultWindow[],
  failingProcess: string | null,
): string {
  // compress time: x = rank of the event among all calls and returns
  const times = [...new Set(ops.flatMap((o) => (o.ret === null ? [o.call] : [o.call, o.ret])))].sort((a, b) => a - b);
  const rank = new Map(times.map((t, i) => [t, i]));
  const end = times.length + 1;
  // the failing op's process first, then those of the ops concurrent with it: the failure stays in view
  const concProcs = new Set(ops.filter((o) => concurrent.has(o.id)).map((o) => String(o.process)));
  const rankOf = (p: string): number => (p === failingProcess ? 0 : concProcs.has(p) ? 1 : 2);
  const procs = [...new Set(ops.map((o) => String(o.process)))].sort((a, b) => rankOf(a) - rankOf(b) || Number(a) - Number(b) || a.localeCompare(b));
  const lane = new Map(procs.map((p, i) => [p, i]));
  const width = 10 + end * STEP_W;
  const height = procs.length * LANE_H + 10;
  // the failing op is drawn last so its full label lies over its neighbours
  const bars = [...ops.filter((o) => o.id !== failing), ...ops.filter((o) => o.id === failing)]
    .map((o) => {
      const x1 = 6 + (rank.get(o.call) ?? 0) * STEP_W;
      const x2 = 6 + (o.ret === null ? end : (rank.get(o.ret) ?? 0)) * STEP_W + STEP_W * 0.7;
      const y = 6 + (lane.get(String(o.process)) ?? 0) * LANE_H;
      const cls = [
        'op',
        o.outcome === 'info' ? 'info' : '',
        o.id === failing ? 'fail' : '',
        concurrent.has(o.id) ? 'conc' : '',
        prefix.has(o.id) ? 'prefix' : '',
        failing !== null && o.id !== failing && !prefix.has(o.id) ? 'after' : '',
      ]
        .filter(Boolean)
        .join(' ');
      const step = prefix.get(o.id);
      return `<g class="${cls}" data-id="${o.id}"><title>${esc(`${o.description} — process ${o.process}, ${o.outcome}`)}</title>
<rect x="${x1}" y="${y + 12}" width="${Math.max(8, x2 - x1)}" height="${LANE_H - 16}" rx="4"/>
<text x="${x1 + 4}" y="${y + 26}">${esc(truncate(o.description, Math.max(3, Math.floor((x2 - x1 - 6) / 6.65))))}</text>${o.id === failing ? `<text class="flabel" x="${x1 + 1}" y="${y + 9}">✗ ${esc(o.description)}</text>` : ''}
<text class="step" x="${x1 + 1}" y="${y + 9}">${step ?? ''}</text></g>`;
    })
    .join('');
  // fault windows on the compressed axis: from the first event at or after the start to the last before the stop
  const xAt = (t: number): number => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return 6 + lo * STEP_W;
  };
  const bands = faults
    .filter((w) => times.length > 0 && w.start <= times[times.length - 1] && w.stop >= times[0])
    .map((w) => {
      const x1 = Math.max(0, xAt(w.start) - STEP_W * 0.15);
      const x2 = Math.max(x1 + 6, xAt(w.stop) - STEP_W * 0.15);
      return `<g class="fault"><title>${esc(`${w.f}: ${(w.start / 1e9).toFixed(3)} s → ${(w.stop / 1e9).toFixed(3)} s${w.closed ? '' : ' (never stopped)'} ${JSON.stringify(w.value) ?? ''}`)}</title><rect x="${x1.toFixed(1)}" y="0" width="${(x2 - x1).toFixed(1)}" height="${height}"/><text x="${(x1 + 3).toFixed(1)}" y="12">${esc(w.f)}</text></g>`;
    })
    .join('');
  const labels = procs
    .map((p, i) => `<text class="lane${p === failingProcess ? ' failing' : ''}" x="4" y="${6 + i * LANE_H + 26}">process ${esc(p)}</text>`)
    .join('');
  const grid = procs.map((_, i) => `<line x1="0" x2="${width}" y1="${5 + i * LANE_H}" y2="${5 + i * LANE_H}"/>`).join('');
  // the process names stay put while the time axis scrolls
  return `<div class="lanewrap"><svg class="names" width="86" height="${height}">${labels}</svg>
<div class="lanes"><svg width="${width}" height="${height}">${HATCH}<g class="grid">${grid}</g>${bands}${bars}</svg></div></div>`;
}

// info ops are hatched: they may have taken effect at any point after their call
const HATCH =
  '<defs><pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff8e1"/><line x1="0" y1="0" x2="0" y2="8" stroke="#f0d48a" stroke-width="3"/></pattern></defs>';

function opTable(ops: OpSummary[], failing: number | null): string {
  const rows = [...ops]
    .sort((a, b) => a.call - b.call)
    .map(
      (
        o,
      ) => `<tr class="${o.id === failing ? 'bad' : ''}" data-id="${o.id}"><td>${o.id}</td><td>${esc(o.process)}</td><td class="mono">${esc(o.description)}</td>
<td>${esc(o.outcome)}</td><td class="num">${o.call}</td><td class="num">${o.ret ?? '—'}</td><td class="num">${o.invokeIndex}</td></tr>`,
    )
    .join('');
  // a long table stays folded so the lanes above remain the page's subject
  return `<h2>Operations</h2><details${ops.length <= 200 ? ' open' : ''}><summary>${ops.length} operations in order of invocation</summary><table><thead><tr><th>op</th><th>process</th><th>operation</th><th>outcome</th><th>call (ns)</th><th>return (ns)</th><th>history index</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

function toSummary(o: Operation, describe?: (op: Operation) => string): OpSummary {
  const text = describe
    ? describe(o)
    : `${o.f}(${JSON.stringify(o.input) ?? ''})${o.outcome === 'ok' && o.output !== undefined ? ` → ${JSON.stringify(o.output)}` : ''}${o.outcome === 'ok' ? '' : ` (${o.outcome})`}`;
  const ret = o.ret === Infinity ? null : o.ret;
  return {
    id: o.id,
    process: o.process,
    f: o.f,
    input: o.input,
    output: o.output,
    outcome: o.outcome,
    call: o.call,
    ret,
    invokeIndex: o.invokeIndex,
    completeIndex: o.completeIndex,
    description: text,
  };
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, Math.max(1, n - 1))}…` : s;
}

const CSS = `
.headline{background:#fff5f5;border:1px solid #f3c2c2;border-radius:8px;padding:8px 16px;max-width:1100px}
.headline p{margin:6px 0} .bad{color:#b71c1c;font-weight:600} .state{background:#eef2f7;padding:1px 5px;border-radius:4px}
.note{color:#8a5a00} .lanewrap{display:flex;border:1px solid #e3e7ee;border-radius:8px;padding:4px;max-width:100%}
.lanes{overflow-x:auto;flex:1} .names{flex:none;border-right:1px solid #e3e7ee}
svg text{font:11px ui-monospace,Menlo,Consolas,monospace;fill:#1d2430} svg text.lane{font-weight:600;fill:#5b6575}
.grid line{stroke:#eef1f5}
.op rect{fill:#dfe7f3;stroke:#9fb2cc} .op.prefix rect{fill:#c8e6c9;stroke:#43a047}
.op.info rect{fill:url(#hatch);stroke:#c69400;stroke-dasharray:5 3}
.op.after rect{fill:#eceef1;stroke:#aab2be} .op.after text{fill:#6b7480}
.op.conc rect{stroke:#ef6c00;stroke-width:2.5} .op.fail rect{fill:#ffcdd2;stroke:#c62828;stroke-width:3}
.fault rect{fill:rgba(239,108,0,.12);stroke:#ef6c00;stroke-dasharray:3 3} .fault text{fill:#c25100;font-weight:700}
svg text.lane.failing{fill:#b71c1c}
.op.fail text{font-weight:700;fill:#b71c1c} .op text.flabel{paint-order:stroke;stroke:#fff;stroke-width:3px}
.op text.step{font-weight:700;fill:#2e7d32;font-size:11px}
.legend{margin:4px 0 8px;color:#5b6575;font-size:13px} .sw{display:inline-block;width:14px;height:10px;border-radius:2px;margin:0 4px 0 14px;vertical-align:middle}
.sw.prefix{background:#c8e6c9;border:1px solid #43a047} .sw.fail{background:#ffcdd2;border:2px solid #c62828}
.sw.conc{background:#dfe7f3;border:2px solid #ef6c00} .sw.after{background:#eceef1;border:1px solid #aab2be} .sw.plain{background:#dfe7f3;border:1px solid #9fb2cc}
.sw.fault{background:rgba(239,108,0,.12);border:1px dashed #ef6c00} .sw.info{background:repeating-linear-gradient(45deg,#fff8e1 0 3px,#f0d48a 3px 5px);border:1px dashed #c69400}
#lins button{margin:0 6px 6px 0;padding:4px 10px;border:1px solid #9fb2cc;background:#fff;border-radius:6px;cursor:pointer;font:12px ui-monospace,Menlo,Consolas,monospace}
#lins button.on{background:#2e7d32;color:#fff;border-color:#2e7d32}
#steps ol{font:12px ui-monospace,Menlo,Consolas,monospace;columns:2;max-width:1100px} #steps li.stuck{color:#b71c1c;font-weight:700} #steps .st{color:#5b6575}
.lead{font-size:15px} .raise{background:#fff8e6;border:1px solid #f0d48a;border-radius:8px;padding:8px 14px;max-width:1100px}
tr.bad td{background:#ffebee} td.num{text-align:right;font-variant-numeric:tabular-nums}
`;

// Clicking a linearization numbers its ops on the lanes and lists the state after each step.
const SCRIPT = `(function(){
var d=JSON.parse(document.getElementById('data').textContent);if(!d)return;
function show(i){var l=d.lins[i];if(!l)return;var pos={};l.order.forEach(function(id,k){pos[id]=k+1;});
document.querySelectorAll('g.op').forEach(function(g){var id=g.getAttribute('data-id');var k=pos[id];
g.classList.toggle('prefix',!!k);g.querySelector('text.step').textContent=k?String(k):'';});
var html='<ol>'+l.order.map(function(id,k){return '<li>'+esc(d.ops[id]||('op '+id))+' <span class=st>&rArr; state '+esc(l.states[k]!==undefined?l.states[k]:'?')+'</span>'+'</li>';}).join('')
+'<li class="stuck">then '+esc(d.failing)+' cannot follow (state '+esc(l.state)+')</li></ol>';
document.getElementById('steps').innerHTML=html;
document.querySelectorAll('#lins button').forEach(function(b){b.classList.toggle('on',b.getAttribute('data-i')===String(i));});
try{history.replaceState(null,'','#lin='+(i+1));}catch(e){}}
function esc(s){return String(s).replace(/[&<>"']/g,function(c){return '&#'+c.charCodeAt(0)+';';});}
document.querySelectorAll('#lins button').forEach(function(b){b.addEventListener('click',function(){show(Number(b.getAttribute('data-i')));});});
var m=/lin=(\\d+)/.exec(location.hash);show(m?Math.max(0,Number(m[1])-1):0);
var f=document.querySelector('g.op.fail rect'),box=document.querySelector('.lanes');
if(f&&box)box.scrollLeft=Math.max(0,Number(f.getAttribute('x'))-box.clientWidth*0.6);})();`;

/** What to raise when the check ended unknown: the budget it hit, and how to give it more. */
function raiseAdvice(result: LinearizabilityResult, meta: ViolationPageMeta): string {
  const b = meta.budget ?? {};
  const file = esc(meta.file);
  if (result.unknownReason === 'memory') {
    return `<p class="raise">The checker stopped at its <b>memory</b> budget${b.memoryMB ? ` of ${b.memoryMB} MB` : ''} after ${result.elapsedMs.toFixed(0)} ms, before it could decide.
Raise it: <code>faultline check ${file} --memory ${b.memoryMB ? b.memoryMB * 4 : 4096}</code> (MB; the default is 1024).</p>`;
  }
  if (result.unknownReason === 'timeout') {
    return `<p class="raise">The checker stopped at its <b>time</b> budget${b.timeoutS ? ` of ${b.timeoutS} s` : ''} after ${(result.elapsedMs / 1000).toFixed(1)} s, before it could decide.
Raise it: <code>faultline check ${file} --timeout ${b.timeoutS ? b.timeoutS * 4 : 600}</code> (seconds; without --timeout there is no limit), and <code>--memory</code> if it then runs out of memory.</p>`;
  }
  // nothing to check, or interrupted: more budget would not help; say what happened
  if (result.unknownReason === 'empty' || result.unknownReason === 'interrupted')
    return `<p class="raise">${esc(result.unknownDetail ?? `The check ended without a verdict (${result.unknownReason}).`)}</p>`;
  return `<p class="raise">The checker could not decide${result.unknownReason ? ` (${esc(result.unknownReason)})` : ''}. Give it more: <code>faultline check ${file} --timeout 600 --memory 4096</code>.</p>`;
}
