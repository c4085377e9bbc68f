import type { Op } from '../history/types.js';

/**
 * What the disk faults did in a run, read back from the nemesis events of the
 * history (pure): each power cut's lost writes, and each corruption's outcome.
 */
export interface PowerCutFact {
  /** seconds since the load started */
  atS: number;
  /** nodes cut, in order (with minority-then-leader, the leader last) */
  nodes: string[];
  unsyncedBytes: number;
  /** files that lost unsynced data */
  files: number;
  /** fsyncs in progress at the cut, undone */
  syncsInterrupted: number;
  /** nodes whose last unsynced write was torn (a prefix kept) */
  torn: number;
}

export interface CorruptFact {
  atS: number;
  node: string;
  kind: string;
  file: string;
  outcome: string;
}

export interface DiskFacts {
  powerCuts: PowerCutFact[];
  corruptions: CorruptFact[];
}

interface CutValue {
  nodes?: string[];
  lost?: Record<string, { unsyncedBytes: number; files: unknown[]; syncsInterrupted: number; torn: unknown }>;
}

interface CorruptValue {
  node?: string;
  corruption?: { kind: string; file: string };
  outcome?: string;
  skipped?: string;
}

export function diskFacts(ops: readonly Op[], loadStartNs: number): DiskFacts {
  const out: DiskFacts = { powerCuts: [], corruptions: [] };
  for (const op of ops) {
    if (op.process !== 'nemesis') continue;
    const atS = Math.round((op.time - loadStartNs) / 1e8) / 10;
    if (op.f === 'start-power-cut') {
      const v = op.value as CutValue;
      const lost = Object.values(v.lost ?? {});
      out.powerCuts.push({
        atS,
        nodes: v.nodes ?? [],
        unsyncedBytes: lost.reduce((s, l) => s + l.unsyncedBytes, 0),
        files: lost.reduce((s, l) => s + l.files.length, 0),
        syncsInterrupted: lost.reduce((s, l) => s + l.syncsInterrupted, 0),
        torn: lost.filter((l) => l.torn !== null).length,
      });
    } else if (op.f === 'start-corrupt') {
      const v = op.value as CorruptValue;
      if (v.corruption) out.corruptions.push({ atS, node: v.node ?? '?', kind: v.corruption.kind, file: v.corruption.file, outcome: v.outcome ?? '?' });
    }
  }
  return out;
}

/** The summary's lines for them (none when the run had no disk fault). */
export function formatDiskFacts(d: DiskFacts): string[] {
  const lines: string[] = [];
  if (d.powerCuts.length > 0) {
    const total = d.powerCuts.reduce((s, c) => s + c.unsyncedBytes, 0);
    lines.push(`power cuts ${d.powerCuts.length}, ${total} unsynced bytes lost in all:`);
    for (const c of d.powerCuts) {
      lines.push(
        `             @${c.atS}s ${c.nodes.join(' ')}: ${c.unsyncedBytes} B in ${c.files} file${c.files === 1 ? '' : 's'} lost, ${c.syncsInterrupted} fsync${c.syncsInterrupted === 1 ? '' : 's'} cut short${c.torn ? `, ${c.torn} torn write${c.torn === 1 ? '' : 's'}` : ''}`,
      );
    }
  }
  for (const c of d.corruptions) lines.push(`corrupt    @${c.atS}s ${c.node} ${c.file} (${c.kind}): ${c.outcome}`);
  return lines;
}
