import type { Entry } from './types.js';

/** The in-memory Raft log: entries 1..lastIndex (index 0 is the empty prefix, term 0). */
export class RaftLog {
  private entries: Entry[] = [];

  constructor(initial: Entry[] = []) {
    for (const e of initial) this.entries.push(e);
  }

  get lastIndex(): number {
    return this.entries.length;
  }

  get lastTerm(): number {
    return this.term(this.lastIndex);
  }

  term(index: number): number {
    if (index <= 0 || index > this.entries.length) return 0;
    return this.entries[index - 1].term;
  }

  entry(index: number): Entry {
    return this.entries[index - 1];
  }

  append(entry: Entry): void {
    if (entry.index !== this.entries.length + 1) throw new Error(`log gap: appending ${entry.index} after ${this.entries.length}`);
    this.entries.push(entry);
  }

  /** drops entries with index >= from */
  truncate(from: number): void {
    this.entries.length = Math.max(0, from - 1);
  }

  slice(from: number, to: number): Entry[] {
    return this.entries.slice(from - 1, Math.max(from - 1, to));
  }

  /** Is a log ending at (lastIndex, lastTerm) at least as up to date as ours? (§5.4.1) */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    return lastTerm > this.lastTerm || (lastTerm === this.lastTerm && lastIndex >= this.lastIndex);
  }
}
