/**
 * Planted bugs of the Raft core, off by default: each is a real bug from another
 * system's history (README, "Planted bugs"), switched on by a node option of the
 * same name so the checkers and the simulation can be shown to catch it.
 */
export interface RaftBugs {
  /** any-term: a leader commits an earlier term's entry by counting replicas (the Raft paper's figure 8) */
  commitRule: 'current-term' | 'any-term';
  /** keep: a follower that holds an entry conflicting with the leader's keeps it and everything after it */
  onConflict: 'truncate' | 'keep';
  /** always: a follower installs every snapshot it receives, even one behind its log (its state rolls back) */
  snapshotInstall: 'if-newer' | 'always';
  /** ack: with read-mode=lease, the leader's lease runs from when a heartbeat's acks arrived, not from when it was sent */
  leaseStart: 'send' | 'ack';
}

export const SAFE_RAFT: RaftBugs = { commitRule: 'current-term', onConflict: 'truncate', snapshotInstall: 'if-newer', leaseStart: 'send' };
