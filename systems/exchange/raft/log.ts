import type { Entry } from './types.js';

/**
 * The in-memory Raft log after the last snapshot: entries snapshotIndex+1..lastIndex.
 * The snapshot stands for everything up to snapshotIndex (whose term is kept).
 */
export class RaftLog {
  private entries: Entry[] = [];
  snapshotIndex: number;
  snapshotTerm: number;

  constructor(initial: Entry[] = [], snapshotIndex = 0, snapshotTerm = 0) {
    this.snapshotIndex = snapshotIndex;
    this.snapshotTerm = snapshotTerm;
    for (const e of initial) if (e.index > snapshotIndex) this.append(e);
  }

  get firstIndex(): number {
    return this.snapshotIndex + 1;
  }

  get lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  get lastTerm(): number {
    return this.term(this.lastIndex);
  }

  /** the term of an entry; 0 if it is beyond the log or compacted away (before the snapshot) */
  term(index: number): number {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.snapshotIndex || index > this.lastIndex) return 0;
    return this.entries[index - this.snapshotIndex - 1].term;
  }

  entry(index: number): Entry {
    return this.entries[index - this.snapshotIndex - 1];
  }

  append(entry: Entry): void {
    if (entry.index !== this.lastIndex + 1) throw new Error(`log gap: appending ${entry.index} after ${this.lastIndex}`);
    this.entries.push(entry);
  }

  /** drops entries with index >= from (never into the snapshot) */
  truncate(from: number): void {
    this.entries.length = Math.max(0, from - this.snapshotIndex - 1);
  }

  slice(from: number, to: number): Entry[] {
    const base = this.snapshotIndex + 1;
    return this.entries.slice(Math.max(0, from - base), Math.max(0, to - base + 1));
  }

  /** forgets entries up to `index`, now covered by a snapshot */
  compact(index: number): void {
    if (index <= this.snapshotIndex) return;
    const term = this.term(index);
    this.entries = this.entries.slice(index - this.snapshotIndex);
    this.snapshotIndex = index;
    this.snapshotTerm = term;
  }

  /** replaces the whole log by a snapshot (a follower installing the leader's) */
  restore(index: number, term: number): void {
    this.entries = [];
    this.snapshotIndex = index;
    this.snapshotTerm = term;
  }

  /** Is a log ending at (lastIndex, lastTerm) at least as up to date as ours? (§5.4.1) */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    return lastTerm > this.lastTerm || (lastTerm === this.lastTerm && lastIndex >= this.lastIndex);
  }
}
