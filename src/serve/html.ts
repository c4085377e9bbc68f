import { hrefOf } from './resolve.js';

/** Text for HTML bodies and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Data for an inline <script type="application/json">: nothing in it can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export type Verdict = 'valid' | 'invalid' | 'unknown' | 'incomplete' | 'live';

// Jepsen's colours: green valid, red invalid, orange unknown; grey without results; blue while running
export const VERDICT_COLOURS: Record<Verdict, { bg: string; fg: string; row: string }> = {
  valid: { bg: '#2e7d32', fg: '#fff', row: '#e8f5e9' },
  invalid: { bg: '#c62828', fg: '#fff', row: '#ffebee' },
  unknown: { bg: '#ef8f00', fg: '#fff', row: '#fff3e0' },
  incomplete: { bg: '#78808c', fg: '#fff', row: '#f1f3f5' },
  live: { bg: '#1565c0', fg: '#fff', row: '#e3f2fd' },
};

export const badge = (v: Verdict, text: string = v): string => `<span class="badge v-${v}">${escapeHtml(text)}</span>`;

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header.top{background:#1d2430;color:#fff;padding:10px 24px;display:flex;gap:18px;align-items:baseline}
header.top a{color:#fff;text-decoration:none;font-weight:700;font-size:17px} header.top .crumbs{color:#aab3c2;font-size:13px}
header.top .crumbs a{color:#d5dbe5;font-weight:500;font-size:13px}
main{padding:18px 24px;max-width:1500px}
h1{font-size:21px;margin:0 0 6px;display:flex;gap:12px;align-items:center;flex-wrap:wrap} h2{font-size:16px;margin:22px 0 8px}
.meta{color:#5b6575;margin-bottom:12px} .mono,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
.card{background:#fff;border:1px solid #e0e4ea;border-radius:8px;padding:12px 16px;margin-bottom:14px}
table{border-collapse:collapse;width:100%;font-size:13px;background:#fff}
td,th{padding:5px 9px;text-align:left;vertical-align:top;border-bottom:1px solid #edf0f4}
th{background:#eef1f5;font-weight:600;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
a{color:#1c4f9c}
.badge{display:inline-block;padding:1px 9px;border-radius:10px;font-weight:600;font-size:12px;white-space:nowrap}
.big .badge{font-size:15px;padding:3px 12px;border-radius:13px}
${(Object.entries(VERDICT_COLOURS) as [Verdict, { bg: string; fg: string; row: string }][]).map(([v, c]) => `.v-${v}{background:${c.bg};color:${c.fg}} tr.r-${v}>td:first-child{box-shadow:inset 4px 0 ${c.bg}} tr.r-${v}{background:${c.row}}`).join('\n')}
.links a{margin-right:.6em;white-space:nowrap} td.name{white-space:nowrap}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:14px} .cols>.card{margin:0}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;font-size:13px} .kv dt{color:#5b6575} .kv dd{margin:0;min-width:0;overflow-wrap:anywhere}
.anomaly{border-left:4px solid #c62828;background:#fff5f5;padding:8px 12px;margin:8px 0;border-radius:4px}
.anomaly.unknown{border-color:#ef8f00;background:#fffaf0} .anomaly .head{font-weight:600} .anomaly ul{margin:4px 0 0;padding-left:20px;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.plots img{max-width:100%;height:auto;border:1px solid #e0e4ea;border-radius:6px;background:#fff;display:block;margin-bottom:10px}
iframe.timeline{width:100%;height:640px;border:1px solid #e0e4ea;border-radius:6px;background:#fff}
pre.log{max-height:340px;overflow:auto;background:#1d2430;color:#e3e8ef;padding:8px 10px;border-radius:6px;font-size:12px;margin:6px 0}
details>summary{cursor:pointer}
form.filters{display:flex;gap:14px;align-items:end;flex-wrap:wrap;margin-bottom:12px}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:#5b6575;gap:2px}
form.filters select{font:inherit;padding:3px 6px;min-width:130px}
.muted{color:#8a94a6}
`;

/** A dashboard page: the top bar (with breadcrumbs to `crumbs`' segments), the body, and an optional script. */
export function page(title: string, body: string, o: { crumbs?: string[]; script?: string; head?: string } = {}): string {
  const crumbs = (o.crumbs ?? []).map((s, i, all) => `<a href="${escapeHtml(hrefOf(...all.slice(0, i + 1)))}/">${escapeHtml(s)}</a>`).join(' / ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title><style>${CSS}</style>${o.head ?? ''}</head>
<body><header class="top"><a href="/">faultline</a><span class="crumbs">${crumbs}</span></header>
<main>
${body}
</main>${o.script ? `<script>${o.script}</script>` : ''}</body></html>
`;
}

/** `2025-01-02T030405` (store.ts) or an ISO time → `2025-01-02 03:04:05`. */
export function timeText(started: string | null, stamp: string): string {
  if (started) return started.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d)(\d\d)(\d\d)/.exec(stamp);
  return m ? `${m[1]} ${m[2]}:${m[3]}:${m[4]}` : stamp;
}
