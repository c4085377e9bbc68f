import type { Ready } from '../raft/node.js';

/** Where a node's persist pipeline stands when a new ready comes out of Raft. */
export interface PipelineState {
  /** readies in flight (or waiting behind one) that hold messages to send once persisted */
  heldMessages: number;
  /** readies in flight or waiting behind one */
  inflight: number;
  /** the term already on disk */
  persistedTerm: number;
  role: string;
}

/** Does this ready write anything to the local disk (log entries, a truncation, hard state, a snapshot)? */
export function isDurable(rd: Ready): boolean {
  return rd.entries.length > 0 || rd.truncateFrom !== undefined || rd.hardState !== undefined || rd.snapshot !== undefined;
}

/**
 * May this ready's messages go out before the persists in flight and its own
 * complete? Shared by the replica and the simulation harness, so the harness's
 * invariants check the rule the node runs. Messages never overtake held ones; with
 * nothing on disk to wait for they go at once; otherwise only a leader's appends and
 * heartbeats may lead (Raft §10.2.1): they claim nothing about its own disk once its
 * term is durable, and it counts itself toward a commit only after its fsync.
 */
export function mayLeadAhead(rd: Ready, s: PipelineState): boolean {
  if (s.heldMessages > 0) return false;
  if (!isDurable(rd) && s.inflight === 0) return true;
  return s.role === 'leader' && !rd.soft && (!rd.hardState || rd.hardState.term === s.persistedTerm);
}
