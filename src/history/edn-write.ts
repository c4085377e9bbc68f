import type { Op } from './types.js';

/** Fields whose string values are keywords in Jepsen's op maps. */
const KEYWORD_FIELDS = new Set(['type', 'f']);
const KEYWORD_RE = /^[A-Za-z*+!_?<>=][A-Za-z0-9*+!_?<>=.\-/]*$/;

/**
 * One op as an EDN map, the form Jepsen writes to history.edn: keys, `type`, `f`
 * and a named process (`:nemesis`) as keywords, other strings as strings.
 */
export function opToEdn(op: Op): string {
  const parts: string[] = [];
  for (const key of Object.keys(op)) {
    const v = op[key];
    if (v === undefined) continue;
    const asKeyword = (KEYWORD_FIELDS.has(key) || key === 'process') && typeof v === 'string' && KEYWORD_RE.test(v);
    parts.push(`${ednKey(key)} ${asKeyword ? `:${v}` : ednValue(v)}`);
  }
  return `{${parts.join(', ')}}`;
}

/** Alias of opToEdn. */
export const toEdn = opToEdn;

/** A whole history as Jepsen's history.edn (one op map per line). */
export function historyToEdn(ops: Iterable<Op>): string {
  let out = '';
  for (const op of ops) out += `${opToEdn(op)}\n`;
  return out;
}

function ednKey(key: string): string {
  return KEYWORD_RE.test(key) ? `:${key}` : ednString(key);
}

export function ednValue(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  switch (typeof v) {
    case 'string':
      return ednString(v);
    case 'number':
      if (!Number.isFinite(v)) return 'nil';
      return Number.isInteger(v) || String(v).includes('.') || String(v).includes('e') ? String(v) : `${v}.0`;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return `${v}N`;
    case 'object':
      if (Array.isArray(v)) return `[${v.map(ednValue).join(' ')}]`;
      return `{${Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => `${ednKey(k)} ${ednValue(x)}`)
        .join(', ')}}`;
    default:
      return 'nil';
  }
}

function ednString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c === 10) out += '\\n';
    else if (c === 9) out += '\\t';
    else if (c === 13) out += '\\r';
    else if (c < 32) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}
