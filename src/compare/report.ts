import { formatTable } from '../campaign/table.js';
import type { ComparedRun, Comparison } from './compare.js';

const outcome = (r: ComparedRun): string => `${r.status === 'unmet' ? 'UNMET' : r.status}${r.verdict ? ` (${r.verdict})` : ''}`;
const ms = (x: number | null): string => (x === null ? '-' : `${x} ms`);

/** The comparison in plain text: a row per run present in both, the regressions, and the runs only one side has. */
export function formatComparison(c: Comparison, oldDir: string, newDir: string): string {
  const lines = [`compare    ${oldDir} → ${newDir}: ${c.pairs.length} runs in both`];
  type Pair = Comparison['pairs'][number];
  lines.push(
    formatTable<Pair>(c.pairs, [
      ['run', (p) => p.new.label],
      ['old', (p) => outcome(p.old)],
      ['new', (p) => outcome(p.new)],
      ['ops/s', (p) => `${p.old.opsPerSecond ?? '-'} → ${p.new.opsPerSecond ?? '-'}`],
      ['recovery', (p) => `${ms(p.old.recoveryMs)} → ${ms(p.new.recoveryMs)}`],
      [
        'regressed',
        (p) =>
          p.regressions.length
            ? p.regressions
                .map((r) => r.kind)
                .join(', ')
                .toUpperCase()
            : '-',
      ],
    ]),
  );
  for (const r of c.regressions) lines.push(`REGRESSION ${r.label}: ${r.message}`);
  for (const r of c.onlyOld) lines.push(`only old   ${r.label} [${r.key}]: not in the new campaign`);
  for (const r of c.onlyNew) lines.push(`only new   ${r.label} [${r.key}]: not in the old campaign`);
  lines.push(`outcome    ${c.regressions.length === 0 ? 'no regression' : `${c.regressions.length} regression${c.regressions.length === 1 ? '' : 's'}`}`);
  return `${lines.join('\n')}\n`;
}
