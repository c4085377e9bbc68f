import { inexactInteger, MAX_DEPTH } from './limits.js';

/**
 * A JSON reader for one history line, straight from the file's bytes. It handles
 * the common case (ASCII strings without escapes, plain numbers) and interns short
 * strings ("invoke", "read", keys), which saves both the UTF-8 decode and most
 * string allocations; anything else (escapes, non-ASCII, long or exotic numbers,
 * bad syntax) returns FALLBACK and the caller uses JSON.parse on that line, so the
 * result is always what JSON.parse gives. It does not recurse past MAX_DEPTH, nor
 * read an integer a double cannot hold exactly: such lines go to the caller too,
 * which refuses them (limits.ts).
 */
export const FALLBACK: unique symbol = Symbol('fallback');

let buf: Uint8Array = new Uint8Array(0);
let pos = 0;
let fail = false;
let depth = 0;

// string interning: open table keyed by a hash of the bytes
const INTERN_MAX = 32;
const TABLE = 4096;
const internHash = new Int32Array(TABLE);
const internStr: (string | undefined)[] = new Array(TABLE).fill(undefined);

/** Parses bytes[start, end) as one JSON value; FALLBACK if the fast path cannot. */
export function parseJsonBytes(bytes: Uint8Array, start: number, end: number): unknown {
  buf = bytes;
  pos = start;
  fail = false;
  depth = 0;
  const v = value(end);
  if (fail) return FALLBACK;
  skipWs(end);
  return pos === end ? v : FALLBACK;
}

const OP_KEYS = ['index', 'time', 'type', 'process', 'f', 'value'] as const;
/** `"index"` etc. as bytes, to match the usual keys without building strings */
const OP_KEY_BYTES = OP_KEYS.map((k) => Uint8Array.from(`"${k}"`, (c) => c.charCodeAt(0)));

/** Consumes `"<key>"` (then blanks and `:`) if it is next. */
function expectKey(k: number, end: number): boolean {
  const want = OP_KEY_BYTES[k];
  const b = buf;
  const p = pos;
  if (p + want.length > end) return false;
  for (let i = 0; i < want.length; i++) if (b[p + i] !== want[i]) return false;
  pos = p + want.length;
  skipWs(end);
  if (b[pos] !== 58) return false;
  pos++;
  return true;
}

function makeOp(index: unknown, time: unknown, type: unknown, process: unknown, f: unknown, value: unknown): Record<string, unknown> {
  return { index, time, type, process, f, value };
}
// Times in ns pass 2^31 (V8's small integers) within seconds, and processes are
// numbers or "nemesis": start the op shape with the most general field kind
// (tagged: any value, small integers unboxed), so later ops never deprecate the
// shape, which would make V8 migrate every earlier op (measured: +1 s per million
// ops on first access), and times are not boxed as doubles.
makeOp('', '', '', '', '', null);

/**
 * Like parseJsonBytes, for an op map whose first keys are Jepsen's usual
 * index, time, type, process, f, value (what HistoryWriter writes): the op is built
 * as one object literal, so all six fields sit inside the object (one allocation,
 * a shared shape), which matters when a million ops stay in memory.
 */
export function parseOpBytes(bytes: Uint8Array, start: number, end: number): unknown {
  buf = bytes;
  pos = start;
  fail = false;
  depth = 1;
  skipWs(end);
  if (buf[pos] !== 123) return parseJsonBytes(bytes, start, end);
  pos++;
  // unrolled: each field is `key: value` then `,` (the sixth may end the map with `}`)
  if (!expectKey(0, end)) return parseJsonBytes(bytes, start, end);
  const index = value(end);
  if (fail || !comma(end) || !expectKey(1, end)) return parseJsonBytes(bytes, start, end);
  const time = value(end);
  if (fail || !comma(end) || !expectKey(2, end)) return parseJsonBytes(bytes, start, end);
  const type = value(end);
  if (fail || !comma(end) || !expectKey(3, end)) return parseJsonBytes(bytes, start, end);
  const proc = value(end);
  if (fail || !comma(end) || !expectKey(4, end)) return parseJsonBytes(bytes, start, end);
  const f = value(end);
  if (fail || !comma(end) || !expectKey(5, end)) return parseJsonBytes(bytes, start, end);
  const v = value(end);
  if (fail) return parseJsonBytes(bytes, start, end);
  const op = makeOp(index, time, type, proc, f, v);
  skipWs(end);
  if (buf[pos] === 125) {
    pos++;
    skipWs(end);
    return pos === end ? op : FALLBACK;
  }
  if (buf[pos++] !== 44) return FALLBACK;
  // more fields follow
  for (;;) {
    skipWs(end);
    if (buf[pos] !== 34) break;
    const key = string(end);
    if (fail || key === '__proto__' || (key as string) in op) break; // duplicates: JSON.parse decides
    skipWs(end);
    if (buf[pos] !== 58) break;
    pos++;
    const v = value(end);
    if (fail) break;
    op[key as string] = v;
    skipWs(end);
    const c = buf[pos++];
    if (c === 44) continue;
    if (c === 125) {
      skipWs(end);
      if (pos === end) return op;
    }
    break;
  }
  return FALLBACK;
}

function comma(end: number): boolean {
  skipWs(end);
  if (buf[pos] !== 44) return false;
  pos++;
  skipWs(end);
  return true;
}

function skipWs(end: number): void {
  while (pos < end) {
    const c = buf[pos];
    if (c === 32 || c === 9 || c === 13 || c === 10) pos++;
    else break;
  }
}

