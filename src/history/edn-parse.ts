import { describe } from './describe.js';
import { inexactInteger, MAX_DEPTH, TOO_DEEP } from './limits.js';

/**
 * A small recursive-descent EDN reader, just enough for Jepsen histories: maps,
 * vectors, lists, sets (as arrays), keywords and symbols (as strings, keywords
 * without the colon), strings, characters, nil, booleans, numbers (N/M suffixes,
 * ratios), tagged literals (#inst "..." → the string; #some.Record{...} → the map),
 * `;` comments and `#_` discards. It tracks line numbers so errors name the line.
 * Nesting (collections, tags, discards) deeper than MAX_DEPTH is refused rather than
 * recursed into, and so are integers a double cannot hold exactly (limits.ts).
 * (edn-data 1.2.2 was tried first: about 8 MB/s, no line numbers, and it silently
 * ignores a second top-level form; this is several times faster.)
 */
export class EdnSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

// character classes
const DELIM = new Uint8Array(128);
for (const c of ' \t\r\n,()[]{}";') DELIM[c.charCodeAt(0)] = 1;

export class EdnReader {
  pos = 0;
  line = 1;
  private depth = 0;
  constructor(readonly text: string) {}

  /** Skips whitespace, commas, comments and `#_` discarded forms. */
  skipBlank(): void {
    const t = this.text;
    const n = t.length;
    while (this.pos < n) {
      const c = t.charCodeAt(this.pos);
      if (c === 10) {
        this.line++;
        this.pos++;
      } else if (c === 32 || c === 44 || c === 9 || c === 13 || c === 0xfeff) {
        this.pos++;
      } else if (c === 59) {
        const nl = t.indexOf('\n', this.pos);
        this.pos = nl === -1 ? n : nl;
      } else if (c === 35 && t.charCodeAt(this.pos + 1) === 95) {
        this.pos += 2;
        // `#_ #_ #_ ...` nests: count it as depth like any other form
        if (++this.depth > MAX_DEPTH) throw new EdnSyntaxError(TOO_DEEP, this.line);
        this.read();
        this.depth--;
      } else break;
    }
  }

  atEnd(): boolean {
    this.skipBlank();
    return this.pos >= this.text.length;
  }

  peek(): number {
    return this.text.charCodeAt(this.pos);
  }

  /** Reads one form. */
  read(): unknown {
    if (++this.depth > MAX_DEPTH) throw new EdnSyntaxError(TOO_DEEP, this.line);
    const v = this.readForm();
    this.depth--;
    return v;
  }

  private readForm(): unknown {
    this.skipBlank();
    const t = this.text;
    if (this.pos >= t.length) throw new EdnSyntaxError('expected a value, but the input ends', this.line);
    const c = t.charCodeAt(this.pos);
    switch (c) {
      case 123: // {
        this.pos++;
        return this.readMap();
      case 91: // [
      case 40: // (
        this.pos++;
        return this.readSeq(c === 91 ? 93 : 41);
      case 34: // "
        return this.readString();
      case 58: // :
        this.pos++;
        return this.readToken('keyword');
      case 92: // \
        return this.readChar();
      case 35: // #
        if (t.charCodeAt(this.pos + 1) === 123) {
          this.pos += 2;
          return this.readSeq(125);
        }
        this.pos++;
        this.readToken('tag');
        return this.read(); // the tagged value itself
      case 41:
      case 93:
      case 125:
        throw new EdnSyntaxError(`unexpected ${t[this.pos]}`, this.line);
      default:
        return this.readAtom();
    }
  }

