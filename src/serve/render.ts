import type { RunRecord, Verdict } from './records.js';
import { hrefOf } from './resolve.js';

/** Text for HTML bodies and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Jepsen's colours: green valid, red invalid, orange unknown; grey for a run without results.
const COLOURS: Record<Verdict, string> = {
  valid: '#adf6b1',
  invalid: '#f6aead',
  unknown: '#f6dfad',
  incomplete: '#e0e0e0',
};

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #fff; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
a { color: #114; }
.links a { margin-right: 0.6em; white-space: nowrap; }
${(Object.entries(COLOURS) as [Verdict, string][]).map(([v, c]) => `tr.${v} { background: ${c}; }`).join('\n')}
`;

const page = (title: string, body: string): string =>
  `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;

const cell = (x: string | number | null, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}>${x === null ? '' : escapeHtml(String(x))}</td>`;

/** `2025-01-02T030405` (store.ts) → `2025-01-02 03:04:05`; used when test.json has no start time. */
function timeOf(r: RunRecord): string {
  if (r.started) return r.started.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d)(\d\d)(\d\d)/.exec(r.stamp);
  return m ? `${m[1]} ${m[2]}:${m[3]}:${m[4]}` : r.stamp;
}

function row(r: RunRecord): string {
  const links = r.links.map((l) => `<a href="${escapeHtml(hrefOf(r.test, r.stamp, l))}">${escapeHtml(l)}</a>`).join(' ');
  const what = r.kind === 'campaign' ? `campaign (${r.ops ?? 0} runs)` : r.workload;
  return [
    `<tr class="${r.verdict}">`,
    `<td><a href="${escapeHtml(hrefOf(r.test, r.stamp))}/">${escapeHtml(r.test)}</a></td>`,
    cell(timeOf(r)),
    cell(r.verdict),
    cell(what),
    cell(r.nemesis),
    cell(r.nodes, 'num'),
    cell(r.nodeOpts),
    cell(r.kind === 'campaign' ? null : r.ops, 'num'),
    cell(r.opsPerSecond, 'num'),
    `<td class="links">${links}</td>`,
    '</tr>',
  ].join('');
}

/** The store's index page: one row per run, newest first, coloured by verdict. */
export function renderIndex(records: readonly RunRecord[], store: string): string {
  const head = ['test', 'time (UTC)', 'verdict', 'workload', 'nemesis', 'nodes', 'node opts', 'ops', 'ops/s', 'files'].map((h) => `<th>${h}</th>`).join('');
  const body =
    records.length === 0
      ? `<p>No runs in ${escapeHtml(store)} yet. <code>faultline run</code> writes one.</p>`
      : `<table>\n<tr>${head}</tr>\n${records.map(row).join('\n')}\n</table>`;
  return page('faultline', `<h1>faultline</h1>\n<p>${records.length} runs in <code>${escapeHtml(store)}</code></p>\n${body}`);
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
    .map((e) => `<tr><td><a href="${escapeHtml(hrefOf(...segments, e.name))}${e.dir ? '/' : ''}">${escapeHtml(e.name)}${e.dir ? '/' : ''}</a></td><td class="num">${e.dir ? '' : e.size}</td></tr>`);
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<table>\n<tr><th>name</th><th>bytes</th></tr>\n${[parent, ...rows].join('\n')}\n</table>`);
}
