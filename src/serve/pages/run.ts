import { verdictName } from '../../../checkers/types.js';
import { describeAnomalies } from '../../report/anomalies.js';
import { nodeLogRel, PLOTS, RUN_FILES } from '../../store/layout.js';
import type { RunDirContents } from '../../store/read.js';
import { badge, escapeHtml, page, timeText } from '../html.js';
import { describeApplied, num, obj, optionsOf, str, toRunRecord } from '../records.js';
import { hrefOf } from '../resolve.js';

export interface NodeLogTail {
  node: string;
  text: string;
  truncated: boolean;
}

const esc = escapeHtml;
const dd = (k: string, v: string | number | null | undefined): string =>
  v === null || v === undefined || v === '' ? '' : `<dt>${esc(k)}</dt><dd>${esc(String(v))}</dd>`;

function recoveries(rs: unknown, kind: string): string | null {
  if (!Array.isArray(rs)) return null;
  const xs = rs.map((r) => obj(r) ?? {}).filter((r) => r.kind === kind);
  if (xs.length === 0) return 'none';
  return xs.map((r) => `${str(r.after) ?? '?'} at ${((num(r.atMs) ?? 0) / 1000).toFixed(1)} s: ${r.ms === null ? 'no' : `${num(r.ms)} ms`}`).join(', ');
}

/**
 * A run's page: its verdict, what it ran, the summary the controller printed, every
 * anomaly the checkers found with their explanation, the latency and rate plots, the
 * timeline, the node logs' tails and every file.
 */
