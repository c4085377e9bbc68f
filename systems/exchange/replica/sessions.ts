import type { ApplyOutcome } from '../machine/state-machine.js';

/**
 * Client sessions, part of the replicated state: the last sequence number applied
 * per client and its outcome, so a retried (clientId, seq) is applied once and
 * answered with the original result.
 */
export class Sessions {
  private readonly last = new Map<string, { seq: number; outcome: ApplyOutcome }>();

  /** the recorded outcome if this request was already applied */
  duplicate(clientId: string, seq: number): ApplyOutcome | undefined {
    const s = this.last.get(clientId);
    if (s === undefined || seq > s.seq) return undefined;
    return seq === s.seq ? s.outcome : { ok: false, code: 'invalid-command', message: `stale sequence number ${seq} (last applied ${s.seq})` };
  }

  record(clientId: string, seq: number, outcome: ApplyOutcome): void {
    const s = this.last.get(clientId);
    if (s === undefined) this.last.set(clientId, { seq, outcome });
    else {
      // in place: one write, no new object per write to outlive a young-generation GC
      s.seq = seq;
      s.outcome = outcome;
    }
  }

  get size(): number {
    return this.last.size;
  }

  /** for snapshots: sorted by client id, so every node encodes the same bytes */
  toJSON(): [string, number, ApplyOutcome][] {
    return [...this.last].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, s]) => [id, s.seq, s.outcome]);
  }

  restore(rows: [string, number, ApplyOutcome][]): void {
    this.last.clear();
    for (const [id, seq, outcome] of rows) this.last.set(id, { seq, outcome });
  }
}