function value(end: number): unknown {
  skipWs(end);
  if (pos >= end) {
    fail = true;
    return undefined;
  }
  const c = buf[pos];
  if (c === 123) return object(end);
  if (c === 91) return array(end);
  if (c === 34) return string(end);
  if (c === 45 || (c >= 48 && c <= 57)) return number(end);
  if (c === 110 && buf[pos + 1] === 117 && buf[pos + 2] === 108 && buf[pos + 3] === 108) {
    pos += 4;
    return null;
  }
  if (c === 116 && buf[pos + 1] === 114 && buf[pos + 2] === 117 && buf[pos + 3] === 101) {
    pos += 4;
    return true;
  }
  if (c === 102 && buf[pos + 1] === 97 && buf[pos + 2] === 108 && buf[pos + 3] === 115 && buf[pos + 4] === 101) {
    pos += 5;
    return false;
  }
  fail = true;
  return undefined;
}

function object(end: number): unknown {
  if (++depth > MAX_DEPTH) return bad();
  pos++; // {
  const obj: Record<string, unknown> = {};
  skipWs(end);
  if (buf[pos] === 125) {
    pos++;
    depth--;
    return obj;
  }
  for (;;) {
    skipWs(end);
    if (buf[pos] !== 34) break;
    const key = string(end);
    if (fail || key === '__proto__') break; // __proto__ would set the prototype: leave it to JSON.parse
    skipWs(end);
    if (buf[pos] !== 58) break;
    pos++;
    const v = value(end);
    if (fail) break;
    obj[key as string] = v;
    skipWs(end);
    const c = buf[pos];
    pos++;
    if (c === 44) continue;
    if (c === 125) {
      depth--;
      return obj;
    }
    break;
  }
  fail = true;
  return undefined;
}

function array(end: number): unknown {
  if (++depth > MAX_DEPTH) return bad();
  pos++; // [
  skipWs(end);
  if (buf[pos] === 93) {
    pos++;
    depth--;
    return [];
  }
  // Small arrays are built as literals of their exact size: `[]` + push would give
  // each one a 17-slot backing store, which a million retained ops pay for in GC.
  const a = value(end);
  if (fail) return undefined;
  let c = next(end);
  if (c === 93) {
    depth--;
    return [a];
  }
  if (c !== 44) return bad();
  const b = value(end);
  if (fail) return undefined;
  c = next(end);
  if (c === 93) {
    depth--;
    return [a, b];
  }
  if (c !== 44) return bad();
  const d = value(end);
  if (fail) return undefined;
  c = next(end);
  if (c === 93) {
    depth--;
    return [a, b, d];
  }
  if (c !== 44) return bad();
  const arr: unknown[] = [a, b, d];
  for (;;) {
    const v = value(end);
    if (fail) return undefined;
    arr.push(v);
    c = next(end);
    if (c === 44) continue;
    if (c === 93) {
      depth--;
      return arr;
    }
    return bad();
  }
}

/** The next non-blank byte, consumed. */
function next(end: number): number {
  skipWs(end);
  return buf[pos++];
}

function bad(): undefined {
  fail = true;
  return undefined;
}

function string(end: number): unknown {
  const start = ++pos;
  let h = 0x811c9dc5 | 0;
  while (pos < end) {
    const c = buf[pos];
    if (c === 34) break;
    if (c === 92 || c >= 128 || c < 32) {
      fail = true; // escapes, non-ASCII, control characters: JSON.parse decides
      return undefined;
    }
    h = Math.imul(h ^ c, 0x01000193);
    pos++;
  }
  if (pos >= end) {
    fail = true;
    return undefined;
  }
  const len = pos - start;
  pos++; // closing quote
  if (len > INTERN_MAX) return latin1(start, start + len);
  const slot = (h ^ (h >>> 15) ^ len) & (TABLE - 1);
  const known = internStr[slot];
  if (known !== undefined && internHash[slot] === h && known.length === len) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (known.charCodeAt(i) !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return known;
  }
  const s = latin1(start, start + len);
  internHash[slot] = h;
  internStr[slot] = s;
  return s;
}

function latin1(start: number, end: number): string {
  if (end - start <= 16) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  return Buffer.prototype.latin1Slice.call(buf, start, end) as string;
}

function number(end: number): unknown {
  const start = pos;
  let neg = false;
  if (buf[pos] === 45) {
    neg = true;
    pos++;
  }
  const digits = pos;
  let n = 0;
  while (pos < end) {
    const c = buf[pos];
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
    pos++;
  }
  const count = pos - digits;
  if (count === 0 || (count > 1 && buf[digits] === 48)) {
    fail = true; // "-" alone, or a leading zero: not JSON
    return undefined;
  }
  const c = buf[pos];
  if (c === 46 || c === 101 || c === 69 || count > 15) {
    // fraction, exponent or too many digits to add exactly: let the runtime convert
    while (pos < end) {
      const d = buf[pos];
      if ((d >= 48 && d <= 57) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45) pos++;
      else break;
    }
    const text = latin1(start, pos);
    if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) {
      fail = true;
      return undefined;
    }
    // an integer beyond 2^53 that a double cannot hold: the caller refuses the line
    if (count > 15 && pos - digits === count && inexactInteger(text) !== null) {
      fail = true;
      return undefined;
    }
    return Number(text);
  }
  return neg ? (n === 0 ? -0 : -n) : n;
}
