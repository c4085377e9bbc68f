import { type CheckerResult, verdictName } from '../../checkers/types.js';
import { RUN_FILES } from '../store/layout.js';
import { describeNemesis, type RunConfig } from './config.js';
import { formatDiskFacts } from './disk-facts.js';
import type { Recovery } from './nemesis-loop.js';
import type { RunSummary } from './run.js';

// an invalid verdict is shouted: it is the line a reader must not miss
const verdict = (v: unknown): string => (verdictName(v) === 'invalid' ? 'INVALID' : verdictName(v));
const len = (x: unknown): number => (Array.isArray(x) ? x.length : 0);

/** One line of detail per checker, naming the anomalies it looks for. */
export function checkerDetail(name: string, r: CheckerResult): string {
  switch (name) {
    case 'linearizable':
      return ` (${r.ops} ops in ${r.partitions} keys${r.anomaly ? `; anomaly: ${(r.anomaly as { reason?: string }).reason ?? `see ${RUN_FILES.linearizability}`}` : ''}${r.unknownReason ? `; ${r.unknownReason}` : ''})`;
    case 'set':
      return ` (lost ${len(r.lost)}, unexpected ${len(r.unexpected)}, stale ${len(r.stale)}, never read ${len(r.neverRead)}, recovered ${r.recovered}, ok ${r.ok}; ${r.acknowledged} of ${r.attempted} adds acknowledged)`;
    case 'append':
      return ` (${r.reads} reads of ${r.keys} lists: duplicated ${r.duplicatedElements} elements in ${r.duplicated} reads, incompatible orders ${r.incompatible}, unexpected ${r.unexpected}, failed but visible ${r.failedVisible}, stale ${r.stale}, lost ${r.lost}, recovered ${r.recovered}; ${r.acknowledged} of ${r.attempted} appends acknowledged)`;
    case 'bank':
      return ` (${r.reads} reads, wrong totals ${len(r.wrongTotal)}, negative balances ${len(r.negative)})`;
    case 'orders':
      return ` (${r.acknowledged} acknowledged, missing ${len(r.missing)}, phantom ${len(r.phantom)}, mismatched ${len(r.mismatched)}, overfilled ${len(r.overfilled)}, outside limits ${len(r.outsideLimits)}, conserved ${r.conserved}, priority ${r.priorityViolation ?? 'ok'})`;
    case 'election': {
      const two = (r.twoLeaders as { term: number; leaders: { node: string }[] }[] | undefined) ?? [];
      return ` (${r.claims} leaderships seen in ${r.terms} terms${two.length ? `; two leaders in ${two.map((t) => `term ${t.term}: ${t.leaders.map((l) => l.node).join(', ')}`).join('; ')}` : ''}${r.exempt ? `; ${r.exempt} left out: data damaged by the nemesis` : ''})`;
    }
    case 'replicas': {
      const groups = (r.groups as { nodes: string[] }[] | undefined) ?? [];
      const left = (r.leftOut as { node: string; why: string }[] | undefined) ?? [];
      const held = groups.length > 1 ? `; ${groups.length} different states: ${groups.map((g) => g.nodes.join(' ')).join(' | ')}` : '';
      const out = left.length ? `; left out ${left.map((l) => `${l.node} (${l.why})`).join(', ')}` : '';
      return r.index === null ? ` (${r.reason}${out})` : ` (${len(r.compared)} nodes at log position ${r.index}${held}${out})`;
    }
    case 'checkpoints': {
      const first = r.first as { index: number; groups: { nodes: string[] }[] } | undefined;
      const where = first ? `; first at position ${first.index}: ${first.groups.map((g) => g.nodes.join(' ')).join(' | ')}` : '';
      return ` (${r.compared} log positions compared across nodes, ${r.diverged} with different applied entries${where})`;
    }
    case 'stats':
      return ` (${r.count} completions${len(r.neverOk) ? `; never ok: ${(r.neverOk as string[]).join(', ')}` : ''})`;
    default:
      return r.error ? ` (${String(r.error).split('\n')[0]})` : '';
  }
}

function recoveries(rs: readonly Recovery[], kind: Recovery['kind']): string {
  const xs = rs.filter((r) => r.kind === kind);
  if (xs.length === 0) return 'none';
  return xs.map((r) => `${r.after}@${(r.atMs / 1000).toFixed(1)}s ${r.ms === null ? 'no' : `${r.ms} ms`}`).join(', ');
}

/** The human summary printed at the end of a run. */
export function formatRunSummary(cfg: RunConfig, s: RunSummary): string {
  const c = s.counts;
  const lines = [
    `test       ${cfg.testName} (${cfg.sut}, workload ${cfg.workload}, ${cfg.nodes} nodes, nemesis ${describeNemesis(cfg)}, seed ${cfg.seed}${
      Object.keys(cfg.sutOpts).length
        ? `, options ${Object.entries(cfg.sutOpts)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`
        : ''
    })`,
    `ops        ${c.ok + c.fail + c.info} completed: ${c.ok} ok, ${c.fail} fail, ${c.info} info`,
    `rate       ${s.throughput.opsPerSecond} ops/s completed; ok latency p50 ${s.throughput.p50} ms, p99 ${s.throughput.p99} ms`,
    `faults     ${s.faults} applied, ${s.leaderFaults} involving the leader of the moment${s.faultFailures ? `, ${s.faultFailures} could not be applied (see controller.log)` : ''}`,
    `elections  ${s.elections} leader terms observed`,
    `failover   ${recoveries(s.recoveries, 'leader')}`,
    `healed     ${recoveries(s.recoveries, 'heal')}`,
    `recovery   ${s.finalRecoveryMs === null ? (s.interrupted ? 'not waited for' : 'cluster did not converge') : `${s.finalRecoveryMs} ms after the final heal`}`,
    ...(s.disk ? formatDiskFacts(s.disk) : []),
  ];
  if (s.interrupted) lines.push('interrupted: not checked (the history is readable by faultline check)');
  for (const [name, r] of Object.entries(s.results)) lines.push(`checker    ${name}: ${verdict(r.valid)}${checkerDetail(name, r)}`);
  lines.push(`verdict    ${verdict(s.valid)}`);
  return `${lines.join('\n')}\n`;
}
