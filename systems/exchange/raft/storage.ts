import type { Entry, HardState, Snapshot } from './types.js';

/** What a node finds on disk when it starts. */
export interface PersistentState {
  hardState: HardState;
  snapshot: Snapshot | null;
  /** log entries after the snapshot (or from index 1), contiguous */
  entries: Entry[];
}

/**
 * Durable storage for one Raft node. The real implementation is an append-only,
 * checksummed, fsynced file (systems/exchange/storage); the simulation uses an in-memory disk
 * that loses whatever was not yet persisted when a node crashes.
 */
export interface RaftStorage {
  /** Everything persisted; throws a StorageCorruptError on corruption it must not repair. */
  load(): Promise<PersistentState>;
  /**
   * Durably record: drop log entries with index >= truncateFrom (if set), append
   * `entries`, save `hardState` (if set). Resolves only once fsynced. Callers may
   * issue several before the first resolves; they resolve in order (group commit).
   */
  persist(batch: { hardState?: HardState; truncateFrom?: number; entries: Entry[] }): Promise<void>;
  /**
   * Durably save a snapshot, then discard log entries with index <= snapshot.meta.index.
   * Persists may be issued while it runs (they stay ordered and durable); snapshot
   * saves run one at a time, in call order.
   */
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  close(): Promise<void>;
}
