import type { CheckerResult, Valid } from './types.js';

/** At one log position: each digest seen there, the nodes that reported it, and when it was first seen (history time, ns). */
export type CheckpointsAt = Map<string, { nodes: Set<string>; atNs: number }>;

/** What a run's polls of the applied-log checkpoints gathered (src/controller/checkpoints.ts). */
export interface CheckpointLog {
  /** positions every node reported with one digest, folded away as they completed */
  agreed: number;
  /** the other positions: not yet reported by every node, or reported with several digests */
  open: ReadonlyMap<number, CheckpointsAt>;
}

export interface CheckpointsResult extends CheckerResult {
  valid: Valid;
  /** positions that at least two judged nodes reported */
  compared: number;
  /** positions with more than one digest among the judged nodes */
  diverged: number;
  /** the lowest such position and who held what there */
  first?: { index: number; groups: { digest: string; nodes: string[] }[] };
  firstAnomalyNs?: number;
}

/**
 * State Machine Safety over the whole run: no two servers apply different entries at
 * one index. Each position's digests (of every entry applied up to it), from every
 * node and every incarnation of it, must be one. A node whose data the nemesis damaged
 * is left out. The anomaly's time is when the second digest was first seen. Pure.
 */
export function checkCheckpoints(log: CheckpointLog, damaged: ReadonlySet<string> = new Set()): CheckpointsResult {
  let compared = log.agreed;
  let diverged = 0;
  let first: CheckpointsResult['first'];
  let firstAnomalyNs: number | undefined;
  for (const [index, at] of log.open) {
    const groups: { digest: string; nodes: string[]; atNs: number }[] = [];
    const judged = new Set<string>();
    for (const [digest, { nodes, atNs }] of at) {
      const kept = [...nodes].filter((n) => !damaged.has(n));
      if (kept.length === 0) continue;
      for (const n of kept) judged.add(n);
      groups.push({ digest, nodes: kept.sort(), atNs });
    }
    if (groups.length > 1) {
      diverged++;
      const seen = groups.map((g) => g.atNs).sort((a, b) => a - b)[1];
      if (firstAnomalyNs === undefined || seen < firstAnomalyNs) firstAnomalyNs = seen;
      if (!first || index < first.index)
        first = { index, groups: groups.sort((a, b) => b.nodes.length - a.nodes.length).map(({ digest, nodes }) => ({ digest, nodes })) };
    }
    if (judged.size >= 2 || groups.length > 1) compared++;
  }
  const valid: Valid = diverged > 0 ? false : compared > 0 ? true : 'unknown';
  return { valid, compared, diverged, ...(first ? { first } : {}), ...(firstAnomalyNs !== undefined ? { firstAnomalyNs } : {}) };
}
