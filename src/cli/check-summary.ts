import type { LinearizabilityResult, OpSummary } from '../../checkers/linearizability/types.js';
import type { CheckOptions } from './check-options.js';
import type { CheckReport } from './check-run.js';

const PREFIX_SHOWN = 5;
const CONCURRENT_SHOWN = 8;

/** The one JSON object `check --json` prints (contracts.md §3). */
export function checkJson(r: CheckReport): Record<string, unknown> {
  const res = r.result;
  const out: Record<string, unknown> = {
    valid: res.valid,
    model: res.model,
    ops: res.ops,
    partitions: res.partitions,
    elapsedMs: round(res.elapsedMs),
    anomaly: res.anomaly ?? null,
    file: r.file,
    format: r.format,
    nilRead: r.nilRead,
    events: r.events,
    readMs: round(r.readMs),
    initial: r.initial,
    decided: decided(res),
  };
  if (r.skipped > 0) out.skipped = r.skipped;
  if (res.unknownReason !== undefined) {
    out.unknownReason = res.unknownReason;
    out.unknownDetail = res.unknownDetail;
  }
  if (res.explainInterrupted) out.explainInterrupted = true;
  return out;
}

/** partitions decided (linearizable, or the illegal one) so far */
function decided(res: LinearizabilityResult): number {
  return res.partitionResults.filter((p) => p.valid !== 'unknown').length;
}

/** The short human summary. `opts` (what was asked) lets an unknown verdict say what to raise. */
export function checkSummary(r: CheckReport, opts?: Pick<CheckOptions, 'timeoutMs' | 'memoryBytes'>): string {
  const res = r.result;
  const skipped = r.skipped > 0 ? `, ${r.skipped} other line${r.skipped === 1 ? '' : 's'} skipped` : '';
  const lines = [
    `history    ${r.file} (${r.format}, ${r.events} events${r.nemesis > 0 ? `, ${r.nemesis} nemesis` : ''}${skipped}, read in ${ms(r.readMs)})`,
    `model      ${res.model} (initial ${r.initial}${r.nilRead ? `, nil reads: ${r.nilRead}` : ''})`,
    `ops        ${res.ops} in ${res.partitions} partition${res.partitions === 1 ? '' : 's'}`,
    `time       ${ms(res.elapsedMs)}`,
    `verdict    ${verdict(r)}`,
  ];
  if (res.valid === 'unknown') {
    if (res.unknownDetail) lines.push(`because    ${res.unknownDetail}`);
    if (res.unknownReason !== 'empty' && res.partitions > 1) {
      const n = decided(res);
      lines.push(`known      ${n} of ${res.partitions} partitions linearizable, ${res.partitions - n} undecided`);
    }
    const hint = unknownHint(res, opts);
    if (hint) lines.push(`to decide  ${hint}`);
  }
  if (res.valid === false && !res.anomaly && res.explainInterrupted)
    lines.push('(interrupted while explaining the violation: run again without Ctrl-C for the explanation)');
  const a = res.anomaly;
  if (res.valid === false && a) {
    lines.push('');
    if (a.key !== null && a.key !== undefined) lines.push(`key        ${show(a.key)}`);
    lines.push(`cannot linearize  ${op(a.op)}`);
    if (a.reason) lines.push(`because    ${a.reason}`);
    const shown = a.prefix.slice(-PREFIX_SHOWN);
    lines.push(
      `longest linearizable prefix: ${a.prefix.length} op${a.prefix.length === 1 ? '' : 's'}` +
        (a.prefix.length > shown.length ? `, the last ${shown.length}:` : a.prefix.length > 0 ? ':' : ''),
    );
    for (const p of shown) lines.push(`  ${op(p)}`);
    lines.push(`state after the prefix: ${a.state}`);
    if (a.concurrent.length > 0) {
      lines.push(`concurrent with it: ${a.concurrent.length} op${a.concurrent.length === 1 ? '' : 's'}`);
      for (const c of a.concurrent.slice(0, CONCURRENT_SHOWN)) lines.push(`  ${op(c)}`);
      if (a.concurrent.length > CONCURRENT_SHOWN) lines.push(`  ... and ${a.concurrent.length - CONCURRENT_SHOWN} more`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const UNKNOWN_WORDS: Record<string, string> = {
  timeout: 'time budget exhausted',
  memory: 'memory budget exhausted',
  interrupted: 'interrupted',
  empty: 'nothing to check',
};

function verdict(r: CheckReport): string {
  const res = r.result;
  if (res.valid === true) return 'valid (linearizable)';
  if (res.valid === false) return 'INVALID (not linearizable)';
  return `unknown (${UNKNOWN_WORDS[res.unknownReason ?? ''] ?? 'undecided'})`;
}

/** what to raise (or do) to get a verdict */
function unknownHint(res: LinearizabilityResult, opts?: Pick<CheckOptions, 'timeoutMs' | 'memoryBytes'>): string | undefined {
  switch (res.unknownReason) {
    case 'timeout':
      return `raise --timeout (it was ${opts?.timeoutMs !== undefined ? `${opts.timeoutMs / 1000} s` : 'set'})`;
    case 'memory':
      return `raise --memory (it was ${Math.round((opts?.memoryBytes ?? 1 << 30) / (1 << 20))} MB)`;
    default:
      return undefined;
  }
}

/** `op 17 process 3: cas(3, 4)  [history #40..#45]` (indexes of the invoke and completion events) */
function op(o: OpSummary): string {
  const where = o.completeIndex >= 0 ? `#${o.invokeIndex}..#${o.completeIndex}` : `#${o.invokeIndex}, never completed`;
  return `op ${o.id} process ${o.process}: ${o.description}  [history ${where}]`;
}

function ms(v: number): string {
  return v < 10 ? `${v.toFixed(2)} ms` : v < 10_000 ? `${v.toFixed(0)} ms` : `${(v / 1000).toFixed(1)} s`;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}
