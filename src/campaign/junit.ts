import type { CampaignReport, RunReport } from './report.js';

/**
 * A campaign as JUnit XML, in the shape GitHub's test-report actions, GitLab's
 * `artifacts:reports:junit` and Jenkins' junit step all read: `<testsuites>` holding one
 * `<testsuite>` (the campaign) with one `<testcase>` per run. A run that met its
 * expectation passes; unmet is a `<failure>` whose message is what the checkers found
 * (or that they found nothing when an anomaly was expected); a run the checkers could
 * not decide or that aborted is an `<error>`; one never started is `<skipped>`. The run's
 * directory and summary are its `<system-out>`.
 */
export function renderJunit(c: CampaignReport, opts: { hostname?: string } = {}): string {
  const count = (s: RunReport['status'] | RunReport['status'][]): number => c.runs.filter((r) => ([] as string[]).concat(s).includes(r.status)).length;
  const time = seconds(c.runs.reduce((t, r) => t + (r.elapsedS ?? 0), 0));
  const totals = `tests="${c.runs.length}" failures="${count('unmet')}" errors="${count(['unknown', 'error'])}" skipped="${count('skipped')}" time="${time}"`;
  // Jenkins' schema wants a timestamp without a zone (it is UTC)
  const timestamp = c.started.replace(/\.\d+Z$|Z$/, '');
  const props = [
    ['file', c.file],
    ['directory', c.dir],
    ...(c.description ? [['description', c.description]] : []),
    ['valid', String(c.valid)],
    ['stopped', String(c.stopped)],
  ]
    .map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(`faultline campaign ${c.name}`)}" ${totals}>`,
    `  <testsuite name="${attr(c.name)}" ${totals} timestamp="${attr(timestamp)}" hostname="${attr(opts.hostname ?? 'localhost')}">`,
    '    <properties>',
    props,
    '    </properties>',
    ...c.runs.map((r) => testcase(c, r)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function testcase(c: CampaignReport, r: RunReport): string {
  const name = `run ${r.run}: ${r.workload}, nemesis ${r.nemesis}${r.nodeOpts ? `, ${r.nodeOpts}` : ''}${r.repeat > 1 ? `, repetition ${r.repeat}` : ''} (expect ${r.expect})`;
  const open = `    <testcase name="${attr(name)}" classname="${attr(`${c.name}.${r.testName}`)}" time="${seconds(r.elapsedS ?? 0)}">`;
  const out = [`results: ${r.dir ?? '(none)'}`, `seed: ${r.seed}`, ...(r.verdict ? [`verdict: ${r.verdict}, expected ${r.expect}`] : []), ...r.anomalies];
  const systemOut = `      <system-out>${text(out.join('\n'))}</system-out>`;
  const found = r.anomalies.length > 0 ? r.anomalies.join('\n') : '';
  let verdictElement = '';
  switch (r.status) {
    case 'met':
      break;
    case 'unmet': {
      const message = found
        ? `expected ${r.expect}, got ${r.verdict}: ${firstLine(found)}`
        : `expected ${r.expect}, got ${r.verdict}: the checkers found no anomaly`;
      verdictElement = `      <failure message="${attr(message)}" type="${attr(`expected-${r.expect}`)}">${text(found || message)}</failure>`;
      break;
    }
    case 'unknown': {
      const message = `expected ${r.expect}, got unknown${found ? `: ${firstLine(found)}` : ' (the run was interrupted or the checkers could not decide)'}`;
      verdictElement = `      <error message="${attr(message)}" type="unknown">${text(found || message)}</error>`;
      break;
    }
    case 'error':
      verdictElement = `      <error message="${attr(`the run aborted: ${r.error ?? 'unknown error'}`)}" type="aborted">${text(r.error ?? '')}</error>`;
      break;
    case 'skipped':
      verdictElement = `      <skipped message="the campaign was stopped before this run"/>`;
      break;
  }
  return [open, ...(verdictElement ? [verdictElement] : []), systemOut, '    </testcase>'].join('\n');
}

const seconds = (s: number): string => (Math.round(s * 1000) / 1000).toFixed(3);
const firstLine = (s: string): string => s.split('\n')[0];

// XML 1.0 allows tab, newline, carriage return and everything from U+0020 up except the
// surrogates and U+FFFE/U+FFFF: anything else (an escape code in a node's error) is dropped
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(s: string): string {
  return s.replace(INVALID, '').replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'));
}

/** Attribute values: also quotes, and newlines as character references so parsers keep them. */
function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
