import type { ApplyOutcome } from '../exchange/state-machine.js';

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
    this.last.set(clientId, { seq, outcome });
  }

  get size(): number {
    return this.last.size;
  }
}
