import type { Entry } from './types.js';

/**
 * An entry's JSON text, computed once per entry object within one synchronous
 * run of code. The leader encodes each new entry for its own WAL and in the
 * append to every follower in the same turn; entries are never mutated. The
 * cache is dropped at the next microtask checkpoint, so the texts die young
 * instead of living (and being copied by the GC) as long as the entries do.
 */
const cache = new Map<Entry, string>();
const clear = (): void => cache.clear();

export function entryJson(e: Entry): string {
  let s = cache.get(e);
  if (s === undefined) {
    s = JSON.stringify(e);
    if (cache.size === 0) queueMicrotask(clear);
    cache.set(e, s);
  }
  return s;
}

/** the same text as JSON.stringify(entries) */
export function entriesJson(entries: readonly Entry[]): string {
  if (entries.length === 0) return '[]';
  let out = `[${entryJson(entries[0])}`;
  for (let i = 1; i < entries.length; i++) out += `,${entryJson(entries[i])}`;
  return `${out}]`;
}
