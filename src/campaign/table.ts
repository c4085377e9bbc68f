import { type CampaignReport, type describeRun, type RunReport } from './report.js';

type Column<T> = [string, (r: T) => string];

const COLUMNS: Column<RunReport>[] = [
  ['run', (r) => String(r.run)],
  ['workload', (r) => r.workload],
  ['nemesis', (r) => r.nemesis],
  ['node opts', (r) => r.nodeOpts || '-'],
  ['verdict', (r) => r.verdict ?? (r.status === 'error' ? 'error' : '-')],
  ['expected', (r) => r.expect],
  ['outcome', (r) => (r.status === 'unmet' ? 'UNMET' : r.status)],
  ['ops/s', (r) => (r.opsPerSecond === null ? '-' : String(r.opsPerSecond))],
  ['results', (r) => r.dir ?? '-'],
];

/** A plain-text table, columns padded to their widest cell. */
export function formatTable<T>(rows: readonly T[], columns: Column<T>[]): string {
  const cells = [columns.map(([h]) => h), ...rows.map((r) => columns.map(([, f]) => f(r)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  return cells
    .map((row) =>
      row
        .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The end of a campaign: the table, errors of aborted runs, and one line of outcome. */
export function formatCampaignReport(c: CampaignReport): string {
  const lines = [`campaign   ${c.name} (${c.file}): ${c.runs.length} runs`, formatTable(c.runs, COLUMNS)];
  for (const r of c.runs) if (r.error) lines.push(`run ${r.run} aborted: ${r.error}`);
  const count = (s: RunReport['status']): number => c.runs.filter((r) => r.status === s).length;
  const parts = [`${count('met')} met`, `${count('unmet')} unmet`, `${count('unknown')} unknown`, `${count('error')} aborted`, `${count('skipped')} skipped`];
  lines.push(
    `outcome    ${c.valid === true ? 'every expectation met' : c.valid === false ? 'EXPECTATION NOT MET' : 'undecided'} (${parts.join(', ')})${c.stopped ? '; stopped early' : ''}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The runs a campaign would execute (`--dry-run`). */
export function formatPlan(runs: readonly ReturnType<typeof describeRun>[]): string {
  const plan: Column<ReturnType<typeof describeRun>>[] = [
    ['run', (r) => String(r.run)],
    ['from', (r) => `runs[${r.source}]${r.repeat > 1 ? ` #${r.repeat}` : ''}`],
    ['test', (r) => r.testName],
    ['workload', (r) => r.workload],
    ['nemesis', (r) => r.nemesis],
    ['node opts', (r) => r.nodeOpts || '-'],
    ['nodes', (r) => String(r.config.nodes)],
    ['time', (r) => `${r.config.timeLimitS}s`],
    ['seed', (r) => String(r.seed)],
    ['expected', (r) => r.expect],
  ];
  return `${formatTable(runs, plan)}\n`;
}
