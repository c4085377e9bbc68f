/**
 * Raft's persistent data (Ongaro & Ousterhout, fig. 2). Shared by the Raft core,
 * the storage engine and the node. Extend, don't rename.
 */
export type NodeId = string;

export interface Entry {
  index: number;
  term: number;
  /** 'noop' is the entry a new leader appends to commit its term; 'config' changes membership */
  kind: 'command' | 'noop' | 'config';
  /** opaque payload (JSON text of the replicated request) */
  data: string;
}

export interface HardState {
  term: number;
  vote: NodeId | null;
  commit: number;
}

export interface SnapshotMeta {
  /** last log index and term the snapshot covers */
  index: number;
  term: number;
  peers: NodeId[];
}

export interface Snapshot {
  meta: SnapshotMeta;
  /** the state machine's (and session table's) serialized state */
  data: Uint8Array;
}
