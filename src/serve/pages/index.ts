import { badge, escapeHtml, page, timeText, type Verdict } from '../html.js';
import { describeApplied, type IndexFilter, matches, type RunRecord } from '../records.js';
import { hrefOf } from '../resolve.js';

const cell = (x: string | number | null, cls = ''): string =>
  `<td${cls ? ` class="${cls}"` : ''}>${x === null ? '<span class="muted">–</span>' : escapeHtml(String(x))}</td>`;

const shown = (r: RunRecord): Verdict => (r.live ? 'live' : r.verdict);

function row(r: RunRecord): string {
  const base = hrefOf(r.test, r.stamp);
  const links = r.links.map((l) => `<a href="${escapeHtml(hrefOf(r.test, r.stamp, l))}">${escapeHtml(l)}</a>`).join(' ');
  const what = r.kind === 'campaign' ? `campaign: ${r.ops ?? 0} runs` : r.workload;
  return [
    `<tr class="r-${shown(r)}" data-kind="${r.kind}">`,
    `<td>${badge(shown(r))}</td>`,
    `<td class="name"><a href="${escapeHtml(base)}/">${escapeHtml(r.test)}</a></td>`,
    cell(timeText(r.started, r.stamp), 'num'),
    cell(what),
    cell(r.nemesis),
    cell(r.kind === 'campaign' ? null : r.live && describeApplied(r.applied) === 'none' ? 'none yet' : describeApplied(r.applied)),
    cell(r.nodes, 'num'),
    cell(r.nodeOpts || null),
    cell(r.kind === 'campaign' ? null : r.ops, 'num'),
    cell(r.opsPerSecond, 'num'),
    `<td class="links">${links}</td>`,
    '</tr>',
  ].join('');
}

function select(name: string, label: string, options: [string, string][], value: string | undefined): string {
  const opts = [['', 'any'], ...options]
    .map(([v, text]) => `<option value="${escapeHtml(v)}"${v === (value ?? '') ? ' selected' : ''}>${escapeHtml(text)}</option>`)
    .join('');
  return `<label>${escapeHtml(label)}<select name="${name}">${opts}</select></label>`;
}

/**
 * The store's index: every run and campaign newest first, coloured by verdict (runs in
 * progress in blue, linking to their live page), filterable by verdict, workload,
 * nemesis (the faults really applied, or the scenario) and kind, through the query string.
 */
export function renderIndex(records: readonly RunRecord[], store: string, filter: IndexFilter = {}): string {
  const rows = records.filter((r) => matches(r, filter));
  const uniq = (xs: string[]): [string, string][] => [...new Set(xs)].sort().map((x) => [x, x]);
  const count = (v: Verdict): number => records.filter((r) => shown(r) === v).length;
  const totals = (['live', 'valid', 'invalid', 'unknown', 'incomplete'] as Verdict[])
    .filter((v) => count(v) > 0)
    .map((v) => `${badge(v, `${count(v)} ${v}`)}`)
    .join(' ');
  const form = `<form class="filters" method="get" action="/">
${select(
  'verdict',
  'verdict',
  ['live', 'valid', 'invalid', 'unknown', 'incomplete'].map((v) => [v, v === 'live' ? 'in progress' : v]),
  filter.verdict,
)}
${select('workload', 'workload', uniq(records.flatMap((r) => r.workloads)), filter.workload)}
${select('nemesis', 'nemesis (faults applied)', [...uniq(records.flatMap((r) => r.faults)), ['none', 'none applied']], filter.nemesis)}
${select(
  'kind',
  'kind',
  [
    ['run', 'runs'],
    ['campaign', 'campaigns'],
  ],
  filter.kind,
)}
<button type="submit">filter</button>${Object.values(filter).some(Boolean) ? ' <a href="/">clear</a>' : ''}</form>`;
  const head = ['verdict', 'test', 'time (UTC)', 'workload', 'nemesis', 'faults applied', 'nodes', 'options', 'ops', 'ops/s', 'files']
    .map((h) => `<th>${h}</th>`)
    .join('');
  const table =
    records.length === 0
      ? `<p>No runs in <code>${escapeHtml(store)}</code> yet. <code>faultline run</code> writes one.</p>`
      : rows.length === 0
        ? '<p>No run matches the filter.</p>'
        : `<table id="runs">\n<thead><tr>${head}</tr></thead><tbody>\n${rows.map(row).join('\n')}\n</tbody></table>`;
  const live = records.filter((r) => r.live);
  const liveCard = live.length
    ? `<div class="card"><b>In progress:</b> ${live.map((r) => `<a href="${escapeHtml(hrefOf(r.test, r.stamp))}/">${escapeHtml(r.test)} ${escapeHtml(timeText(r.started, r.stamp))}</a>`).join(', ')}</div>`
    : '';
  const body = `<h1>Runs and campaigns</h1>
<div class="meta">${records.length} in <code>${escapeHtml(store)}</code>${rows.length !== records.length ? `, ${rows.length} shown` : ''} ${totals}</div>
${liveCard}${form}
${table}`;
  // a changed filter applies at once (the button stays for pages without scripts)
  const script = `document.querySelectorAll('form.filters select').forEach(function(s){s.addEventListener('change',function(){s.form.submit();});});`;
  return page('faultline: runs', body, { script });
}

export interface ListingEntry {
  name: string;
  dir: boolean;
  size: number;
}

/** A directory's listing (e.g. a run's nodes/): links to each entry, parent first. */
export function renderListing(segments: readonly string[], entries: readonly ListingEntry[]): string {
  const title = `/${segments.join('/')}/`;
  const parent = `<tr><td><a href="${escapeHtml(segments.length > 1 ? `${hrefOf(...segments.slice(0, -1))}/` : '/')}">..</a></td><td></td></tr>`;
  const rows = [...entries]
    .sort((a, b) => Number(b.dir) - Number(a.dir) || a.name.localeCompare(b.name))
    .map(
      (e) =>
        `<tr><td><a href="${escapeHtml(hrefOf(...segments, e.name))}${e.dir ? '/' : ''}">${escapeHtml(e.name)}${e.dir ? '/' : ''}</a></td><td class="num">${e.dir ? '' : e.size}</td></tr>`,
    );
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<table>\n<tr><th>name</th><th>bytes</th></tr>\n${[parent, ...rows].join('\n')}\n</table>`, {
    crumbs: [...segments],
  });
}
