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
  /** fsyncs in progress at the cut, undone, and the bytes they were making durable */
  syncsInterrupted: number;
  interruptedBytes: number;
  /** nodes whose last unsynced write was torn (a prefix kept) */
  torn: number;
  /** nodes cut as an fsync was about to return (the others when the wait for one ran out) */
  atSync: number;
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
  lost?: Record<
    string,
    { unsyncedBytes: number; files: unknown[]; syncsInterrupted: number; interrupted?: { bytes: number }[]; torn: unknown; atSync?: boolean }
  >;
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
        interruptedBytes: lost.reduce((s, l) => s + (l.interrupted ?? []).reduce((t, i) => t + i.bytes, 0), 0),
        torn: lost.filter((l) => l.torn !== null).length,
        atSync: lost.filter((l) => l.atSync === true).length,
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
    const total = d.powerCuts.reduce((s, c) => s + c.unsyncedBytes + c.interruptedBytes, 0);
    lines.push(`power cuts ${d.powerCuts.length}, ${total} bytes not yet durable lost in all:`);
    for (const c of d.powerCuts) {
      const s = (n: number, w: string): string => `${n} ${w}${n === 1 ? '' : 's'}`;
      lines.push(
        `             @${c.atS}s ${c.nodes.join(' ')}: ${c.unsyncedBytes} B unsynced in ${s(c.files, 'file')}, ${c.interruptedBytes} B of ${s(c.syncsInterrupted, 'fsync')} cut short${c.torn ? `, ${s(c.torn, 'torn write')}` : ''}; cut at an fsync on ${c.atSync} of ${c.nodes.length}`,
      );
    }
  }
  for (const c of d.corruptions) lines.push(`corrupt    @${c.atS}s ${c.node} ${c.file} (${c.kind}): ${c.outcome}`);
  return lines;
}
