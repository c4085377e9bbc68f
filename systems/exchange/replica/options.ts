/** The replica's behaviour switches; the unsafe ones exist so checkers can be shown to catch them. */
export interface ReplicaModes {
  /** index: ReadIndex (linearizable); lease: leader's wall-clock lease (unsafe); local: any node, own state (unsafe) */
  readMode: 'index' | 'lease' | 'local';
  /** commit: acknowledge after apply; before-commit: once in the leader's own log (unsafe) */
  ack: 'commit' | 'before-commit';
  /** fsync: durable log; none: memory only (unsafe) */
  persist: 'fsync' | 'none';
}

export const SAFE_MODES: ReplicaModes = { readMode: 'index', ack: 'commit', persist: 'fsync' };
