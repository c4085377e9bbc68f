import type { PersistentState, RaftStorage } from '../raft/storage.js';

/**
 * The unsafe persist=none mode: nothing is written, so a restarted node comes back
 * empty (and acknowledged writes are lost when a majority restarts).
 */
export class MemoryStorage implements RaftStorage {
  async load(): Promise<PersistentState> {
    return { hardState: { term: 0, vote: null, commit: 0 }, snapshot: null, entries: [] };
  }
  async persist(): Promise<void> {}
  async saveSnapshot(): Promise<void> {}
  async close(): Promise<void> {}
}
