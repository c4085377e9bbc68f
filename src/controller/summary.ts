import type { RunConfig } from './config.js';
import type { RunSummary } from './run.js';

/** The human summary printed at the end of a run. */
export function formatRunSummary(cfg: RunConfig, s: RunSummary): string {
  const lines = [
    `test       ${cfg.testName} (workload ${cfg.workload}, ${cfg.nodes} nodes, nemesis ${cfg.families.join(',') || 'none'}, seed ${cfg.seed})`,
    `ops        ${s.counts.ok + s.counts.fail + s.counts.info} completed: ${s.counts.ok} ok, ${s.counts.fail} fail, ${s.counts.info} info`,
    `rate       ${s.throughput.opsPerSecond} ops/s completed; ok latency p50 ${s.throughput.p50} ms, p99 ${s.throughput.p99} ms`,
    `faults     ${s.faults} applied`,
    `recovery   ${s.recoveryMs === null ? 'cluster did not converge' : `${s.recoveryMs} ms after the last heal`}`,
  ];
  if (s.interrupted) lines.push('interrupted: not checked (the history is readable by faultline check)');
  for (const [name, r] of Object.entries(s.results)) {
    const detail =
      name === 'set'
        ? ` (lost ${(r.lost as unknown[]).length}, unexpected ${(r.unexpected as unknown[]).length}, stale reads ${(r.stale as unknown[]).length}, recovered ${r.recovered})`
        : name === 'bank'
          ? ` (${r.reads} reads, wrong totals ${(r.wrongTotal as unknown[]).length}, negative balances ${(r.negative as unknown[]).length})`
          : name === 'orders'
            ? ` (${r.acknowledged} acknowledged, missing ${(r.missing as unknown[]).length}, overfilled ${(r.overfilled as unknown[]).length}, outside limits ${(r.outsideLimits as unknown[]).length}, conserved ${r.conserved}, priority ${r.priorityViolation ?? 'ok'})`
            : '';
    lines.push(`checker    ${name}: ${r.valid === true ? 'valid' : r.valid === false ? 'INVALID' : 'unknown'}${detail}`);
  }
  lines.push(`verdict    ${s.valid === true ? 'valid' : s.valid === false ? 'INVALID' : 'unknown'}`);
  return `${lines.join('\n')}\n`;
}
