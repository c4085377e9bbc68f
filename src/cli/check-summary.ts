import type { OpSummary } from '../../checkers/linearizability/types.js';
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
  };
  if (res.unknownReason !== undefined) out.unknownReason = res.unknownReason;
  return out;
}

/** The short human summary. */
export function checkSummary(r: CheckReport): string {
  const res = r.result;
  const lines = [
    `history    ${r.file} (${r.format}, ${r.events} events${r.nemesis > 0 ? `, ${r.nemesis} nemesis` : ''}, read in ${ms(r.readMs)})`,
    `model      ${res.model} (initial ${show(r.initial)}, nil reads: ${r.nilRead})`,
    `ops        ${res.ops} in ${res.partitions} partition${res.partitions === 1 ? '' : 's'}`,
    `time       ${ms(res.elapsedMs)}`,
    `verdict    ${verdict(r)}`,
  ];
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

function verdict(r: CheckReport): string {
  const res = r.result;
  if (res.valid === true) return 'valid (linearizable)';
  if (res.valid === false) return 'INVALID (not linearizable)';
  const why = res.unknownReason === 'timeout' ? 'time budget exhausted' : res.unknownReason === 'memory' ? 'memory budget exhausted' : 'undecided';
  return `unknown (${why})`;
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
