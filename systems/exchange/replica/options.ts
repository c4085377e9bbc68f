import { type RaftBugs, SAFE_RAFT } from '../raft/bugs.js';

/**
 * The replica's behaviour switches. The unsafe ones are planted bugs (README, "Planted
 * bugs"), each a real bug from another system's history, so the checkers and the
 * simulation can be shown to catch them; the Raft core's own are in raft/bugs.ts.
 */
export interface ReplicaModes extends RaftBugs {
  /**
   * index: ReadIndex (linearizable); lease: leader's wall-clock lease (unsafe);
   * local: any node, own state (unsafe); leader: the leader answers from its own
   * state without confirming it still leads (unsafe)
   */
  readMode: 'index' | 'lease' | 'local' | 'leader';
  /** commit: acknowledge after apply; before-commit: once in the leader's own log (unsafe) */
  ack: 'commit' | 'before-commit';
  /** fsync: durable log; none: memory only (unsafe) */
  persist: 'fsync' | 'none';
  /** fsync: the term and vote are durable before a vote is answered; none: they live in memory only (unsafe) */
  persistVote: 'fsync' | 'none';
  /** on: a leader that has not heard from a majority for an election timeout steps down; off: it never does (unsafe with read-mode=leader) */
  checkQuorum: 'on' | 'off';
  /** on: a retried (clientId, seq) is applied once; off: every copy is applied (unsafe) */
  sessions: 'on' | 'off';
  /** when a write to the log is claimed: before-ack, once fsynced; after-ack, before its fsync completes (unsafe); never fsynced (unsafe) */
  fsync: 'before-ack' | 'after-ack' | 'never';
}

export const SAFE_MODES: ReplicaModes = {
  ...SAFE_RAFT,
  readMode: 'index',
  ack: 'commit',
  persist: 'fsync',
  persistVote: 'fsync',
  checkQuorum: 'on',
  sessions: 'on',
  fsync: 'before-ack',
};
