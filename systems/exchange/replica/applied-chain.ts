import { createHash } from 'node:crypto';
import type { Entry } from '../raft/types.js';

/** a checkpoint every this many applied entries (about 1.2 µs of hashing per entry) */
export const CHECKPOINT_EVERY = 100;
/** checkpoints kept in memory: the harness polls far more often than this many fill */
const KEEP = 512;
const ZERO = Buffer.alloc(32).toString('hex');

/**
 * A hash chain over the entries a replica applied: head(i) = sha256(head(i-1), index,
 * term, kind, data). Raft's State Machine Safety says no two servers apply different
 * entries at one index, so two replicas' heads at one index must be equal, whenever
 * each was computed. Every CHECKPOINT_EVERY-th head is kept, so the harness can compare
 * replicas over the whole run, not only at its end: a divergence later covered by a
 * snapshot install (which resets the chain to the leader's head) stays on record.
 * The head travels in snapshots; a snapshot without one leaves the chain unknown.
 */
export class AppliedChain {
  private head: string | null = ZERO;
  private at = 0;
  private readonly kept: [number, string][] = [];

  constructor(private readonly every = CHECKPOINT_EVERY) {}

  /** the chain's head as of `index` (restored from a snapshot), or unknown */
  reset(index: number, head: string | null): void {
    this.at = index;
    this.head = head;
  }

  add(e: Entry): void {
    if (this.head === null) return;
    if (e.index !== this.at + 1) {
      this.head = null; // a gap: what was applied in between is not known here
      return;
    }
    this.head = createHash('sha256').update(`${this.head} ${e.index} ${e.term} ${e.kind} `).update(e.data).digest('hex');
    this.at = e.index;
    if (e.index % this.every === 0) {
      this.kept.push([e.index, this.head]);
      if (this.kept.length > KEEP) this.kept.splice(0, this.kept.length - KEEP);
    }
  }

  /** the head as of the last applied entry, for a snapshot taken there */
  headHex(): string | null {
    return this.head;
  }

  /** the kept checkpoints, oldest first: [index, head] */
  checkpoints(): readonly [number, string][] {
    return this.kept;
  }
}