export function renderRunPage(c: RunDirContents, tails: readonly NodeLogTail[]): string {
  const rec = toRunRecord(c);
  const t = obj(c.testJson) ?? {};
  const results = obj(c.resultsJson);
  const facts = obj(results?.run) ?? {};
  const counts = obj(facts.counts);
  const tp = obj(facts.throughput);
  const file = (name: string): string => esc(hrefOf(c.test, c.stamp, name));
  const has = (name: string): boolean => c.entries.includes(name);

  const verdict = results ? verdictName(results.valid) : 'incomplete';
  const head = `<h1 class="big">${esc(c.test)} ${badge(verdict)}</h1>
<div class="meta">${esc(timeText(rec.started, c.stamp))} UTC · <code>${esc(c.dir)}</code></div>`;

  const config = `<div class="card"><h2 style="margin-top:0">Configuration</h2><dl class="kv">
${dd('system under test', str(t.sut) ?? 'exchange')}${dd('workload', rec.workload)}${dd('nemesis asked', rec.nemesis)}${dd('faults applied', describeApplied(rec.applied))}
${dd('nodes', rec.nodes)}${dd('options', rec.nodeOpts || optionsOf(t))}${dd('seed', num(t.seed))}${dd('time limit', num(t.timeLimitS) !== null ? `${num(t.timeLimitS)} s` : null)}
${dd('clients', num(t.concurrency) !== null ? `${num(t.concurrency)} at ${num(t.rate)} ops/s` : null)}${dd('faultline', str(t.faultline))}
</dl></div>`;

  const summary = results
    ? `<div class="card"><h2 style="margin-top:0">Summary</h2><dl class="kv">
${counts ? dd('ops', `${(num(counts.ok) ?? 0) + (num(counts.fail) ?? 0) + (num(counts.info) ?? 0)} completed: ${num(counts.ok)} ok, ${num(counts.fail)} fail, ${num(counts.info)} info`) : ''}
${tp ? dd('rate', `${num(tp.opsPerSecond)} ops/s completed; ok latency p50 ${num(tp.p50)} ms, p99 ${num(tp.p99)} ms`) : ''}
${dd('faults', num(facts.faults) !== null ? `${num(facts.faults)} applied, ${num(facts.leaderFaults) ?? 0} involving the leader of the moment${num(facts.faultFailures) ? `, ${num(facts.faultFailures)} could not be applied (see controller.log)` : ''}` : null)}
${dd('elections', num(facts.elections) !== null ? `${num(facts.elections)} leader terms observed` : null)}
${dd('failover', recoveries(facts.recoveries, 'leader'))}${dd('healed', recoveries(facts.recoveries, 'heal'))}
${dd('recovery', 'finalRecoveryMs' in facts ? (facts.finalRecoveryMs === null ? (facts.interrupted ? 'not waited for' : 'the cluster did not converge') : `${num(facts.finalRecoveryMs)} ms after the final heal`) : null)}
${facts.interrupted ? dd('interrupted', 'not checked (the history is readable by faultline check)') : ''}
${typeof results.error === 'string' ? dd('aborted', results.error) : ''}
</dl></div>`
    : `<div class="card"><h2 style="margin-top:0">Summary</h2>No results yet: the run ${c.statusJson ? 'ended without its results (its controller stopped)' : 'is incomplete'}.</div>`;

  const checkers = results
    ? Object.entries(results)
        .filter(([k, v]) => k !== 'valid' && k !== 'run' && obj(v) && 'valid' in (obj(v) as object))
        .map(([k, v]) => `${esc(k)} ${badge(verdictName((v as { valid: unknown }).valid))}`)
        .join(' &nbsp; ')
    : '';
  const anomalies = results ? describeAnomalies(Object.fromEntries(Object.entries(results).filter(([k]) => k !== 'valid' && k !== 'run'))) : [];
  const anomalyHtml = anomalies
    .map((a) => {
      const jump = a.indexes.length && has(RUN_FILES.timeline) ? ` <a href="${file(RUN_FILES.timeline)}#index-${a.indexes[0]}">show in the timeline</a>` : '';
      const page =
        a.checker === 'linearizable' && has(RUN_FILES.linearizability)
          ? ` <a href="${file(RUN_FILES.linearizability)}">explanation: linearizations, concurrent ops</a>`
          : '';
      return `<div class="anomaly ${a.verdict}"><div class="head">${esc(a.checker)}: ${esc(a.headline)}</div>${a.details.length ? `<ul>${a.details.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>` : ''}<div>${page}${jump}</div></div>`;
    })
    .join('');
  const checks = results
    ? `<h2>Checkers</h2><div class="card">${checkers || '<span class="muted">none</span>'}${anomalyHtml || (verdict === 'valid' ? '<p>No anomaly: every checker found the history valid.</p>' : '')}</div>`
    : '';

  const plots = PLOTS.filter(has);
  const plotHtml = plots.length
    ? `<h2>Latency and throughput</h2><div class="card plots">${plots.map((p) => `<img src="${file(p)}" alt="${esc(p)}">`).join('')}${has(RUN_FILES.perf) ? `<a href="${file(RUN_FILES.perf)}">latency by operation and the fault table</a>` : ''}</div>`
    : '';
  const timeline = has(RUN_FILES.timeline)
    ? `<h2>Timeline <a class="mono" href="${file(RUN_FILES.timeline)}">open</a></h2><iframe class="timeline" src="${file(RUN_FILES.timeline)}" title="timeline"></iframe>`
    : '';
  const logs = tails.length
    ? `<h2>Node logs</h2><div class="card">${tails
        .map(
          (n) =>
            `<details><summary><b>${esc(n.node)}</b> · <a href="${file(`${RUN_FILES.nodes}/${n.node}/`)}">files</a> · <a href="${file(nodeLogRel(n.node))}">full log</a>${n.truncated ? ' (the end shown)' : ''}</summary><pre class="log">${esc(n.text)}</pre></details>`,
        )
        .join('')}</div>`
    : '';
  const files = `<h2>Files</h2><div class="card links">${rec.links.map((l) => `<a href="${file(l)}">${esc(l)}</a>`).join(' ')}</div>`;
  // the timeline's frame as tall as its lanes (up to most of a screen): a run with few workers leaves no empty box
  const script = `var f=document.querySelector('iframe.timeline');if(f)f.addEventListener('load',function(){try{var d=f.contentDocument,h=d.querySelector('header').offsetHeight+d.getElementById('tl').offsetHeight+24;f.style.height=Math.max(240,Math.min(h,Math.round(innerHeight*0.85)))+'px';}catch(e){}});`;
  return page(`${c.test} ${c.stamp}: ${verdict}`, `${head}<div class="cols">${config}${summary}</div>${checks}${plotHtml}${timeline}${logs}${files}`, {
    crumbs: [c.test, c.stamp],
    script,
  });
}
