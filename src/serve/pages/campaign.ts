import path from 'node:path';
import type { RunDirContents } from '../../store/read.js';
import { badge, escapeHtml as esc, page, timeText, type Verdict } from '../html.js';
import { num, obj, str, toRunRecord } from '../records.js';
import { hrefOf } from '../resolve.js';

const STATUS: Record<string, Verdict> = { met: 'valid', unmet: 'invalid', unknown: 'unknown', error: 'unknown', skipped: 'incomplete' };

/**
 * A campaign's page: its outcome, then one row per run — what it ran, the verdict
 * against the expectation, ops/s, the first anomaly found, and a link to the run's page
 * when the run's directory is in this store.
 */
export function renderCampaignPage(c: RunDirContents, store: string): string {
  const rec = toRunRecord(c);
  const doc = obj(c.campaignJson) ?? {};
  const runs = (Array.isArray(doc.runs) ? doc.runs : []).map((r) => obj(r) ?? {});
  const runLink = (dir: string | null): string | null => {
    if (!dir) return null;
    const rel = path.relative(store, dir);
    return rel.startsWith('..') || path.isAbsolute(rel) ? null : `${hrefOf(...rel.split(path.sep))}/`;
  };
  const rows = runs
    .map((r) => {
      const status = str(r.status) ?? 'skipped';
      const link = runLink(str(r.dir));
      const anomalies = Array.isArray(r.anomalies) ? r.anomalies.map(String) : [];
      const matrix = obj(r.matrix);
      return `<tr class="r-${STATUS[status] ?? 'unknown'}">
<td class="num">${num(r.run) ?? ''}${num(r.repeat) && (num(r.repeat) ?? 1) > 1 ? ` <span class="muted">#${num(r.repeat)}</span>` : ''}</td>
<td class="name">${link ? `<a href="${esc(link)}">${esc(str(r.testName) ?? '?')}</a>` : esc(str(r.testName) ?? '?')}</td>
<td>${esc(str(r.workload) ?? '')}</td><td>${esc(str(r.nemesis) ?? '')}</td><td>${esc(str(r.nodeOpts) ?? '')}</td>
<td class="mono">${
        matrix && Object.keys(matrix).length
          ? esc(
              Object.entries(matrix)
                .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
                .join(' '),
            )
          : ''
      }</td>
<td>${esc(str(r.expect) ?? '')}</td><td>${r.verdict ? badge((str(r.verdict) ?? 'unknown') as Verdict) : ''}</td>
<td>${badge(STATUS[status] ?? 'unknown', status === 'unmet' ? 'UNMET' : status)}</td>
<td class="num">${num(r.opsPerSecond) ?? ''}</td><td class="num">${num(r.elapsedS) !== null ? `${num(r.elapsedS)} s` : ''}</td>
<td>${esc(anomalies[0]?.split('\n')[0] ?? str(r.error) ?? '')}</td></tr>`;
    })
    .join('\n');
  const count = (s: string): number => runs.filter((r) => r.status === s).length;
  const outcome = doc.finished
    ? doc.valid === true
      ? 'every expectation met'
      : doc.valid === false
        ? 'an expectation not met'
        : 'undecided'
    : 'running (or stopped without finishing)';
  const body = `<h1 class="big">campaign ${esc(str(doc.name) ?? c.test)} ${badge(rec.verdict)}</h1>
<div class="meta">${esc(timeText(rec.started, c.stamp))} UTC${doc.finished ? ` → ${esc(timeText(str(doc.finished), ''))}` : ''} · <code>${esc(str(doc.file) ?? '')}</code>${doc.description ? ` · ${esc(String(doc.description))}` : ''}</div>
<div class="card"><b>${esc(outcome)}</b>: ${count('met')} met, ${count('unmet')} unmet, ${count('unknown')} unknown, ${count('error')} aborted, ${count('skipped')} skipped${doc.stopped ? '; stopped early' : ''}${num(doc.exitCode) !== null ? ` · exit ${num(doc.exitCode)}` : ''}</div>
<table><thead><tr><th>run</th><th>test</th><th>workload</th><th>nemesis</th><th>options</th><th>matrix</th><th>expected</th><th>verdict</th><th>outcome</th><th>ops/s</th><th>time</th><th>found</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Files</h2><div class="card links">${rec.links.map((l) => `<a href="${esc(hrefOf(c.test, c.stamp, l))}">${esc(l)}</a>`).join(' ')}</div>`;
  return page(`campaign ${c.test} ${c.stamp}`, body, { crumbs: [c.test, c.stamp] });
}
