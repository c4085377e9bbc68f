import type { Entry, NodeId, SnapshotMeta } from './types.js';

/**
 * Raft's messages, plain JSON so any transport can carry them. Heartbeats are
 * appends without entries; `ctx` echoes a ReadIndex round so the leader can tell
 * which round a follower acknowledged.
 */
export type Message =
  | { type: 'prevote' | 'vote'; from: NodeId; to: NodeId; term: number; lastIndex: number; lastTerm: number }
  | { type: 'prevote-resp' | 'vote-resp'; from: NodeId; to: NodeId; term: number; granted: boolean }
  | {
      type: 'append';
      from: NodeId;
      to: NodeId;
      term: number;
      prevIndex: number;
      prevTerm: number;
      entries: Entry[];
      commit: number;
      ctx: number;
    }
  | {
      /** InstallSnapshot: the follower is behind the leader's first log entry */
      type: 'snapshot';
      from: NodeId;
      to: NodeId;
      term: number;
      meta: SnapshotMeta;
      /** base64 */
      data: string;
    }
  | {
      type: 'append-resp';
      from: NodeId;
      to: NodeId;
      term: number;
      success: boolean;
      /** on success the follower's match index; on failure a hint: its last index */
      index: number;
      ctx: number;
    };

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';