  private readMap(): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.text.length) throw new EdnSyntaxError('expected } to close a map, but the input ends', this.line);
      if (this.peek() === 125) {
        this.pos++;
        return map;
      }
      const keyLine = this.line;
      const k = this.read();
      this.skipBlank();
      if (this.pos >= this.text.length) throw new EdnSyntaxError(`expected a value for map key ${describe(k)}, but the input ends`, this.line);
      if (this.peek() === 125) throw new EdnSyntaxError(`expected a value for map key ${describe(k)}`, keyLine);
      const key = typeof k === 'string' ? k : JSON.stringify(k);
      const v = this.read();
      if (key === '__proto__') Object.defineProperty(map, key, { value: v, enumerable: true, writable: true, configurable: true });
      else map[key] = v;
    }
  }

  private readSeq(close: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.text.length) {
        throw new EdnSyntaxError(`expected ${String.fromCharCode(close)} to close a collection, but the input ends`, this.line);
      }
      if (this.peek() === close) {
        this.pos++;
        return out;
      }
      out.push(this.read());
    }
  }

  private readString(): string {
    const t = this.text;
    const start = ++this.pos;
    // fast path: no escapes, no newlines
    let i = start;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return t.slice(start, i);
      }
      if (c === 92 || c === 10 || Number.isNaN(c)) break;
      i++;
    }
    let out = t.slice(start, i);
    for (;;) {
      if (i >= t.length) throw new EdnSyntaxError('expected " to close a string, but the input ends', this.line);
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c === 10) this.line++;
      if (c !== 92) {
        out += t[i++];
        continue;
      }
      const e = t[i + 1];
      i += 2;
      if (e === 'n') out += '\n';
      else if (e === 't') out += '\t';
      else if (e === 'r') out += '\r';
      else if (e === 'b') out += '\b';
      else if (e === 'f') out += '\f';
      else if (e === '"' || e === '\\') out += e;
      else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(i, i + 4))) {
        out += String.fromCharCode(Number.parseInt(t.slice(i, i + 4), 16));
        i += 4;
      } else throw new EdnSyntaxError(`unknown escape \\${e ?? ''} in a string`, this.line);
    }
    this.pos = i + 1;
    return out;
  }

  private readChar(): string {
    this.pos++;
    const start = this.pos;
    this.pos++; // the first character is always part of the literal, even a delimiter
    while (this.pos < this.text.length && !isDelim(this.peek())) this.pos++;
    const name = this.text.slice(start, this.pos);
    if (name.length === 1) return name;
    const named: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', backspace: '\b', formfeed: '\f' };
    if (named[name] !== undefined) return named[name];
    if (/^u[0-9a-fA-F]{4}$/.test(name)) return String.fromCharCode(Number.parseInt(name.slice(1), 16));
    throw new EdnSyntaxError(`unknown character literal \\${name}`, this.line);
  }

  private readToken(what: 'keyword' | 'tag'): string {
    const start = this.pos;
    while (this.pos < this.text.length && !isDelim(this.peek())) this.pos++;
    if (this.pos === start) throw new EdnSyntaxError(`expected a ${what} name`, this.line);
    return this.text.slice(start, this.pos);
  }

  private readAtom(): unknown {
    const line = this.line;
    const tok = this.readToken('keyword' as const);
    const c = tok.charCodeAt(0);
    const c1 = tok.charCodeAt(1);
    const numeric = (c >= 48 && c <= 57) || ((c === 45 || c === 43) && c1 >= 48 && c1 <= 57);
    if (!numeric) {
      if (tok === 'nil') return null;
      if (tok === 'true') return true;
      if (tok === 'false') return false;
      return tok; // a symbol
    }
    let body = tok;
    const last = tok.charCodeAt(tok.length - 1);
    if (last === 78 || last === 77) body = tok.slice(0, -1); // 12N, 1.5M
    const slash = body.indexOf('/');
    const v = slash === -1 ? Number(body) : Number(body.slice(0, slash)) / Number(body.slice(slash + 1));
    if (Number.isNaN(v) || body.startsWith('0x')) throw new EdnSyntaxError(`expected a number, got ${tok}`, line);
    if (!Number.isFinite(v)) throw new EdnSyntaxError(`the number ${tok} is out of range`, line);
    if (slash === -1 && /^[-+]?\d+$/.test(body)) {
      const inexact = inexactInteger(body.charCodeAt(0) === 43 ? body.slice(1) : body);
      if (inexact !== null) throw new EdnSyntaxError(inexact, line);
    }
    return v;
  }
}

function isDelim(c: number): boolean {
  return c < 128 && DELIM[c] === 1;
}

/** Parses exactly one EDN form (plus blanks). */
export function parseEdn(text: string): unknown {
  const r = new EdnReader(text);
  const v = r.read();
  if (!r.atEnd()) throw new EdnSyntaxError('expected the end of the input after one form', r.line);
  return v;
}
