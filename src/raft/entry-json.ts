import type { Entry } from './types.js';

/**
 * An entry's JSON text, computed once per entry object. The leader encodes each
 * entry for its own WAL and again in the append to every follower; entries are
 * never mutated once created, so the text can be shared.
 */
const cache = new WeakMap<Entry, string>();

export function entryJson(e: Entry): string {
  let s = cache.get(e);
  if (s === undefined) {
    s = JSON.stringify(e);
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
