/** Value equality, hashing and display shared by the models (histories hold JSON data). */
export function valueEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function stringHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function valueHash(v: unknown): number {
  return typeof v === 'string' ? stringHash(v) : stringHash(JSON.stringify(v) ?? 'undefined');
}

export function show(v: unknown): string {
  if (v === undefined) return '?';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Jepsen's independent form: every input is [key, value]. */
export function isKeyValuePair(v: unknown): v is [unknown, unknown] {
  return Array.isArray(v) && v.length === 2 && (typeof v[0] === 'string' || typeof v[0] === 'number');
}
