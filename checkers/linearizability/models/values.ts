/**
 * Value equality, hashing and display shared by the models (histories hold JSON data).
 * Maps are equal whatever the order of their keys ({"a":1,"b":2} = {"b":2,"a":1}),
 * as in Clojure; arrays are ordered. Readers refuse input nested deeper than
 * MAX_DEPTH (src/history/depth.ts), so the recursion here stays shallow.
 */
export function valueEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const arrayA = Array.isArray(a);
  if (arrayA !== Array.isArray(b)) return false;
  if (arrayA) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!valueEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const k of keys) {
    if (!Object.hasOwn(y, k) || !valueEqual(x[k], y[k])) return false;
  }
  return true;
}

export function stringHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit hash consistent with valueEqual (key order does not change it). */
export function valueHash(v: unknown): number {
  switch (typeof v) {
    case 'string':
      return stringHash(v);
    case 'number':
      // 0 and -0 are equal (===), so they must hash alike: (-0 | 0) === 0
      return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? mix(v | 0) : stringHash(String(v));
    case 'boolean':
      return v ? 0x2b1f3a5c : 0x6d0e41b7;
    case 'undefined':
      return 0x1d2e3f40;
    case 'object': {
      if (v === null) return 0x3c4d5e6f;
      if (Array.isArray(v)) {
        let h = 0x9e3779b9 ^ v.length;
        for (let i = 0; i < v.length; i++) h = Math.imul(h ^ valueHash(v[i]), 0x01000193);
        return mix(h);
      }
      // a sum over the entries: the same whatever order the keys come in
      let h = 0x7f4a7c15;
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) h = (h + mix(stringHash(k) ^ Math.imul(valueHash(o[k]), 0x27d4eb2f))) | 0;
      return mix(h);
    }
    default:
      return stringHash(String(v));
  }
}

/**
 * JSON text of a value with every map's keys sorted: equal values (valueEqual) give
 * the same text. For sets and maps keyed by value.
 */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(v[i]);
    return `${out}]`;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) out += `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:${canonicalJson(o[keys[i]])}`;
  return `${out}}`;
}

/** A value as the user wrote it, shortened; never `[object Object]` or `undefined`. */
export function show(v: unknown): string {
  if (v === undefined) return '?';
  const s = typeof v === 'bigint' ? `${v}` : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Jepsen's independent form: every input is [key, value]. */
export function isKeyValuePair(v: unknown): v is [unknown, unknown] {
  return Array.isArray(v) && v.length === 2 && (typeof v[0] === 'string' || typeof v[0] === 'number');
}
